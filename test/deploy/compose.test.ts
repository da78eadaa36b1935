// docker-compose.yml, loaded by compose-go exactly as `docker compose` would
// load it, then held against the processes' own schemas, ports, entries and
// probes (test/deploy/processes.ts) and against the Temporal setup they need.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEARCH_ATTRIBUTE_KEYS } from '../../services/orders/temporal/search-attributes.js';
import { envOf, parseDockerfile } from './dockerfile.js';
import {
  builtFileOf,
  closeApps,
  commandOf,
  configurationProblems,
  defaultPortOf,
  endpointsOf,
  loadProcesses,
  root,
  serves,
  type SagashopProcess,
} from './processes.js';
import { loadCompose } from './tools.js';

// Values for the `${VAR:?}` secrets: long enough and not `dev-only-`, as production requires.
const SECRETS = {
  SERVICE_TOKEN_SECRET: 'compose-check-service-token-0123456789abcdef',
  JWT_SECRET: 'compose-check-jwt-secret-0123456789abcdef',
  TEMPORAL_DB_PASSWORD: 'compose-check-password',
};
const imageEnv = envOf(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')).at(-1)!);

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  entrypoint?: string[] | null;
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[] };
  depends_on?: Record<string, { condition: string }>;
  ports?: Array<{ target: number }>;
  restart?: string;
}
/** The normalized project compose-go prints (the fields these tests read). */
interface ComposeProject {
  services: Record<string, ComposeService>;
}

let processes: SagashopProcess[];
let services: Record<string, ComposeService>;
const envOfService = (name: string) => Object.fromEntries(Object.entries(services[name]?.environment ?? {}).map(([k, v]) => [k, v ?? '']));
const processEnv = (proc: SagashopProcess) => ({ ...imageEnv, ...envOfService(proc.name) });
const listenPort = (proc: SagashopProcess) => Number(processEnv(proc)[proc.portVariable]);

/** Every service `name` waits for, directly or through the services it waits for. */
function waitsFor(name: string, seen = new Set<string>()): Set<string> {
  for (const dependency of Object.keys(services[name]?.depends_on ?? {})) {
    if (!seen.has(dependency)) {
      seen.add(dependency);
      waitsFor(dependency, seen);
    }
  }
  return seen;
}

beforeAll(async () => {
  processes = await loadProcesses();
  const { project, error } = loadCompose(SECRETS);
  if (!project) throw new Error(`docker-compose.yml does not load:\n${error}`);
  services = (project as ComposeProject).services;
});
afterAll(closeApps);

