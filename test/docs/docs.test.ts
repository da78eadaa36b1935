// The docs check: README.md, every page under docs/, services/README.md and
// scripts/README.md against the repository.
// Every relative link resolves (the file, and the heading its #anchor names);
// every npm script they name is in package.json; every environment variable
// they name is one the code knows (test/docs/environment.ts), and every
// variable of a process's schema is on the configuration page; every repository
// path in their code exists; every command of a shell block is a program this
// check knows (below) or a function the block defines; and docs/api.md lists
// exactly the operations of the gateway's OpenAPI document. The walkthrough's
// commands are not only checked but run: test/docs/walkthrough.test.ts.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProcesses, root } from '../deploy/processes.js';
import { operationsIn } from '../support/openapi-operations.js';
import { knownNames, namesIn, whyKnown } from './environment.js';
import { anchorsOf, codeOf, inlineCodeOf, linksOf, projectPages, readPage, type Page } from './markdown.js';
import { gatewayOpenApiDocument } from './openapi-document.js';

const pages = projectPages(root);

/**
 * The programs a shell block may call, and what they are: the docs check
 * cannot install or run all of them (docker, kubectl), so it holds the blocks
 * to this list; a command not on it is a typo or a tool the docs must first say
 * how to get.
 */
const PROGRAMS: Readonly<Record<string, string>> = {
  npm: 'Node.js (Quick start); its scripts are checked against package.json',
  npx: "Node.js; runs the project's own devDependencies (vitest)",
  node: 'Node.js',
  curl: "the walkthrough's HTTP client",
  jq: "the walkthrough's JSON filter",
  temporal: 'the Temporal CLI, provisioned into ~/.cache/sagashop/bin',
  docker: 'Docker with compose (Deploying)',
  kubectl: 'the Kubernetes CLI (Deploying)',
  kind: 'Kubernetes in Docker (Deploying)',
  kustomize: 'kustomize (Deploying)',
  openssl: 'random secrets (Deploying)',
  cat: 'coreutils',
  date: 'coreutils',
  sleep: 'coreutils',
  export: 'a shell builtin',
  local: 'a shell builtin',
  echo: 'a shell builtin',
  '[': 'a shell builtin (test)',
  done: 'a shell keyword',
};

const npmScripts = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);
const known = knownNames(root);

function exists(path: string): boolean {
  return existsSync(join(root, path));
}

const KEYWORDS = new Set(['do', 'then', 'else', 'until', 'while', 'if', '!']);

/**
 * The programs a shell block runs: the first word of each command, after any
 * `NAME=value` assignments and keywords. Continuations are joined, comments and
 * single-quoted text dropped, double-quoted text reduced to the commands it
 * substitutes; every `$(...)` is a command of its own.
 */
function programsOf(code: string): string[] {
  const commands: string[] = [];
  for (const raw of code.replace(/\\\n/g, ' ').split('\n')) {
    let line = raw
      .replace(/'[^']*'/g, "''")
      .replace(/"(?:[^"\\]|\\.)*"/g, (quoted) => [...quoted.matchAll(/\$\([^()]*\)/g)].map((m) => m[0]).join(' '))
      .replace(/(?:^|\s)#.*$/, '')
      .replace(/\b\w+\(\)\s*\{/g, ';')
      .replace(/[{}]/g, ';');
    for (let inner = /\$\(([^()]*)\)/.exec(line); inner; inner = /\$\(([^()]*)\)/.exec(line)) {
      commands.push(inner[1]!);
      line = line.replace(inner[0], 'SUBSTITUTED');
    }
    commands.push(line);
  }
  return commands
    .flatMap((command) => command.split(/\|\||&&|\||;/))
    .map((command) => command.trim().split(/\s+/).filter(Boolean))
    .map((words) => words.find((word) => !KEYWORDS.has(word) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word)))
    .filter((program): program is string => program !== undefined);
}

