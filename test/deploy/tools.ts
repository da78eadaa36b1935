// Runs the deploy checks' tools (scripts/provision/deploy-tools.ts installs
// them): a missing tool fails the check with what to do, never skips it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { deployTools } from '../../scripts/provision/deploy-tools.js';
import { cacheDir } from '../../scripts/stack/tools.js';
import { root } from './processes.js';

function required<T>(what: string, found: T | undefined): T {
  if (found === undefined)
    throw new Error(`${what} is not installed: run \`npm run provision\` (npm test runs it first), which installs it into ${cacheDir}`);
  return found;
}

function run(
  command: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): { status: number; stdout: string; stderr: string } {
  const result = spawnSync(command[0]!, command.slice(1), {
    cwd: root,
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

type Labels = Record<string, string>;
interface KeyRef {
  name: string;
  key: string;
}
interface Probe {
  httpGet?: { port: string | number; path: string };
}
/** The parts of a container the deploy tests read. */
export interface Container {
  image: string;
  command?: string[];
  args?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: KeyRef; configMapKeyRef?: KeyRef; fieldRef?: object } }>;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: {
    runAsNonRoot?: boolean;
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    capabilities?: { drop?: string[] };
  };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
/** The kinds the deploy tests read, with the fields they read. */
export interface KubeKinds {
  Deployment: KubeObject & {
    spec: {
      replicas?: number;
      selector: { matchLabels: Labels };
      template: { metadata?: { labels?: Labels }; spec: { containers: Container[]; securityContext?: { runAsNonRoot?: boolean } } };
    };
  };
  Service: KubeObject & { spec: { selector: Labels; ports: Array<{ port: number; targetPort?: string | number }> } };
  ConfigMap: KubeObject & { data?: Record<string, string> };
  Secret: KubeObject & { data?: Record<string, string>; stringData?: Record<string, string> };
  HorizontalPodAutoscaler: KubeObject & {
    spec: {
      scaleTargetRef: { apiVersion: string; kind: string; name: string };
      minReplicas?: number;
      maxReplicas: number;
      metrics: Array<{ type: 'Resource'; resource: { name: string } } | { type: 'Pods' | 'Object' | 'External' | 'ContainerResource' }>;
    };
  };
  PodDisruptionBudget: KubeObject & { spec: { selector?: { matchLabels?: Labels } } };
}

/** The overlay as `kubectl kustomize` (or kustomize build) renders it: its YAML and its objects. */
export function renderOverlay(overlay: string): { yaml: string; objects: KubeObject[] } {
  const kustomize = required('a kustomize renderer (kubectl, or kustomize)', deployTools.kustomize());
  const dir = join('deploy', 'k8s', 'overlays', overlay);
  const { status, stdout, stderr } = run([...kustomize, dir]);
  if (status !== 0) throw new Error(`${kustomize.join(' ')} ${dir} failed:\n${stderr}`);
  const objects = parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as KubeObject)
    .filter(Boolean);
  return { yaml: stdout, objects };
}

/** The errors kubernetes-validate --strict finds in rendered YAML for one Kubernetes version (none: valid). */
export function kubernetesSchemaErrors(yaml: string, version: string): string[] {
  const validate = required('kubernetes-validate', deployTools.kubernetesValidate());
  const { status, stdout, stderr } = run([validate, '--strict', '--quiet', '-k', version, '-'], { input: yaml });
  const errors = stdout.split('\n').filter((line) => line.startsWith('ERROR'));
  if (status !== 0 && errors.length === 0) throw new Error(`kubernetes-validate failed without a finding:\n${stderr}`);
  return errors;
}

/**
 * docker-compose.yml through compose-go, the loader of `docker compose`: the
 * normalized project (anchors merged, variables interpolated) or its error.
 * Only `env` is interpolated, so the check never depends on the caller's shell.
 */
export function loadCompose(env: Record<string, string>): { project?: unknown; error?: string } {
  const composecheck = required('the compose checker (scripts/composecheck)', deployTools.composecheck());
  const { status, stdout, stderr } = run([composecheck, join(root, 'docker-compose.yml')], { env: { PATH: process.env.PATH, ...env } });
  return status === 0 ? { project: JSON.parse(stdout) } : { error: stderr.trim() };
}
