// A small Go `main` of our own (scripts/composecheck, scripts/uiserver), built into the cache
// under a name derived from its sources: an edit of the sources builds a new binary, and the
// binaries of older sources are removed.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inRepository } from '../stack/repository.js';
import { cacheBin } from '../stack/tools.js';
import type { ProvisionHelpers } from './deploy-tools.js';

const SOURCES = ['go.mod', 'go.sum', 'main.go'];

export interface GoMain {
  /** Where the binary of the current sources is (built or not). */
  binary(): string;
  /** Builds it with `go build` (module mode, no network beyond the Go proxy's go.sum pins). */
  build(go: string, run: ProvisionHelpers['run']): void;
}

/** `folder`: where its sources are, from the repository's root (e.g. scripts/uiserver). */
export function goMain(folder: string, prefix: string): GoMain {
  const dir = inRepository(folder);
  const binary = () => {
    const hash = createHash('sha256');
    for (const file of SOURCES) hash.update(readFileSync(join(dir, file)));
    return join(cacheBin, `${prefix}-${hash.digest('hex').slice(0, 12)}`);
  };
  return {
    binary,
    build(go, run) {
      const target = binary();
      // Built beside its final name and renamed, so a concurrent run never finds half a binary.
      const partial = `${target}.${process.pid}`;
      run(go, ['build', '-trimpath', '-o', partial, '.'], { GOFLAGS: '-mod=readonly -buildvcs=false' }, dir);
      renameSync(partial, target);
      for (const old of readdirSync(cacheBin)) {
        if (old.startsWith(`${prefix}-`) && join(cacheBin, old) !== target) rmSync(join(cacheBin, old), { force: true });
      }
    },
  };
}
