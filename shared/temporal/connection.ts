// Connections to Temporal: the client (gateway, tools) and the native
// connection a worker polls through. Where the server is and how to reach it
// follow the SDK's environment-configuration conventions (@temporalio/envconfig):
// a profile of a TOML file (TEMPORAL_CONFIG_FILE, else
// ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE, else `default`), then
// the TEMPORAL_* variables over it (address, namespace, API key, TLS client
// certificate and key, server CA, server name, TEMPORAL_GRPC_META_* headers).
import { Client, Connection, type ClientInterceptors } from '@temporalio/client';
import { loadClientConfigProfile, toClientOptions, type ClientConfigProfile } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError } from '../config.js';
import type { Tracing } from '../telemetry/tracing.js';

export interface TemporalSettings {
  /** address, tls, apiKey and metadata: the same for a client Connection and a NativeConnection. */
  connection: Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>;
  namespace: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

/** envconfig's variables, and those that locate the default profile file (~/.config/temporalio/temporal.toml). */
const CONVENTION = /^(?:TEMPORAL_.+|HOME|XDG_CONFIG_HOME|APPDATA)$/;
const CERT = 'TEMPORAL_TLS_CLIENT_CERT';
const KEY = 'TEMPORAL_TLS_CLIENT_KEY';

// A certificate without its key (or the reverse) would silently connect without
// client authentication (envconfig drops the half pair), and the server's
// refusal would name neither variable: refuse to start instead.
function refuseHalfClientPair(profile: ClientConfigProfile, env: Record<string, string>, profileName: string): void {
  const hasCert = Boolean(profile.tls?.clientCert);
  const hasKey = Boolean(profile.tls?.clientKey);
  if (hasCert === hasKey) return;
  const [given, missing] = hasCert ? [CERT, KEY] : [KEY, CERT];
  const source =
    env[`${given}_PATH`] !== undefined
      ? `${given}_PATH`
      : env[`${given}_DATA`] !== undefined
        ? `${given}_DATA`
        : `profile "${profileName}" (${given === CERT ? 'client_cert' : 'client_key'}_path/_data)`;
  throw new ConfigError(
    `invalid configuration:\n  ${missing}_PATH: ${hasCert ? 'a TLS client certificate' : 'a TLS client key'} is set by ${source} but not its ${hasCert ? 'key' : 'certificate'}: set ${missing}_PATH or ${missing}_DATA too, or neither`,
  );
}

/**
 * Where Temporal is, from the environment (and the profile file it names). An
 * empty variable counts as unset, as compose and k8s files often leave them.
 * TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE alone work as they always did.
 */
export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => CONVENTION.test(e[0]) && Boolean(e[1])));
  const profileName = vars.TEMPORAL_PROFILE ?? 'default';
  let profile: ClientConfigProfile;
  try {
    profile = loadClientConfigProfile({ overrideEnvVars: vars });
  } catch (error) {
    throw new ConfigError(
      `invalid configuration:\n  TEMPORAL_CONFIG_FILE/TEMPORAL_PROFILE: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  refuseHalfClientPair(profile, vars, profileName);
  const { connectionOptions, namespace } = toClientOptions(profile);
  return {
    connection: { ...connectionOptions, address: connectionOptions.address ?? DEFAULT_TEMPORAL_ADDRESS },
    namespace: namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
  };
}

export interface ClientOptions {
  settings: TemporalSettings;
  /** Trace workflow starts, updates, signals and queries (shared/telemetry). */
  tracing?: Tracing;
}

export async function connectTemporalClient({ settings, tracing }: ClientOptions): Promise<Client> {
  const connection = await Connection.connect({ ...settings.connection, connectTimeout: '5s' });
  const interceptors: ClientInterceptors | undefined = tracing
    ? (await import('../telemetry/temporal.js')).clientInterceptors()
    : undefined;
  return new Client({ connection, namespace: settings.namespace, ...(interceptors ? { interceptors } : {}) });
}

export function connectWorkerConnection({ connection }: TemporalSettings): Promise<NativeConnection> {
  return NativeConnection.connect(connection);
}
