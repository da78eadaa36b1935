// The tools of the local Temporal cluster (npm run start:cluster, test/cluster):
// the Temporal server and its SQL tool, built from the Go module proxy at the
// version compose pins; the Web UI server, built from scripts/uiserver (a small
// main of ours on the ui-server library); and PostgreSQL, from Debian when it is
// missing. A second run finds them all and returns at once.
import { join } from 'node:path';
import { TEMPORAL_SERVER_VERSION, isExecutable, onPath, temporalServerHome, tools } from '../stack/tools.js';
import type { ProvisionHelpers } from './deploy-tools.js';
import { goMain } from './go-main.js';

const uiServer = goMain('scripts/uiserver', 'temporal-ui');

export const clusterTools = {
  temporalUi: (): string | undefined =>
    [process.env.TEMPORAL_UI_SERVER_PATH, uiServer.binary()].find((p): p is string => !!p && isExecutable(p)),
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
  await timed('building the Temporal Web UI server (scripts/uiserver)', () => uiServer.build(go, run));
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
