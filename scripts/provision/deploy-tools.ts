// The tools of the deploy checks (test/deploy/): a kustomize renderer, the
// compose loader (scripts/composecheck, on compose-go) and strict offline
// Kubernetes schema validation (kubernetes-validate, which bundles the schemas).
// Installed into the stack's cache from the Go module proxy and PyPI only;
// a second run finds them and returns at once.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheBin, cacheDir, isExecutable, onPath } from '../stack/tools.js';
import { goMain } from './go-main.js';

export const KUSTOMIZE_VERSION = 'v5.8.2';
export const KUBERNETES_VALIDATE_VERSION = '1.37.0';

const composecheck = goMain('scripts/composecheck', 'composecheck');
const venv = join(cacheDir, `kubernetes-validate-${KUBERNETES_VALIDATE_VERSION}`);
// Written last, so a venv whose pip install was interrupted is not taken for a working one.
const venvComplete = join(venv, '.complete');

export const deployTools = {
  /** The command that renders a kustomization directory given as its last argument. */
  kustomize(): string[] | undefined {
    const kubectl = onPath('kubectl');
    if (kubectl) return [kubectl, 'kustomize'];
    const kustomize = [onPath('kustomize'), join(cacheBin, 'kustomize')].find((p): p is string => !!p && isExecutable(p));
    return kustomize ? [kustomize, 'build'] : undefined;
  },
  composecheck: (): string | undefined => (isExecutable(composecheck.binary()) ? composecheck.binary() : undefined),
  kubernetesValidate: (): string | undefined => (existsSync(venvComplete) ? join(venv, 'bin', 'kubernetes-validate') : undefined),
};

/** What scripts/provision.ts lends this module, so both install the same way. */
export interface ProvisionHelpers {
  run: (command: string, args: string[], env?: NodeJS.ProcessEnv, cwd?: string) => void;
  requireGo: (forWhat: string) => string;
  timed: (what: string, work: () => void | Promise<void>) => Promise<void>;
}

async function ensureKustomize({ run, requireGo, timed }: ProvisionHelpers): Promise<void> {
  if (deployTools.kustomize()) return;
  const go = requireGo(`kustomize (or install kubectl, whose \`kubectl kustomize\` is used when it is on PATH)`);
  await timed(`building kustomize ${KUSTOMIZE_VERSION}`, () =>
    run(go, ['install', `sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}`], { GOBIN: cacheBin, GOFLAGS: '-buildvcs=false' }),
  );
}

async function ensureComposecheck({ run, requireGo, timed }: ProvisionHelpers): Promise<void> {
  if (deployTools.composecheck()) return;
  const go = requireGo('the compose checker (scripts/composecheck)');
  await timed('building the compose checker (compose-go)', () => composecheck.build(go, run));
}

async function ensureKubernetesValidate({ run, timed }: ProvisionHelpers): Promise<void> {
  if (deployTools.kubernetesValidate()) return;
  const python = onPath('python3');
  if (!python) throw new Error('the Kubernetes schema check needs python3 with its venv module (apt-get install python3-venv)');
  await timed(`installing kubernetes-validate ${KUBERNETES_VALIDATE_VERSION} from PyPI`, () => {
    rmSync(venv, { recursive: true, force: true });
    mkdirSync(cacheDir, { recursive: true });
    run(python, ['-m', 'venv', venv]);
    run(join(venv, 'bin', 'pip'), ['install', '--quiet', `kubernetes-validate==${KUBERNETES_VALIDATE_VERSION}`]);
    writeFileSync(venvComplete, `${KUBERNETES_VALIDATE_VERSION}\n`);
  });
}

export async function ensureDeployTools(helpers: ProvisionHelpers): Promise<void> {
  mkdirSync(cacheBin, { recursive: true });
  await ensureKustomize(helpers);
  await ensureComposecheck(helpers);
  await ensureKubernetesValidate(helpers);
}
