// Files of the repository that are not code (deploy/, scripts/uiserver, ...), found
// the same way from the sources under tsx (scripts/stack) and from the compiled
// launcher (dist/scripts/stack, `npm start`, `npm run start:cluster`, `npm run chaos`),
// where a path relative to the module would point into dist/, which holds only JavaScript.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function nearestPackage(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${from} or above it`);
  }
}

/** The repository's root: the nearest folder above this module with a package.json (dist/ has none). */
export const repositoryRoot = nearestPackage(dirname(fileURLToPath(import.meta.url)));

/** A path in the repository, given from its root. */
export const inRepository = (...path: string[]): string => join(repositoryRoot, ...path);