/** Functions a page's shell blocks define (`name() {`): the page's later commands may call them, as in one shell. */
const functionsOf = (page: Page) =>
  new Set(page.blocks.flatMap((block) => [...block.code.matchAll(/^[ \t]*(\w+)\(\)\s*\{/gm)].map((m) => m[1]!)));

/** Heredoc bodies are data, not commands. */
const withoutHeredocs = (code: string) => code.replace(/<<-?'?(\w+)'?\n[\s\S]*?\n\1\n?/g, '\n');

describe('the docs (README.md, docs/*.md, services/README.md, scripts/README.md)', () => {
  it('have pages under docs/ and a README of at most 300 lines', () => {
    expect(pages.map((p) => p.path)).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/configuration.md']));
    expect(readPage(root, 'README.md').text.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('link only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const page of pages) {
      for (const { target, line } of linksOf(page)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
        const [file, anchor] = target.split('#') as [string, string | undefined];
        const path = file ? normalize(join(dirname(page.path), file)) : page.path;
        const where = `${page.path}:${line}: ${target}`;
        if (!exists(path)) {
          broken.push(`${where}: no file ${path}`);
          continue;
        }
        if (anchor === undefined) continue;
        if (!path.endsWith('.md') || statSync(join(root, path)).isDirectory()) {
          broken.push(`${where}: an anchor into something that is not a page`);
          continue;
        }
        if (!anchorsOf(readPage(root, path)).has(anchor)) broken.push(`${where}: ${path} has no heading with the anchor #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('name only npm scripts that package.json has', () => {
    const missing: string[] = [];
    for (const page of pages) {
      for (const code of codeOf(page)) {
        for (const m of code.matchAll(/\bnpm (run|start|test)\b(?:\s+([\w:-]+))?/g)) {
          const script = m[1] === 'run' ? m[2] : m[1];
          if (!script || !npmScripts.includes(script)) missing.push(`${page.path}: npm ${m[1]}${m[2] ? ` ${m[2]}` : ''}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('name only environment variables the code knows', () => {
    const unknown = new Set<string>();
    for (const page of pages)
      for (const code of codeOf(page)) for (const name of namesIn(code)) if (!whyKnown(known, name)) unknown.add(`${page.path}: ${name}`);
    expect([...unknown]).toEqual([]);
  });

  it('list every variable of every process on the configuration page', async () => {
    const page = readPage(root, 'docs/configuration.md');
    const named = new Set(inlineCodeOf(page).flatMap(namesIn));
    const missing: string[] = [];
    for (const proc of await loadProcesses()) {
      for (const key of Object.keys(proc.schema.shape)) {
        // HOST and PORT have no underscore: looked for as words.
        const listed = named.has(key) || new RegExp(`\`${key}\``).test(page.text);
        if (!listed) missing.push(`${key} (${proc.configFile})`);
      }
    }
    expect([...new Set(missing)]).toEqual([]);
  });

  it("describe every tool's settings somewhere", () => {
    const named = new Set(pages.flatMap((page) => codeOf(page).flatMap(namesIn)));
    const missing = [...known.schemaByFile]
      .filter(([file]) => file.startsWith('scripts/'))
      .flatMap(([file, keys]) => keys.filter((key) => !named.has(key)).map((key) => `${key} (${file})`));
    expect(missing).toEqual([]);
  });

  it('name only repository paths that exist', () => {
    const missing = new Set<string>();
    const folders = 'gateway|services|shop|shared|activities|workflows|scripts|test|deploy|docs';
    const pathPattern = new RegExp(
      `(?<![\\w./~-])(?:(?:${folders})/[\\w./-]*|[\\w.-]+\\.(?:ts|js|json|yml|yaml|md|py|toml|java|sh))(?![\\w<*{])`,
      'g',
    );
    for (const page of pages) {
      for (const code of codeOf(page)) {
        for (const [path] of code.matchAll(pathPattern)) {
          const clean = path.replace(/(?<![.,:])[.,:]+$/, '');
          // A bare file name (`app.ts`) is a role in a folder the text names, not a path.
          if (!clean.includes('/') || clean.includes('<')) continue;
          if (!exists(clean)) missing.add(`${page.path}: ${clean}`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });

  it('read the programs of a shell line as a shell would', () => {
    expect(programsOf(`FOO=1 kubectl apply -k x | jq . && echo "$(date -u)"; until X=$(get 1 | jq -r .a); do sleep 1; done`)).toEqual([
      'date',
      'get',
      'jq',
      'kubectl',
      'jq',
      'echo',
      'sleep',
      'done',
    ]);
  });

  it('run only known programs in their shell blocks', () => {
    const unknown: string[] = [];
    for (const page of pages) {
      const own = functionsOf(page);
      for (const block of page.blocks.filter((b) => b.lang === 'sh')) {
        for (const program of programsOf(withoutHeredocs(block.code))) {
          const name = program.replace(/^~\/\.cache\/sagashop\/bin\//, '');
          if (!(name in PROGRAMS) && !own.has(name)) unknown.push(`${page.path}:${block.line}: ${program}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('document in docs/api.md exactly the operations of the OpenAPI document', async () => {
    const operations = operationsIn(await gatewayOpenApiDocument());
    const page: Page = readPage(root, 'docs/api.md');
    const rows = [...page.prose.matchAll(/^\| `(GET|POST|PUT|PATCH|DELETE) (\/api\/[^`]+)` \| (\w+) \|/gm)].map(
      (m) => `${m[1]} ${m[2]} ${m[3]}`,
    );
    const documented = operations.map((op) => `${op.method} ${op.path} ${op.id}`);
    expect(operations.length).toBeGreaterThan(20);
    expect({
      missingFromPage: documented.filter((op) => !rows.includes(op)),
      notInDocument: rows.filter((op) => !documented.includes(op)),
    }).toEqual({
      missingFromPage: [],
      notInDocument: [],
    });
  });
});
