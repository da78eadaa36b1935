import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O,
// and no client/worker/activity SDK (activities are reached through proxyActivities only).
const forbiddenInWorkflows = [
  ...builtinModules.flatMap((m) => [m, `node:${m}`]),
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'mongodb',
  'ioredis',
  'hono',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A type is proved, not asserted away: no casts to `never`, no double casts through `unknown`.
    files: ['gateway/**/*.ts', 'services/**/*.ts', 'shared/**/*.ts', 'activities/**/*.ts', 'workflows/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "TSAsExpression[typeAnnotation.type='TSNeverKeyword']", message: 'No `as never`: make the types line up.' },
        { selector: "TSAsExpression[expression.type='TSAsExpression'][expression.typeAnnotation.type='TSUnknownKeyword']", message: 'No `as unknown as`: make the types line up.' },
      ],
    },
  },
  {
    // Tests and benchmarks read arbitrary JSON answers of the API.
    files: ['test/**/*.ts', 'scripts/bench.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: forbiddenInWorkflows.map((name) => ({ name, message: 'Workflow code must stay deterministic: no Node, I/O or non-workflow SDK imports.' })),
        patterns: [{ group: ['../services/*', '../shared/*', '!../shared/domain', '!../shared/domain.js', '../gateway/*'], message: 'Workflows import only workflow-safe modules and activity types.' }],
      }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
