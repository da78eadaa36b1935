// The Dockerfile, read as the build would run it (no Docker engine exists on
// our machines): a build stage that compiles, a runtime stage with production
// dependencies only, run by a non-root user, and a layout in which every
// entry compose and Kubernetes start is where the build puts it.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { copiesOf, instructionsOf, parseDockerfile, workdirOf, type Stage } from './dockerfile.js';
import { builtFileOf, loadProcesses, root } from './processes.js';

const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const distCopy = copiesOf(runtime).find((c) => c.from !== undefined);
const buildStage = stages.find((s) => s.name === distCopy?.from);
const runs = (stage: Stage | undefined) => (stage ? instructionsOf(stage, 'RUN').join('\n') : '');
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('Dockerfile', () => {
  it('compiles in a build stage and copies only the output into the runtime stage', () => {
    expect(stages.length, 'a multi-stage build').toBeGreaterThanOrEqual(2);
    expect(buildStage, 'the runtime stage copies from a named build stage').toBeDefined();
    expect(runs(buildStage)).toMatch(/\bnpm ci\b/);
    expect(runs(buildStage)).toMatch(/\bnpm run build\b/);
    // The build stage works from the repository's root layout, so tsconfig.build.json's outDir is where its output is.
    const outDir = relative(root, dirname(join(root, builtFileOf('gateway/main.ts')))).split('/')[0]!;
    expect(distCopy!.sources).toEqual([posix.join(workdirOf(buildStage!), outDir)]);
    expect(distCopy!.destination, 'the build output lands in the runtime working directory').toBe(posix.join(workdirOf(runtime), outDir));
  });

  it('runs on Node 20 slim with production dependencies only', () => {
    expect(runtime.image).toMatch(/^node:20[\w.-]*-slim$/);
    expect(runs(runtime)).toMatch(/\bnpm ci\b[^\n]*--omit=dev/);
    expect(runs(runtime)).not.toMatch(/\bnpm (run build|install)\b/);
  });

  it('runs as a numeric non-root user, which Kubernetes runAsNonRoot can verify', () => {
    const user = instructionsOf(runtime, 'USER').at(-1);
    expect(user, 'a USER in the runtime stage').toBeDefined();
    const uid = user!.split(':')[0]!;
    expect(uid).toMatch(/^\d+$/);
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it('leaves in the build context everything the build stage copies (.dockerignore)', () => {
    const patterns = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const escape = (text: string) =>
      text
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]');
    const toRegExp = (glob: string) =>
      new RegExp(
        `^${glob
          .split('**/')
          .map((part) => part.split('**').map(escape).join('.*'))
          .join('(?:.*/)?')}$`,
      );
    // Docker's rule: the last pattern matching the path or one of its parents decides.
    const excluded = (path: string) => {
      const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
      let out = false;
      for (const pattern of patterns) {
        const negated = pattern.startsWith('!');
        const glob = toRegExp(negated ? pattern.slice(1) : pattern);
        if (prefixes.some((p) => glob.test(p))) out = !negated;
      }
      return out;
    };
    const fromContext = stages.flatMap((stage) =>
      copiesOf(stage)
        .filter((c) => c.from === undefined)
        .flatMap((c) => c.sources),
    );
    expect(fromContext.length).toBeGreaterThan(0);
    for (const source of fromContext) {
      expect(existsSync(join(root, source)), `${source} exists`).toBe(true);
      expect(excluded(source), `${source} is excluded by .dockerignore`).toBe(false);
    }
    for (const entry of ['gateway/main.ts', 'shared/http/healthcheck.ts'])
      expect(excluded(entry), `${entry} is excluded by .dockerignore`).toBe(false);
  });

  it('installs every package the processes import at run time (no devDependency such as tsx)', async () => {
    const entries = [...(await loadProcesses()).map((p) => p.entrySource), 'shared/http/healthcheck.ts'];
    const builtins = new Set(builtinModules);
    const seen = new Set<string>();
    const missing = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const specifiers: string[] = [];
      const walk = (node: ts.Node) => {
        if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly && ts.isStringLiteral(node.moduleSpecifier))
          specifiers.push(node.moduleSpecifier.text);
        if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
          specifiers.push(node.moduleSpecifier.text);
        if (
          ts.isCallExpression(node) &&
          node.expression.kind === ts.SyntaxKind.ImportKeyword &&
          node.arguments[0] &&
          ts.isStringLiteral(node.arguments[0])
        )
          specifiers.push(node.arguments[0].text);
        ts.forEachChild(node, walk);
      };
      walk(source);
      for (const specifier of specifiers) {
        if (specifier.startsWith('.')) {
          visit(join(dirname(file), specifier).replace(/\.js$/, '.ts'));
          continue;
        }
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (specifier.startsWith('node:') || builtins.has(name)) continue;
        if (!(name in packageJson.dependencies)) missing.add(`${name} (imported by ${relative(root, file)})`);
      }
    };
    for (const entry of entries) visit(join(root, entry));
    expect(seen.size, "the walk reached the processes' modules").toBeGreaterThan(50);
    expect([...missing], 'imported at run time but not in package.json dependencies').toEqual([]);
    expect(packageJson.dependencies).not.toHaveProperty('tsx');
  });
});
