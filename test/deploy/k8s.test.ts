// The Kubernetes overlays as `kubectl kustomize` renders them: strictly valid
// against the bundled Kubernetes schemas, and held against the processes' own
// schemas, ports, entries and probes (test/deploy/processes.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envOf, parseDockerfile } from './dockerfile.js';
import {
  closeApps,
  commandOf,
  configurationProblems,
  defaultPortOf,
  DEV_SECRET_PREFIX,
  endpointsOf,
  loadProcesses,
  PLACEHOLDER_SECRET,
  root,
  serves,
  type SagashopProcess,
} from './processes.js';
import { kubernetesSchemaErrors, renderOverlay, type KubeKinds, type KubeObject } from './tools.js';

/** The oldest and the newest Kubernetes release the manifests must be valid for. */
const KUBERNETES_VERSIONS = ['1.30.0', '1.37.0'];
/** Production autoscales at least these: the services whose workers do the saga's work. */
const AUTOSCALED = ['orders', 'inventory', 'payments', 'notifications', 'shipping'];

const imageEnv = envOf(parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8')).at(-1)!);
const selects = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

let processes: SagashopProcess[];
beforeAll(async () => {
  processes = await loadProcesses();
});
afterAll(closeApps);

for (const overlay of ['dev', 'production']) {
  describe(`deploy/k8s/overlays/${overlay}`, () => {
    let yaml: string;
    let objects: KubeObject[];
    // An object of a kind has that kind's fields (the schema check above holds them to the API's schema).
    const all = <K extends keyof KubeKinds>(kind: K) => objects.filter((o): o is KubeKinds[K] => o.kind === kind);
    const find = <K extends keyof KubeKinds>(kind: K, name: string) =>
      objects.find((o): o is KubeKinds[K] => o.kind === kind && o.metadata.name === name);
    const deployment = (proc: SagashopProcess) => find('Deployment', proc.name)!;
    const podLabels = (d: KubeKinds['Deployment']): Record<string, string> => d.spec.template.metadata?.labels ?? {};
    const container = (proc: SagashopProcess) => deployment(proc).spec.template.spec.containers[0]!;

    // What the container's environment will be, from the rendered ConfigMaps and
    // Secrets; a Secret that is not rendered is created in the cluster beforehand,
    // so its values stand in as PLACEHOLDER_SECRET.
    function environmentOf(proc: SagashopProcess): { env: Record<string, string>; problems: string[] } {
      const env: Record<string, string> = { ...imageEnv };
      const problems: string[] = [];
      const secretValue = (name: string, key: string) => {
        const secret = find('Secret', name);
        if (!secret) return PLACEHOLDER_SECRET;
        const given = secret.stringData?.[key];
        if (given !== undefined) return given;
        const encoded = secret.data?.[key];
        if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8');
        problems.push(`${proc.name}: Secret ${name} has no ${key}`);
        return '';
      };
      for (const source of container(proc).envFrom ?? []) {
        if (source.configMapRef) {
          const configMap = find('ConfigMap', source.configMapRef.name);
          if (!configMap) problems.push(`${proc.name}: envFrom ConfigMap ${source.configMapRef.name} is not in the overlay`);
          Object.assign(env, configMap?.data ?? {});
        } else {
          problems.push(
            `${proc.name}: envFrom ${JSON.stringify(source)} hides which variables it sets; use env with secretKeyRef per variable`,
          );
        }
      }
      for (const variable of container(proc).env ?? []) {
        const from = variable.valueFrom;
        if (from?.secretKeyRef) env[variable.name] = secretValue(from.secretKeyRef.name, from.secretKeyRef.key);
        else if (from?.configMapKeyRef)
          env[variable.name] = find('ConfigMap', from.configMapKeyRef.name)?.data?.[from.configMapKeyRef.key] ?? '';
        else if (from) problems.push(`${proc.name}: ${variable.name} comes from ${JSON.stringify(from)}, which this check cannot follow`);
        else env[variable.name] = String(variable.value ?? '');
      }
      return { env, problems };
    }
    const listenPort = (proc: SagashopProcess) => Number(environmentOf(proc).env[proc.portVariable]);
    /** A container port given by name or number, as the number. */
    const portNumber = (proc: SagashopProcess, port: string | number) =>
      typeof port === 'number' ? port : container(proc).ports?.find((p: { name?: string }) => p.name === port)?.containerPort;

    beforeAll(() => {
      ({ yaml, objects } = renderOverlay(overlay));
    });

    it.each(KUBERNETES_VERSIONS)('is valid, strictly, for Kubernetes %s', (version) => {
      expect(kubernetesSchemaErrors(yaml, version)).toEqual([]);
    });

    it('has a Deployment and a Service for every sagashop process, and no other Deployment', () => {
      expect(
        all('Deployment')
          .map((d) => d.metadata.name)
          .sort(),
      ).toEqual(processes.map((p) => p.name).sort());
      for (const proc of processes) {
        const d = deployment(proc);
        expect(selects(d.spec.selector.matchLabels, podLabels(d)), `${proc.name}'s selector matches its pods`).toBe(true);
        const service = find('Service', proc.name);
        expect(service, `Service ${proc.name}`).toBeDefined();
        const selected = all('Deployment').filter((other) => selects(service!.spec.selector, podLabels(other)));
        expect(
          selected.map((s) => s.metadata.name),
          `Service ${proc.name} selects the pods of ${proc.name} only`,
        ).toEqual([proc.name]);
      }
    });

    it('runs each process from the one image with its entry', () => {
      expect(new Set(processes.map((p) => container(p).image)).size, 'one image for all').toBe(1);
      for (const proc of processes) {
        expect(deployment(proc).spec.template.spec.containers, `${proc.name} runs one container`).toHaveLength(1);
        expect([...(container(proc).command ?? []), ...(container(proc).args ?? [])], `${proc.name}'s command`).toEqual(commandOf(proc));
      }
    });

    it('gives each process exactly the configuration its schema asks for', () => {
      const problems = processes.flatMap((proc) => {
        const { env, problems: wiring } = environmentOf(proc);
        return [...wiring, ...configurationProblems(`overlay ${overlay}`, proc, env)];
      });
      expect(problems).toEqual([]);
    });

    it('probes each process on the port it listens on, on paths it serves, and its Service reaches that port', async () => {
      for (const proc of processes) {
        const port = listenPort(proc);
        expect(
          container(proc).ports?.map((p: { containerPort: number }) => p.containerPort),
          `${proc.name} declares its port`,
        ).toContain(port);
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe'] as const) {
          const httpGet = container(proc)[probe]?.httpGet;
          if (probe !== 'startupProbe') expect(httpGet, `${proc.name}'s ${probe}`).toBeDefined();
          if (!httpGet) continue;
          expect(portNumber(proc, httpGet.port), `${proc.name}'s ${probe} port`).toBe(port);
          expect(await serves(proc, httpGet.path), `${proc.name} serves ${httpGet.path} (${probe})`).toBe(true);
        }
        for (const servicePort of find('Service', proc.name)!.spec.ports) {
          expect(portNumber(proc, servicePort.targetPort ?? servicePort.port), `Service ${proc.name} port ${servicePort.port}`).toBe(port);
        }
      }
    });

    it('points URLs of other processes at their Service, on a port that reaches them', () => {
      const problems: string[] = [];
      for (const proc of processes) {
        for (const [key, value] of Object.entries(environmentOf(proc).env)) {
          for (const { scheme, host, port } of endpointsOf(value)) {
            const target = processes.find((p) => p.name === host.split('.')[0]);
            if (!target) continue;
            const servicePort = find('Service', target.name)?.spec.ports.find(
              (p: { port: number }) => p.port === (port ?? defaultPortOf(scheme)),
            );
            if (!servicePort) problems.push(`${proc.name}: ${key}=${value}, but Service ${target.name} has no such port`);
            else if (portNumber(target, servicePort.targetPort ?? servicePort.port) !== listenPort(target))
              problems.push(`${proc.name}: ${key}=${value} does not reach the port ${target.name} listens on`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('runs every container as non-root, read-only, without capabilities, within requests and limits', () => {
      for (const proc of processes) {
        const pod = deployment(proc).spec.template.spec;
        const security = container(proc).securityContext ?? {};
        expect(security.runAsNonRoot ?? pod.securityContext?.runAsNonRoot, `${proc.name} runAsNonRoot`).toBe(true);
        expect(security.allowPrivilegeEscalation, `${proc.name} allowPrivilegeEscalation`).toBe(false);
        expect(security.readOnlyRootFilesystem, `${proc.name} readOnlyRootFilesystem`).toBe(true);
        expect(security.capabilities?.drop, `${proc.name} drops capabilities`).toContain('ALL');
        for (const bound of ['requests', 'limits'] as const) {
          expect(Object.keys(container(proc).resources?.[bound] ?? {}).sort(), `${proc.name}'s resource ${bound}`).toEqual([
            'cpu',
            'memory',
          ]);
        }
      }
    });

    it('commits no secret: a rendered Secret holds only dev-only values, which production refuses', () => {
      for (const secret of all('Secret')) {
        const values = [
          ...Object.values(secret.data ?? {}).map((v) => Buffer.from(String(v), 'base64').toString('utf8')),
          ...Object.values(secret.stringData ?? {}).map(String),
        ];
        for (const value of values)
          expect(
            value.startsWith(DEV_SECRET_PREFIX),
            `Secret ${secret.metadata.name} holds a value that is not ${DEV_SECRET_PREFIX}…`,
          ).toBe(true);
      }
      if (overlay === 'production')
        expect(
          all('Secret').map((s) => s.metadata.name),
          'production renders no Secret',
        ).toEqual([]);
    });

    if (overlay !== 'production') return;

    const podsOf = (proc: SagashopProcess) => {
      const hpa = find('HorizontalPodAutoscaler', proc.name);
      return Math.max(deployment(proc).spec.replicas ?? 1, hpa?.spec.minReplicas ?? 0);
    };

    it('runs several pods of every process and autoscales the worker-heavy ones', () => {
      for (const proc of processes) expect(podsOf(proc), `pods of ${proc.name}`).toBeGreaterThan(1);
      for (const hpa of all('HorizontalPodAutoscaler')) {
        const { scaleTargetRef, minReplicas, maxReplicas, metrics } = hpa.spec;
        expect(scaleTargetRef, `HPA ${hpa.metadata.name}`).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
        const target = processes.find((p) => p.name === scaleTargetRef.name);
        expect(target, `HPA ${hpa.metadata.name} scales a sagashop Deployment`).toBeDefined();
        expect(minReplicas).toBeLessThanOrEqual(maxReplicas);
        expect(
          deployment(target!).spec.replicas,
          `${target!.name}: the HPA owns the count, a replicas field would reset it on apply`,
        ).toBeUndefined();
        for (const metric of metrics.filter((m) => m.type === 'Resource')) {
          expect(
            container(target!).resources?.requests?.[metric.resource.name],
            `${target!.name} requests the ${metric.resource.name} its HPA measures`,
          ).toBeDefined();
        }
      }
      const scaled = all('HorizontalPodAutoscaler').map((h) => h.spec.scaleTargetRef.name);
      for (const name of AUTOSCALED) expect(scaled, `an HPA for ${name}`).toContain(name);
    });

    it('has a PodDisruptionBudget for every Deployment that runs more than one pod', () => {
      const budgets = all('PodDisruptionBudget');
      for (const proc of processes.filter((p) => podsOf(p) > 1)) {
        const covering = budgets.filter((b) => selects(b.spec.selector?.matchLabels, podLabels(deployment(proc))));
        expect(
          covering.map((b) => b.metadata.name),
          `one PodDisruptionBudget for ${proc.name}`,
        ).toHaveLength(1);
      }
      for (const budget of budgets) {
        const covered = all('Deployment').filter((d) => selects(budget.spec.selector?.matchLabels, podLabels(d)));
        expect(
          covered.map((d) => d.metadata.name),
          `PodDisruptionBudget ${budget.metadata.name} covers one Deployment`,
        ).toHaveLength(1);
      }
    });
  });
}
