// Where Temporal is, from the environment with the SDK's envconfig conventions:
// the variables alone, a profile file, the variables over the file; and a TLS
// client certificate without its key (or the reverse) refuses to start,
// naming the variables, in the function and in a real process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSConfig } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../shared/config.js';
import { temporalSettings } from '../../shared/temporal/connection.js';
import { startGateway } from '../../scripts/stack/system.js';
import { isolatedSystemOptions } from '../support/system.js';

const dir = mkdtempSync(join(tmpdir(), 'sagashop-envconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const cert = file('client.pem', '-----BEGIN CERTIFICATE-----\nY2VydA==\n-----END CERTIFICATE-----\n');
const key = file('client.key', '-----BEGIN PRIVATE KEY-----\na2V5\n-----END PRIVATE KEY-----\n');
const ca = file('ca.pem', '-----BEGIN CERTIFICATE-----\nY2E=\n-----END CERTIFICATE-----\n');
const profiles = file(
  'temporal.toml',
  `
[profile.default]
address = "temporal.internal:7233"
namespace = "shop"

[profile.cloud]
address = "shop.a1b2c.tmprl.cloud:7233"
namespace = "shop.a1b2c"
[profile.cloud.tls]
client_cert_path = "${cert}"
client_key_path = "${key}"
server_ca_cert_path = "${ca}"
server_name = "shop.a1b2c.tmprl.cloud"

[profile.halfpair.tls]
client_cert_path = "${cert}"
`,
);
const text = (bytes: Uint8Array | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);
// No HOME: the default profile file (~/.config/temporalio/temporal.toml) of whoever runs the tests stays out.
const nowhere = { TEMPORAL_CONFIG_FILE: join(dir, 'missing.toml') };

describe('Temporal settings (envconfig)', () => {
  it('defaults to a local dev server without TLS', () => {
    expect(temporalSettings(nowhere)).toEqual({
      connection: { address: 'localhost:7233', apiKey: undefined, tls: undefined, metadata: undefined },
      namespace: 'default',
    });
  });

  it('TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE work as they always did; an empty variable is unset', () => {
    const settings = temporalSettings({ ...nowhere, TEMPORAL_ADDRESS: '10.0.0.5:7233', TEMPORAL_NAMESPACE: 'shop', TEMPORAL_API_KEY: '' });
    expect(settings).toMatchObject({ connection: { address: '10.0.0.5:7233' }, namespace: 'shop' });
    expect(settings.connection.tls).toBeUndefined();
  });

  it('an API key turns TLS on (Temporal Cloud with an API key); gRPC headers come from TEMPORAL_GRPC_META_*', () => {
    const settings = temporalSettings({
      ...nowhere,
      TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'shop.a1b2c',
      TEMPORAL_API_KEY: 'secret-key',
      TEMPORAL_GRPC_META_X_TENANT: 'eu',
    });
    expect(settings.connection).toMatchObject({
      address: 'eu-west-1.aws.api.temporal.io:7233',
      apiKey: 'secret-key',
      tls: true,
      metadata: { 'x-tenant': 'eu' },
    });
  });

  it('mTLS from the variables: client certificate pair, server CA and server name', () => {
    const settings = temporalSettings({
      ...nowhere,
      TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
      TEMPORAL_TLS_CLIENT_KEY_DATA: readFileSync(key, 'utf8'),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.example',
    });
    const tls = settings.connection.tls as TLSConfig;
    expect(tls.serverNameOverride).toBe('temporal.example');
    expect(text(tls.serverRootCACertificate)).toBe(readFileSync(ca, 'utf8'));
    expect(text(tls.clientCertPair?.crt)).toBe(readFileSync(cert, 'utf8'));
    expect(text(tls.clientCertPair?.key)).toBe(readFileSync(key, 'utf8'));
  });

  it('reads the default profile of TEMPORAL_CONFIG_FILE, or the one TEMPORAL_PROFILE names', () => {
    expect(temporalSettings({ TEMPORAL_CONFIG_FILE: profiles })).toMatchObject({
      connection: { address: 'temporal.internal:7233' },
      namespace: 'shop',
    });
    const cloud = temporalSettings({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'cloud' });
    expect(cloud).toMatchObject({
      connection: { address: 'shop.a1b2c.tmprl.cloud:7233', tls: { serverNameOverride: 'shop.a1b2c.tmprl.cloud' } },
      namespace: 'shop.a1b2c',
    });
    expect(text((cloud.connection.tls as TLSConfig).clientCertPair?.key)).toBe(readFileSync(key, 'utf8'));
  });

  it('the variables override the profile file', () => {
    const settings = temporalSettings({
      TEMPORAL_CONFIG_FILE: profiles,
      TEMPORAL_PROFILE: 'cloud',
      TEMPORAL_NAMESPACE: 'shop-staging.a1b2c',
      TEMPORAL_TLS_SERVER_NAME: 'other.example',
    });
    expect(settings).toMatchObject({
      connection: { address: 'shop.a1b2c.tmprl.cloud:7233', tls: { serverNameOverride: 'other.example' } },
      namespace: 'shop-staging.a1b2c',
    });
  });

  it('a profile that is not in the file is refused, naming the variables', () => {
    expect(() => temporalSettings({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'nope' })).toThrow(
      /TEMPORAL_CONFIG_FILE\/TEMPORAL_PROFILE: .*nope/,
    );
  });

  it('a client certificate without its key, or a key without its certificate, is refused', () => {
    const certOnly = () => temporalSettings({ ...nowhere, TEMPORAL_TLS_CLIENT_CERT_PATH: cert });
    expect(certOnly).toThrow(ConfigError);
    expect(certOnly).toThrow(
      /TEMPORAL_TLS_CLIENT_KEY_PATH: a TLS client certificate is set by TEMPORAL_TLS_CLIENT_CERT_PATH but not its key: set TEMPORAL_TLS_CLIENT_KEY_PATH or TEMPORAL_TLS_CLIENT_KEY_DATA/,
    );
    expect(() => temporalSettings({ ...nowhere, TEMPORAL_TLS_CLIENT_KEY_DATA: 'k' })).toThrow(
      /TEMPORAL_TLS_CLIENT_CERT_PATH: a TLS client key is set by TEMPORAL_TLS_CLIENT_KEY_DATA but not its certificate/,
    );
    // ...also when the half pair comes from the profile file.
    expect(() => temporalSettings({ TEMPORAL_CONFIG_FILE: profiles, TEMPORAL_PROFILE: 'halfpair' })).toThrow(
      /TEMPORAL_TLS_CLIENT_KEY_PATH: a TLS client certificate is set by profile "halfpair"/,
    );
  });

  it('a process given half a pair does not start, and says why', async () => {
    const options = await isolatedSystemOptions('halftls');
    const started = startGateway(
      options,
      {},
      {
        TEMPORAL_TLS_CLIENT_CERT_PATH: cert,
        USERS_URL: 'http://127.0.0.1:1',
        CATALOG_URL: 'http://127.0.0.1:1',
        INVENTORY_URL: 'http://127.0.0.1:1',
        CART_URL: 'http://127.0.0.1:1',
        ORDERS_URL: 'http://127.0.0.1:1',
        PAYMENTS_URL: 'http://127.0.0.1:1',
        NOTIFICATIONS_URL: 'http://127.0.0.1:1',
        SHIPPING_URL: 'http://127.0.0.1:1',
      },
    );
    await expect(started).rejects.toThrow(/exited with code 1/);
    const log = readFileSync(join(options.logDir, 'gateway-extra.log'), 'utf8');
    expect(log).toContain('TEMPORAL_TLS_CLIENT_KEY_PATH: a TLS client certificate is set by TEMPORAL_TLS_CLIENT_CERT_PATH but not its key');
  });
});
