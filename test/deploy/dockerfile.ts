// Just enough of a Dockerfile reader for the image checks: stages, their
// instructions (continuations joined, comments dropped) and global ARG defaults
// substituted into FROM. No Docker engine exists here to build the image, so
// the checks read what the build would do.
import { posix } from 'node:path';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  name?: string;
  image: string;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, keyword = '', args = ''] = /^(\S+)(?:\s+(\S.*))?$/.exec(line) ?? [];
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [, image = '', name] = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name, image: image.replace(/\$\{?(\w+)\}?/g, (_, arg: string) => globalArgs[arg] ?? ''), instructions: [] });
    } else if (stages.length === 0 && upper === 'ARG') {
      const [, arg = '', value = ''] = /^(\w+)(?:=(.*))?$/.exec(args) ?? [];
      globalArgs[arg] = value;
    } else if (stages.length) {
      stages.at(-1)!.instructions.push({ keyword: upper, args });
    }
  }
  return stages;
}

export const instructionsOf = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

/** The stage's working directory (WORKDIR, relative ones resolved), `/` if none. */
export function workdirOf(stage: Stage): string {
  return instructionsOf(stage, 'WORKDIR').reduce((dir, next) => posix.resolve(dir, next), '/');
}

/** The stage's ENV variables (`ENV A=1 B="2"` and the old `ENV A 1`). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of instructionsOf(stage, 'ENV')) {
    if (!args.includes('=')) {
      const [key = '', ...value] = args.split(/\s+/);
      env[key] = value.join(' ');
      continue;
    }
    for (const [, key = '', quoted, bare] of args.matchAll(/\b(\w+)=(?:"([^"]*)"|(\S*))/g)) env[key] = quoted ?? bare ?? '';
  }
  return env;
}

/** COPY instructions as sources, destination (resolved against the stage's WORKDIR at that point) and --from. */
export function copiesOf(stage: Stage): Array<{ from?: string; sources: string[]; destination: string }> {
  let workdir = '/';
  const copies: Array<{ from?: string; sources: string[]; destination: string }> = [];
  for (const { keyword, args } of stage.instructions) {
    if (keyword === 'WORKDIR') workdir = posix.resolve(workdir, args);
    if (keyword !== 'COPY') continue;
    const words = args.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    copies.push({ from, sources: paths.slice(0, -1), destination: posix.resolve(workdir, paths.at(-1)!) });
  }
  return copies;
}
