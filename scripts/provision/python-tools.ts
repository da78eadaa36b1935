// Python tools the tests run, each installed from PyPI into a virtual environment
// of its own in the tool cache (outside the clone, kept between runs), at a pinned
// version so a run is the same on every machine: Schemathesis, the property-based
// fuzzer test/gateway/contract.test.ts runs against /openapi.json. A second call
// finds the venv and returns at once.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, isExecutable, onPath } from '../stack/tools.js';

export const SCHEMATHESIS_VERSION = '4.32.5';

export interface PipTool {
  /** The PyPI package. */
  name: string;
  version: string;
  /** Its executable in the venv's bin/. */
  bin: string;
}

const SCHEMATHESIS: PipTool = { name: 'schemathesis', version: SCHEMATHESIS_VERSION, bin: 'st' };

const venvOf = (tool: PipTool) => join(cacheDir, `python-${tool.name}-${tool.version}`);
// Written last, so a venv whose install was interrupted is not taken for a working one.
const completeMarker = (tool: PipTool) => join(venvOf(tool), '.complete');

/** The tool's executable once it is installed, else undefined. */
export function pipToolPath(tool: PipTool): string | undefined {
  const path = join(venvOf(tool), 'bin', tool.bin);
  return existsSync(completeMarker(tool)) && isExecutable(path) ? path : undefined;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

/** Installs the tool into its venv unless it is there; `log` reports what it does. */
export function ensurePipTool(tool: PipTool, log: (line: string) => void = console.log): void {
  if (pipToolPath(tool)) return;
  const python = onPath('python3');
  if (!python) throw new Error(`${tool.name} needs python3 with its venv module (apt-get install python3-venv)`);
  const venv = venvOf(tool);
  log(`[provision] installing ${tool.name} ${tool.version} from PyPI into ${venv} ...`);
  rmSync(venv, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  run(python, ['-m', 'venv', venv]);
  run(join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `${tool.name}==${tool.version}`]);
  writeFileSync(completeMarker(tool), `${tool.version}\n`);
}

/** The `st` executable: SCHEMATHESIS_PATH, else the cache's venv (undefined until provisioned). */
export const schemathesisPath = (): string | undefined =>
  (process.env.SCHEMATHESIS_PATH && isExecutable(process.env.SCHEMATHESIS_PATH) ? process.env.SCHEMATHESIS_PATH : undefined) ??
  pipToolPath(SCHEMATHESIS);

export function ensureSchemathesis(): void {
  if (!schemathesisPath()) ensurePipTool(SCHEMATHESIS);
}
