import { z } from 'zod';
import { workerServiceEnv } from '../../shared/config.js';

export const notificationsEnv = workerServiceEnv
  .extend({
    NOTIFY_TRANSPORT: z.enum(['outbox', 'smtp']).default('outbox'),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    SMTP_FROM: z.string().default('sagashop <no-reply@sagashop.dev>'),
  })
  .refine((e) => e.NOTIFY_TRANSPORT !== 'smtp' || e.SMTP_URL, { path: ['SMTP_URL'], message: 'required when NOTIFY_TRANSPORT=smtp' });
