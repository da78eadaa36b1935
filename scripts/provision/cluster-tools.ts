// The tools of the local Temporal cluster (npm run start:cluster, test/cluster):
// the Temporal server and its SQL tool, built from the Go module proxy at the
// version compose pins; the Web UI server, built from scripts/uiserver (a small
// main of ours on the ui-server library); and PostgreSQL, from Debian when it is
// missing. A second run finds them all and returns at once.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEMPORAL_SERVER_VERSION, cacheBin, isExecutable, onPath, temporalServerHome, tools } from '../stack/tools.js';
import type { ProvisionHelpers } from './deploy-tools.js';

const uiServerDir = fileURLToPath(new URL('../uiserver/', import.meta.url));
const uiServerSources = ['go.mod', 'go.sum', 'main.go'];

// Named after its sources, so an edit of scripts/uiserver builds a new binary.
function uiServerBinary(): string {
  const hash = createHash('sha256');
  for (const file of uiServerSources) hash.update(readFileSync(join(uiServerDir, file)));
  return join(cacheBin, `temporal-ui-${hash.digest('hex').slice(0, 12)}`);
}

export const clusterTools = {
  temporalUi: (): string | undefined =>
    [process.env.TEMPORAL_UI_SERVER_PATH, uiServerBinary()].find((p): p is string => !!p && isExecutable(p)),
};

async function ensureTemporalServer({ run, requireGo, timed }: ProvisionHelpers): Promise<void> {
  if (tools.temporalServer() && tools.temporalSql()) return;
  const go = requireGo('the Temporal server of the local cluster (or set TEMPORAL_SERVER_PATH and TEMPORAL_SQL_TOOL_PATH)');
  const env = { GOBIN: join(temporalServerHome, 'bin'), GOFLAGS: '-buildvcs=false' };
  // The SQL tool first: it builds in seconds and is useless without the server, which takes minutes.
  await timed(`building the Temporal SQL tool ${TEMPORAL_SERVER_VERSION}`, () =>
    run(go, ['install', `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`], env),
  );
  await timed(`building the Temporal server ${TEMPORAL_SERVER_VERSION} (a few minutes the first time)`, () =>
    run(go, ['install', `go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`], env),
  );
}

async function ensureUiServer({ run, requireGo, timed }: ProvisionHelpers): Promise<void> {
  if (clusterTools.temporalUi()) return;
  const go = requireGo('the Temporal Web UI server (scripts/uiserver)');
  const binary = uiServerBinary();
  await timed('building the Temporal Web UI server (scripts/uiserver)', () => {
    // Built beside its final name and renamed, so a concurrent run never finds half a binary.
    const partial = `${binary}.${process.pid}`;
    run(go, ['build', '-trimpath', '-o', partial, '.'], { GOFLAGS: '-mod=readonly -buildvcs=false' }, uiServerDir);
    renameSync(partial, binary);
    for (const old of readdirSync(cacheBin)) {
      if (old.startsWith('temporal-ui-') && join(cacheBin, old) !== binary) rmSync(join(cacheBin, old), { force: true });
    }
  });
}

async function ensurePostgres({ run, timed }: ProvisionHelpers): Promise<void> {
  if (tools.postgresBin()) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get'))
    throw new Error(
      'the local cluster needs PostgreSQL (apt-get install postgresql), or set PG_BIN to the directory of its initdb and pg_ctl',
    );
  await timed('installing PostgreSQL from Debian', () => {
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'postgresql'], { DEBIAN_FRONTEND: 'noninteractive' });
  });
}

export async function ensureClusterTools(helpers: ProvisionHelpers): Promise<void> {
  await ensurePostgres(helpers);
  await ensureTemporalServer(helpers);
  await ensureUiServer(helpers);
}
