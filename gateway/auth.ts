// End-user tokens: HS256 JWTs the gateway issues at login and verifies on every
// request with the algorithm pinned and expiry, issuer and audience checked, so
// `alg: none`, algorithm confusion, foreign keys and stale tokens all fail.
import type { MiddlewareHandler } from 'hono';
import { SignJWT, jwtVerify } from 'jose';
import type { Caller } from '../shared/service-auth.js';
import { problem } from '../shared/problem.js';
import type { GatewayEnv } from './context.js';

const ALGORITHM = 'HS256';

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export class Tokens {
  private readonly key: Uint8Array;

  constructor(private readonly settings: TokenSettings) {
    this.key = new TextEncoder().encode(settings.secret);
  }

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  issue(user: { id: string; roles: string[] }): Promise<string> {
    return new SignJWT({ roles: user.roles })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<Caller> {
    const { payload } = await jwtVerify(token, this.key, {
      algorithms: [ALGORITHM],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string' && r !== 'system') : [];
    return { userId: payload.sub!, roles };
  }
}

/** Reads the bearer token when there is one; routes that need a user call userOf/adminOf (routes/support.ts). */
export function authenticate(tokens: Tokens): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    if (header) {
      const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)$/.exec(header);
      if (!match) throw problem.unauthorized('the Authorization header must be `Bearer <token>`');
      try {
        c.set('user', await tokens.verify(match[1]!));
      } catch {
        throw problem.unauthorized('the access token is invalid or expired');
      }
    }
    await next();
  };
}
