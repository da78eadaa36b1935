// Every setting of the gateway, from the environment, validated at start-up:
// a bad value stops the process with a message naming the variable.
import { z } from 'zod';
import { commonEnv, durationMs, parseEnv, port, redisCommandTimeout, redisEnv, temporalEnv } from '../shared/config.js';
import { onboardingSettingsEnv } from '../services/users/temporal/settings.js';
import { orderSagaSettingsEnv } from '../services/orders/temporal/settings.js';

const url = z.url();
const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const gatewayEnv = commonEnv
  .extend({
    GATEWAY_PORT: port(3000),
    HOST: z.string().default('127.0.0.1'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').default('dev-only-jwt-secret-change-me-0123456789'),
    JWT_ISSUER: z.string().min(1).default('sagashop'),
    JWT_AUDIENCE: z.string().min(1).default('sagashop-api'),
    JWT_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(3_600),
    /** How long the gateway trusts what it last heard of an account (active? which roles?) before asking the users service again. */
    USER_CACHE_SECONDS: z.coerce.number().int().min(1).max(30).default(15),
    USERS_URL: url,
    CATALOG_URL: url,
    INVENTORY_URL: url,
    CART_URL: url,
    ORDERS_URL: url,
    PAYMENTS_URL: url,
    NOTIFICATIONS_URL: url,
    SHIPPING_URL: url,
    /** Per-call budget for a downstream service; past it the gateway answers 504. */
    DOWNSTREAM_TIMEOUT_MS: durationMs(5_000),
    /** Budget of each part of the dashboard; a slower part is left out and listed in `degraded`. */
    DASHBOARD_PART_TIMEOUT_MS: durationMs(1_500),
    /** How long /health/ready reuses its last result; concurrent requests always share one probe. */
    READINESS_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(2_000),
    RATE_LIMIT_PER_USER: count(300),
    RATE_LIMIT_PER_IP: count(600),
    RATE_LIMIT_WINDOW_SECONDS: count(60),
    /** Failed logins allowed per account (whatever the address) and per address (whatever the account) within the window. */
    LOGIN_FAILURES_PER_ACCOUNT: count(10),
    LOGIN_FAILURES_PER_IP: count(100),
    /** The window of the login failure counts, and how long a login stays refused once one is used up. */
    LOGIN_FAILURE_WINDOW_SECONDS: count(900),
    /** Accounts one address may register within REGISTRATION_WINDOW_SECONDS (each costs a password hash and an onboarding workflow). */
    REGISTRATIONS_PER_IP: count(20),
    REGISTRATION_WINDOW_SECONDS: count(3_600),
    IDEMPOTENCY_TTL_SECONDS: z.coerce.number().int().min(60).default(86_400),
    /** Comma-separated origins allowed by CORS; empty allows none. */
    CORS_ORIGINS: z.string().default('http://localhost:3000,http://localhost:5173'),
    /** Take the client address from X-Forwarded-For (only behind a proxy you trust). */
    TRUST_PROXY: z.enum(['true', 'false']).default('false'),
    /** With TRUST_PROXY: how many proxies of yours append to X-Forwarded-For; the client's address is that many entries from the right. */
    TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).default(1),
  })
  .extend(temporalEnv.shape)
  .extend(redisEnv.shape)
  // Every Redis use of the gateway has a fallback, so it waits for Redis only briefly.
  .extend({ REDIS_COMMAND_TIMEOUT_MS: redisCommandTimeout(100) })
  .extend(orderSagaSettingsEnv.shape)
  .extend(onboardingSettingsEnv.shape);

export type GatewayConfig = z.infer<typeof gatewayEnv>;

export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => parseEnv(gatewayEnv, env);
