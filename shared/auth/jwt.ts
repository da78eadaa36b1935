// The one JWT module, for both kinds of token sagashop uses:
// - access tokens the gateway issues at login and checks on every request;
// - service tokens the gateway signs per call and every service checks.
// Both are HS256 with the algorithm pinned, and issuer, audience, subject, issue
// time and expiry all required, so `alg: none`, algorithm confusion, foreign keys,
// tokens meant for the other audience and tokens that never expire all fail.
import { SignJWT, jwtVerify } from 'jose';
import type { Caller } from './caller.js';

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

  sign(caller: Caller): Promise<string> {
    return new SignJWT({ roles: caller.roles })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(caller.userId)
      .setIssuer(this.settings.issuer)
      .setAudience(this.settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${this.settings.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The caller a valid token names; throws (jose's errors) for any other token. */
  async verify(token: string): Promise<Caller> {
    const { payload } = await jwtVerify(token, this.key, {
      algorithms: [ALGORITHM],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
    return { userId: payload.sub!, roles };
  }
}

/** Service tokens: short-lived, from the gateway to the services, signed with SERVICE_TOKEN_SECRET. */
export const serviceTokens = (secret: string) =>
  new Tokens({ secret, issuer: 'sagashop-gateway', audience: 'sagashop-services', ttlSeconds: 60 });

// RFC 9110 §11.1: the scheme is case-insensitive; RFC 6750: the credentials are token68 (a JWT is three parts).
const BEARER = /^bearer +([\w-]+\.[\w-]*\.[\w-]*)$/i;

/** The token of an `Authorization: Bearer <jwt>` header; undefined when the header has another shape. */
export function bearerToken(header: string): string | undefined {
  return BEARER.exec(header.trim())?.[1];
}
