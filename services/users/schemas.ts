import { z } from '@hono/zod-openapi';

export const Email = z.email().max(254);
export const RegisterBody = z
  .object({ email: Email, password: z.string().min(8).max(128), name: z.string().trim().min(1).max(100) })
  .strict()
  .openapi('RegisterUser');
export const CredentialsBody = z.object({ email: Email, password: z.string().min(1).max(128) }).strict().openapi('Credentials');
export const ProfileBody = z.object({ name: z.string().trim().min(1).max(100) }).strict().openapi('ProfileUpdate');
export const User = z
  .object({ id: z.string(), email: z.string(), name: z.string(), roles: z.array(z.string()), createdAt: z.string() })
  .openapi('User');
export const UserIdParam = z.object({ userId: z.string().min(1).max(100).openapi({ param: { name: 'userId', in: 'path' } }) });
