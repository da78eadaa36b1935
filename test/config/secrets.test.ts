// Configuration guards that need no server: the README's dev secrets work for
// `npm start` but stop a production process, naming each variable.
import { describe, expect, it } from 'vitest';
import { commonEnv, ConfigError, parseEnv, serviceEnv } from '../../shared/config.js';
import { gatewayEnv } from '../../gateway/config.js';
import { usersEnv } from '../../services/users/config.js';

const serviceUrls = Object.fromEntries(
  ['USERS', 'CATALOG', 'INVENTORY', 'CART', 'ORDERS', 'PAYMENTS', 'NOTIFICATIONS', 'SHIPPING'].map((s) => [
    `${s}_URL`,
    'http://127.0.0.1:1',
  ]),
);

describe('secrets in production', () => {
  it('development runs with the dev defaults', () => {
    expect(parseEnv(commonEnv, {}).SERVICE_TOKEN_SECRET).toMatch(/^dev-only-/);
  });

  it('production refuses every dev default secret and names it', () => {
    const run = () => parseEnv(gatewayEnv, { NODE_ENV: 'production', ...serviceUrls });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/SERVICE_TOKEN_SECRET: must be set/);
    expect(run).toThrow(/JWT_SECRET: must be set/);
  });

  it('production accepts real secrets', () => {
    const config = parseEnv(gatewayEnv, {
      NODE_ENV: 'production',
      ...serviceUrls,
      SERVICE_TOKEN_SECRET: 'a'.repeat(40),
      JWT_SECRET: 'b'.repeat(40),
    });
    expect(config.JWT_SECRET).toBe('b'.repeat(40));
  });

  it('a short secret is refused with its name', () => {
    expect(() => parseEnv(commonEnv, { SERVICE_TOKEN_SECRET: 'short' })).toThrow(/SERVICE_TOKEN_SECRET: must be at least 32 characters/);
  });
});

describe('dev secrets off loopback', () => {
  const real = { SERVICE_TOKEN_SECRET: 'a'.repeat(40), JWT_SECRET: 'b'.repeat(40) };

  it('a process listening on loopback may use them', () => {
    for (const HOST of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) {
      expect(parseEnv(gatewayEnv, { ...serviceUrls, HOST }).HOST).toBe(HOST);
    }
  });

  it('a process listening on any other address refuses to start, naming each default secret', () => {
    for (const HOST of ['0.0.0.0', '::', '10.0.0.5', 'gateway.internal']) {
      const run = () => parseEnv(gatewayEnv, { ...serviceUrls, HOST });
      expect(run, HOST).toThrow(ConfigError);
      expect(run, HOST).toThrow(/SERVICE_TOKEN_SECRET: .*loopback/);
      expect(run, HOST).toThrow(/JWT_SECRET: .*loopback/);
      expect(() => parseEnv(serviceEnv, { HOST }), HOST).toThrow(/SERVICE_TOKEN_SECRET: .*loopback/);
    }
    expect(parseEnv(gatewayEnv, { ...serviceUrls, ...real, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });
});

describe("the demo admin's printed password", () => {
  const real = { SERVICE_TOKEN_SECRET: 'a'.repeat(40) };

  it('SEED_DEMO seeds it only on a loopback HOST outside production', () => {
    expect(parseEnv(usersEnv, { SEED_DEMO: 'true' }).DEMO_ADMIN_PASSWORD).toBeUndefined();
    for (const [HOST, NODE_ENV] of [
      ['0.0.0.0', 'development'],
      ['10.0.0.5', 'development'],
      ['127.0.0.1', 'production'],
    ]) {
      const run = () => parseEnv(usersEnv, { ...real, SEED_DEMO: 'true', HOST, NODE_ENV, DEMO_ADMIN_PASSWORD: '' });
      expect(run, `${HOST} ${NODE_ENV}`).toThrow(ConfigError);
      expect(run, `${HOST} ${NODE_ENV}`).toThrow(/DEMO_ADMIN_PASSWORD: SEED_DEMO=true .*needs an admin password of its own/);
    }
  });

  it('anywhere else SEED_DEMO takes a password of its own, and without SEED_DEMO none is needed', () => {
    const env = { ...real, SEED_DEMO: 'true', HOST: '0.0.0.0', DEMO_ADMIN_PASSWORD: 'a-password-of-its-own' };
    expect(parseEnv(usersEnv, env).DEMO_ADMIN_PASSWORD).toBe('a-password-of-its-own');
    expect(() => parseEnv(usersEnv, { ...env, DEMO_ADMIN_PASSWORD: 'short' })).toThrow(/DEMO_ADMIN_PASSWORD: must be at least 12/);
    expect(parseEnv(usersEnv, { ...real, HOST: '0.0.0.0' }).SEED_DEMO).toBe('false');
  });
});
