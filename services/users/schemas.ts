import { z } from '@hono/zod-openapi';
import { UserId } from '../../shared/domain/ids.js';
import { Email, Password, PersonName, Role } from '../../shared/domain/user.js';

export const RegisterBody = z.object({ email: Email, password: Password, name: PersonName }).strict().openapi('RegisterUser');
export const CredentialsBody = z
  .object({ email: Email, password: z.string().min(1).max(128) })
  .strict()
  .openapi('Credentials');
export const ProfileBody = z.object({ name: PersonName }).strict().openapi('ProfileUpdate');
export const RolesBody = z
  .object({ roles: z.array(Role).min(1).max(3) })
  .strict()
  .openapi('RolesUpdate');
export const User = z
  .object({ id: UserId, email: z.string(), name: z.string(), roles: z.array(z.string()), active: z.boolean(), createdAt: z.string() })
  .openapi('User');
/**
 * What the gateway needs to honour a token: is the account still active, with which roles; and
 * where to write to, which an order it places takes along (so its saga need not ask).
 */
export const Access = z.object({ userId: UserId, roles: z.array(z.string()), active: z.boolean(), email: z.string() }).openapi('Access');
