import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global-stack.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // A hang detector, not a speed check: tests of the running stack share two cores with
    // another file (often the chaos or cluster run): at 60 s a load test that took 35 s in one
    // CI run was cut off in the next. Tests that are slow by design set their own.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
    reporters: ['default'],
  },
});