describe('docker-compose.yml', () => {
  it('refuses to start without its secrets, naming each', () => {
    const { error } = loadCompose({});
    for (const name of Object.keys(SECRETS)) expect(error).toContain(`required variable ${name} is missing a value`);
  });

  it('runs every sagashop process, and only those, from the one image with its entry', () => {
    const fromOurImage = Object.keys(services).filter((name) => services[name]!.build !== undefined);
    expect(fromOurImage.sort()).toEqual(processes.map((p) => p.name).sort());
    expect(new Set(fromOurImage.map((name) => services[name]!.image)).size, 'one image for all').toBe(1);
    for (const proc of processes) {
      expect(services[proc.name]!.command, `${proc.name}'s command`).toEqual(commandOf(proc));
      expect(services[proc.name]!.entrypoint ?? null, `${proc.name} keeps the image's entrypoint`).toBeNull();
      expect(services[proc.name]!.restart, `${proc.name} restarts`).toMatch(/^(unless-stopped|always|on-failure)/);
    }
  });

  it('gives each process exactly the configuration its schema asks for', () => {
    const problems = processes.flatMap((proc) => configurationProblems('docker-compose.yml', proc, processEnv(proc)));
    expect(problems).toEqual([]);
  });

  it("seeds the demo shop only with an admin password of its own (the README's works on loopback only)", () => {
    const users = processes.find((p) => p.name === 'users')!;
    const usersWith = (env: Record<string, string>) => {
      const { project, error } = loadCompose({ ...SECRETS, ...env });
      if (!project) throw new Error(error);
      const environment = (project as ComposeProject).services.users?.environment ?? {};
      return { ...imageEnv, ...Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, v ?? ''])) };
    };
    const withoutPassword = configurationProblems('docker-compose.yml', users, usersWith({ SEED_DEMO: 'true' }));
    expect(withoutPassword.join('\n')).toMatch(
      /users would refuse to start: .*DEMO_ADMIN_PASSWORD: SEED_DEMO=true .*needs an admin password of its own/s,
    );
    expect(
      configurationProblems('docker-compose.yml', users, usersWith({ SEED_DEMO: 'true', DEMO_ADMIN_PASSWORD: 'a-password-of-its-own' })),
    ).toEqual([]);
  });

  it("checks each process's health on the port it listens on, on a path it serves", async () => {
    for (const proc of processes) {
      const test = services[proc.name]!.healthcheck?.test ?? [];
      expect(test.slice(0, 3), `${proc.name}'s healthcheck runs the image's checker`).toEqual([
        'CMD',
        'node',
        builtFileOf('shared/http/healthcheck.ts'),
      ]);
      const url = new URL(test[3]!);
      expect(['127.0.0.1', 'localhost'], `${proc.name}'s healthcheck asks its own container`).toContain(url.hostname);
      expect(Number(url.port || 80), `${proc.name}'s healthcheck port`).toBe(listenPort(proc));
      expect(await serves(proc, url.pathname), `${proc.name} serves ${url.pathname}`).toBe(true);
      for (const { target } of services[proc.name]!.ports ?? []) expect(target, `${proc.name}'s published port`).toBe(listenPort(proc));
    }
  });

  it('points every address at a service that is started first, and URLs of processes at the port they listen on', () => {
    const problems: string[] = [];
    for (const proc of processes) {
      const before = waitsFor(proc.name);
      for (const [key, value] of Object.entries(processEnv(proc))) {
        for (const { scheme, host, port } of endpointsOf(value)) {
          if (!(host in services)) {
            problems.push(`${proc.name}: ${key} names ${host}, which is not a service of docker-compose.yml`);
            continue;
          }
          if (!before.has(host)) problems.push(`${proc.name}: ${key} names ${host}, which it does not wait for (depends_on)`);
          const target = processes.find((p) => p.name === host);
          if (target && (port ?? defaultPortOf(scheme)) !== listenPort(target))
            problems.push(`${proc.name}: ${key}=${value}, but ${host} listens on ${listenPort(target)}`);
          if (target && services[proc.name]!.depends_on?.[host]?.condition !== 'service_healthy')
            problems.push(`${proc.name}: waits for ${host} without condition service_healthy`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('creates the namespace and the search attributes before any process that uses Temporal starts', () => {
    const jobs = Object.keys(services).filter((name) => services[name]!.environment?.SEARCH_ATTRIBUTES);
    expect(jobs, 'one namespace job (SEARCH_ATTRIBUTES)').toHaveLength(1);
    const job = jobs[0]!;
    const jobEnv = envOfService(job);
    const created = jobEnv.SEARCH_ATTRIBUTES!.split(/\s+/).map((pair) => pair.split('='));
    const normalize = (type: string) => type.toUpperCase().replace(/_/g, '');
    expect(created.map(([name, type]) => `${name}:${normalize(type!)}`).sort()).toEqual(
      SEARCH_ATTRIBUTE_KEYS.map(({ name, type }) => `${name}:${normalize(type)}`).sort(),
    );
    const jobWaitedForBy = Object.entries(services).flatMap(([, s]) =>
      Object.entries(s.depends_on ?? {})
        .filter(([name]) => name === job)
        .map(([, d]) => d.condition),
    );
    expect(new Set(jobWaitedForBy), `everything waits for ${job} to finish`).toEqual(new Set(['service_completed_successfully']));
    for (const proc of processes.filter((p) => 'TEMPORAL_NAMESPACE' in p.schema.shape)) {
      const env = processEnv(proc);
      expect(waitsFor(proc.name).has(job), `${proc.name} waits for ${job}`).toBe(true);
      expect(env.TEMPORAL_NAMESPACE, `${proc.name}'s namespace is the one ${job} creates`).toBe(jobEnv.TEMPORAL_NAMESPACE);
      expect(env.TEMPORAL_ADDRESS, `${proc.name}'s Temporal is the one ${job} sets up`).toBe(jobEnv.TEMPORAL_ADDRESS);
    }
  });

  it('runs a real Temporal server (1.29, on PostgreSQL) with pinned images, never the dev server', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined) expect(service.image, `${name}'s image has a pinned tag`).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
      expect([...(service.entrypoint ?? []), ...(service.command ?? [])].join(' '), name).not.toMatch(/start-dev/);
    }
    const images = Object.values(services).map((s) => s.image ?? '');
    const server = images.find((i) => i.startsWith('temporalio/server:'));
    expect(server).toMatch(/^temporalio\/server:1\.29\.\d+$/);
    const version = server!.split(':')[1]!;
    for (const tools of images.filter((i) => i.startsWith('temporalio/admin-tools:')))
      expect(tools, 'admin-tools of the same server version').toContain(`:${version}`);
    expect(images.some((i) => i.startsWith('postgres:'))).toBe(true);
    expect(images.some((i) => i.startsWith('temporalio/ui:'))).toBe(true);
  });
});
