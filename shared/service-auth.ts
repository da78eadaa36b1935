// Service-to-service credentials: the gateway signs a short-lived token per call
// that carries who the end user is; services accept nothing without it.
import { SignJWT, jwtVerify } from 'jose';

const ISSUER = 'sagashop-gateway';
const AUDIENCE = 'sagashop-services';
const ALG = 'HS256';

export interface Caller {
  /** The end user the call is made for, or `system` for the gateway itself. */
  userId: string;
  roles: string[];
}

function key(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signServiceToken(secret: string, caller: Caller, ttlSeconds = 60): Promise<string> {
  return new SignJWT({ roles: caller.roles })
    .setProtectedHeader({ alg: ALG })
    .setSubject(caller.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

export async function verifyServiceToken(secret: string, token: string): Promise<Caller> {
  const { payload } = await jwtVerify(token, key(secret), { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE });
  const roles = Array.isArray(payload.roles) ? payload.roles.filter((r): r is string => typeof r === 'string') : [];
  if (!payload.sub) throw new Error('service token without subject');
  return { userId: payload.sub, roles };
}
