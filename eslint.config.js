// Lint that keeps the architecture (docs/architecture.md, "Layers"): imports only point
// down the layers, no import cycles, workflow code stays deterministic, plus the
// type-aware checks the Temporal SDK itself runs (floating and misused promises,
// type-only imports), and regular expressions that run in linear time (the regexp
// plugin's recommended set, plus no-super-linear-move: a pattern that backtracks
// super-linearly lets one request freeze a process). Formatting is Prettier's job
// (eslint-config-prettier turns off the rules that would fight it).
import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

/**
 * The layers, from the bottom up. A layer may import from the layers below it;
 * the table of docs/architecture.md draws the same picture.
 */
const elements = [
  // Pure vocabulary, schemas and the business error (DomainError): no I/O, no SDK beyond types.
  { type: 'domain', pattern: 'shared/domain/**', partialMatch: false },
  // Infrastructure every process shares: config, logging, HTTP plumbing, connections, process start.
  { type: 'shared', pattern: 'shared/**', partialMatch: false },
  // The activity catalogue (what each service's worker exposes) and its adapter.
  { type: 'activities', pattern: 'activities/**', partialMatch: false },
  // Deterministic workflow code.
  { type: 'workflows', pattern: 'workflows/**', partialMatch: false },
  // A service's Temporal surface (services/<name>/temporal/): its contract (task queue, the types
  // and ids of the workflows started on that queue, queries, updates, signals), its activity
  // catalogue and its workflows' settings. Below workflows/: workflow code imports its contracts
  // as values and its catalogues and settings as types (the no-restricted-imports block below).
  { type: 'temporal', pattern: 'services/*/temporal', capture: ['name'] },
  // One element per service, so a service cannot import another one.
  { type: 'service', pattern: 'services/*', capture: ['name'] },
  { type: 'gateway', pattern: 'gateway/**', partialMatch: false },
  // The whole shop in one process: it composes every service's and the gateway's process definition.
  { type: 'shop', pattern: 'shop/**', partialMatch: false },
  // Entry points of tooling (start, bench, chaos, audit, provisioning).
  { type: 'scripts', pattern: 'scripts/**', partialMatch: false },
  { type: 'test', pattern: 'test/**', partialMatch: false },
];

const element = (type) => ({ element: { type } });
/** `from` may import from each of `to`; `kind: 'type'` allows type-only imports. */
const allow = (from, to, kind) => ({
  from: element(from),
  allow: to.map((type) => ({ to: element(type), ...(kind ? { dependency: { kind } } : {}) })),
});

/**
 * A service's published contract: `<Name>App` in its app.ts, the type its routes give a typed
 * HTTP client (shared/http/service-client.ts). Importing it as a type is erased at run time.
 */
const serviceRoutes = { to: { element: { type: 'service', fileInternalPath: 'app.ts' } }, dependency: { kind: 'type' } };

const layering = {
  default: 'disallow',
  message:
    '{{from.type}}{{#if from.captured.name}} {{from.captured.name}}{{/if}} must not import {{to.type}}{{#if to.captured.name}} {{to.captured.name}}{{/if}}: imports point down the layers (docs/architecture.md)',
  policies: [
    allow('shared', ['domain']),
    allow('activities', ['domain']),
    // A surface may name another service's (the saga starts shipping's fulfilment, signals users' onboarding).
    allow('temporal', ['domain', 'shared', 'activities', 'temporal']),
    allow('workflows', ['domain', 'temporal']),
    // Workflows reach activities through proxies typed by the catalogue, never its code.
    allow('workflows', ['activities'], 'type'),
    allow('service', ['domain', 'shared', 'activities', 'temporal']),
    // A service that calls another over HTTP (cart asks catalog whether a sku exists) types its
    // client from that service's routes, as the gateway does; only the type of app.ts, never code.
    { from: element('service'), allow: [serviceRoutes] },
    allow('gateway', ['domain', 'shared', 'temporal']),
    // The gateway starts workflows typed by their functions: a type, erased at run time.
    allow('gateway', ['workflows'], 'type'),
    // The gateway's service clients are typed from the services' own route definitions.
    { from: element('gateway'), allow: [serviceRoutes] },
    allow('shop', ['domain', 'shared', 'service', 'gateway']),
    allow('scripts', ['domain', 'shared', 'activities', 'temporal', 'workflows', 'service', 'gateway']),
    allow('test', ['domain', 'shared', 'activities', 'temporal', 'workflows', 'service', 'gateway', 'shop', 'scripts']),
  ],
};

// Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O,
// and no client/worker/activity SDK; zod-based modules only as types (they would
// bloat every workflow bundle).
const forbiddenInWorkflows = [
  ...builtinModules.flatMap((m) => [m, `node:${m}`]),
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  'mongodb',
  'ioredis',
  'hono',
  'zod',
];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'coverage/**', 'test/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  regexp.configs.recommended,
  {
    rules: {
      // The plugin also reads `new RegExp(...)` whose parts are constants (shared/domain/text.ts);
      // test/domain/text-rules.test.ts times every schema's pattern as it runs, built or not.
      'regexp/no-super-linear-backtracking': 'error',
      'regexp/no-super-linear-move': 'error',
      // Published patterns (OpenAPI `pattern`) must read alike in every regex engine, without
      // flags: `\w` is Unicode-aware in Python, a flag cannot be published, and Java reads `\v`
      // as any vertical whitespace. Spelled-out classes and \u escapes stay.
      'regexp/prefer-w': 'off',
      'regexp/use-ignore-case': 'off',
      'regexp/control-character-escape': 'off',
    },
  },
  {
    // Each file is typed by the nearest tsconfig.json: the product's at the root, scripts/'s, test/'s.
    // vitest.config.ts is test/'s (tsc checks it there), but only a root tsconfig.json would be
    // found for it, so the linter types it as a loose file, like the JavaScript configs.
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['*.js', 'vitest.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { boundaries, 'import-x': importX },
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['**/*.ts'],
      'import-x/extensions': importX.flatConfigs.typescript.settings['import-x/extensions'],
      'import-x/parsers': importX.flatConfigs.typescript.settings['import-x/parsers'],
      // Imports resolve alike in every project (tsconfig.base.json, no paths), so the root one serves
      // scripts/ and test/ too. boundaries resolves them like eslint-plugin-import: .js specifiers
      // to the .ts sources.
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
      'import/resolver': { typescript: { project: './tsconfig.json' } },
      'boundaries/dependency-nodes': ['import', 'export', 'dynamic-import'],
    },
    rules: {
      'boundaries/dependencies': ['error', layering],
      // Packages cannot import back into this tree: not walking them cuts the rule from ~30 s to ~3 s.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // A type is proved, not asserted away: no casts to `never`, no double casts through `unknown`.
    files: [
      'gateway/**/*.ts',
      'services/**/*.ts',
      'shared/**/*.ts',
      'activities/**/*.ts',
      'workflows/**/*.ts',
      'shop/**/*.ts',
      'scripts/**/*.ts',
      'test/**/*.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "TSAsExpression[typeAnnotation.type='TSNeverKeyword']", message: 'No `as never`: make the types line up.' },
        {
          selector: "TSAsExpression[expression.type='TSAsExpression'][expression.typeAnnotation.type='TSUnknownKeyword']",
          message: 'No `as unknown as`: make the types line up.',
        },
      ],
    },
  },
  {
    // A function a newcomer can read in one screen: longer ones are split into named steps (comments and blank lines count).
    files: ['gateway/**/*.ts', 'services/**/*.ts', 'shared/**/*.ts', 'activities/**/*.ts', 'workflows/**/*.ts', 'shop/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }] },
  },
  {
    // Tests and the benchmark read arbitrary JSON answers of the API.
    files: ['test/**/*.ts', 'scripts/bench.ts', 'scripts/bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['workflows/**/*.ts', 'services/*/temporal/contract.ts', 'services/*/temporal/search-attributes.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: forbiddenInWorkflows.map((name) => ({
            name,
            message: 'Workflow code must stay deterministic: no Node, I/O or non-workflow SDK imports.',
          })),
          patterns: [
            {
              group: ['**/shared/domain/*', '!**/shared/domain/vocabulary.js'],
              allowTypeImports: true,
              message: 'Workflows import the zod-free vocabulary as values; schemas only as types.',
            },
            { group: ['**/activities/*'], allowTypeImports: true, message: 'Workflows import activity types only (proxyActivities).' },
            {
              group: ['**/temporal/catalogue.js', '**/temporal/settings.js'],
              allowTypeImports: true,
              message: "Workflow code imports a service's contract.ts as values; its catalogue and settings (zod) as types only.",
            },
          ],
        },
      ],
    },
  },
  {
    // The JavaScript config files are not part of the TypeScript project.
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  prettier,
);
