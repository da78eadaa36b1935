// Python tools the tests run, installed from PyPI into one virtual environment in
// the tool cache (outside the clone, kept between runs): Schemathesis, the
// property-based fuzzer that test/gateway/contract.test.ts runs against
// /openapi.json. The version is pinned, so a run is the same on every machine;
// a second call finds the venv and returns at once.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, isExecutable, onPath } from '../stack/tools.js';

export const SCHEMATHESIS_VERSION = '4.32.5';

const venv = join(cacheDir, `python-schemathesis-${SCHEMATHESIS_VERSION}`);

/** The `st` executable: SCHEMATHESIS_PATH, else the cache's venv (undefined until provisioned). */
export function schemathesisPath(): string | undefined {
  const candidates = [process.env.SCHEMATHESIS_PATH, join(venv, 'bin', 'st')];
  return candidates.find((c): c is string => !!c && isExecutable(c));
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** Installs Schemathesis into its venv unless it is there; `log` reports what it does. */
export function ensureSchemathesis(log: (line: string) => void = console.log): void {
  if (schemathesisPath()) return;
  const python = onPath('python3');
  if (!python) throw new Error('Schemathesis needs Python >= 3.9 (apt-get install python3-venv), or set SCHEMATHESIS_PATH');
  log(`[provision] installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv} ...`);
  if (!existsSync(join(venv, 'bin', 'pip'))) run(python, ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`]);
}
