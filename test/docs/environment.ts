// Which environment variables exist, read from the code rather than from a
// list kept by hand, so the docs check can hold the pages to it: the keys of
// every zod object schema of the product and the tools (each process's config,
// each script's settings), the variables docker-compose.yml interpolates, and
// the few the code reads without a schema. What a page names that none of
// these knows is a variable that does not exist (a typo, or one since removed).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** Folders whose TypeScript may define or read variables. */
const SOURCES = ['gateway', 'services', 'shop', 'shared', 'activities', 'workflows', 'scripts', 'test'];

/**
 * Variables no schema of ours parses because a library or the runtime reads
 * them, with who does. A name ending in `_` stands for a family of variables.
 */
export const READ_ELSEWHERE: Readonly<Record<string, string>> = {
  OTEL_: 'the OpenTelemetry SDK reads every OTEL_* setting (shared/telemetry/)',
  TEMPORAL_API_KEY: "the Temporal SDK's envconfig (shared/temporal/connection.ts)",
  TEMPORAL_TLS_: "the Temporal SDK's envconfig: TLS client pair, CA and server name",
  TEMPORAL_GRPC_META_: "the Temporal SDK's envconfig: extra gRPC headers",
  TEMPORAL_CONFIG_FILE: "the Temporal SDK's envconfig: the profile file",
  TEMPORAL_PROFILE: "the Temporal SDK's envconfig: the profile",
  MALLOC_ARENA_MAX: "glibc's allocator (scripts/stack/runtime-tuning.ts, Dockerfile)",
  MALLOC_MMAP_THRESHOLD_: "glibc's allocator (scripts/stack/runtime-tuning.ts, Dockerfile)",
  GOGC: 'the Go runtime of the Temporal dev server (scripts/stack/runtime-tuning.ts)',
};

function typescriptFiles(root: string, dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typescriptFiles(root, path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const isEnvName = (name: string) => /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+_?$/.test(name);

/** The property names of an object literal given to `z.object(...)` or `.extend(...)`. */
function schemaKeys(call: ts.CallExpression): string[] {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !['object', 'extend', 'looseObject', 'strictObject'].includes(callee.name.text)) return [];
  const literal = call.arguments[0];
  if (!literal || !ts.isObjectLiteralExpression(literal)) return [];
  return literal.properties.flatMap((p) => (p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? [p.name.text] : []));
}

/** `process.env.NAME` and `process.env['NAME']`. */
function processEnvRead(node: ts.Node): string | undefined {
  const base = ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) ? node.expression : undefined;
  if (!base || base.getText() !== 'process.env') return undefined;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  const arg = (node as ts.ElementAccessExpression).argumentExpression;
  return ts.isStringLiteral(arg) ? arg.text : undefined;
}

export interface KnownNames {
  /** Keys of zod object schemas that look like environment variables. */
  schema: Set<string>;
  /** The same, by the file that declares them. */
  schemaByFile: Map<string, string[]>;
  /** Variables read as `process.env.NAME` without a schema (tools and tests). */
  readDirectly: Set<string>;
  /** Variables docker-compose.yml interpolates (`${NAME...}`). */
  compose: Set<string>;
  /** Upper-case names the code uses for something else: string values (`OUT_OF_STOCK`) and constants (`DEFAULT_MIX`). */
  words: Set<string>;
}

export function knownNames(root: string): KnownNames {
  const known: KnownNames = { schema: new Set(), schemaByFile: new Map(), readDirectly: new Set(), compose: new Set(), words: new Set() };
  for (const file of SOURCES.flatMap((dir) => typescriptFiles(root, dir))) {
    const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      // Tests' own schemas are no configuration; what tests read from the environment is (process.env below).
      if (ts.isCallExpression(node) && !file.startsWith('test/')) {
        for (const key of schemaKeys(node).filter(isEnvName)) {
          known.schema.add(key);
          known.schemaByFile.set(file, [...(known.schemaByFile.get(file) ?? []), key]);
        }
      }
      const read = processEnvRead(node);
      if (read) known.readDirectly.add(read);
      if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && isEnvName(node.text)) known.words.add(node.text);
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && isEnvName(node.name.text)) known.words.add(node.name.text);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  for (const match of readFileSync(join(root, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z][A-Z0-9_]*)/g))
    known.compose.add(match[1]!);
  return known;
}

/** The upper-case, underscored names in a piece of code (`TEMPORAL_GRPC_META_<HEADER>` gives `TEMPORAL_GRPC_META_`). */
export function namesIn(code: string): string[] {
  return [...code.matchAll(/(?<![\w$.-])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+_?\b/g)].map((m) => m[0]);
}

/** Why a name is known, or undefined when nothing in the code knows it. */
export function whyKnown(known: KnownNames, name: string): string | undefined {
  if (known.schema.has(name)) return 'a zod schema';
  const family = Object.keys(READ_ELSEWHERE).find((key) => (key.endsWith('_') ? name.startsWith(key) : name === key));
  if (family) return READ_ELSEWHERE[family];
  if (known.compose.has(name)) return 'docker-compose.yml';
  if (known.readDirectly.has(name)) return 'read by the code as process.env';
  if (known.words.has(name)) return 'a value or constant of the code';
  return undefined;
}
