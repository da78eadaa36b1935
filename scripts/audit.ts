// `npm run audit`: checks a running stack's books — every order settled (or
// awaiting approval) and agreeing with its saga in Temporal, money conserved
// against the ledger and the payment provider, stock conserved per sku and
// against the orders, every confirmation and cancellation notified once — and
// prints a table. Exit code 0 when clean, 1 on any breach, 2 when the stack
// cannot be read. Read-only: safe against any stack, at any time.
//
//   MONGO_URL, MONGO_DB_PREFIX           the stack's MongoDB and database prefix (npm start: 127.0.0.1:27017, none)
//   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE its Temporal (npm start: 127.0.0.1:7233, default); TLS, API
//                                        keys and profiles as every process reads them (shared/temporal/connection.ts)
//   AUDIT_PENDING_GRACE                  how long an order may still be in flight (default 2m)
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time.js';
import { z } from 'zod';
import { mongoEnv, parseEnv, temporalEnv } from '../shared/config.js';
import { temporalSettings } from '../shared/temporal/connection.js';
import { audit } from './audit/run.js';

const duration = (value: string): number | undefined => {
  try {
    const ms = msToNumber(value as Duration);
    return ms > 0 ? ms : undefined;
  } catch {
    return undefined;
  }
};

const env = parseEnv(
  mongoEnv.extend(temporalEnv.shape).extend({
    AUDIT_PENDING_GRACE: z
      .string()
      .default('2m')
      .refine((v) => duration(v) !== undefined, 'must be a duration such as 90s or 2m'),
  }),
);

try {
  const outcome = await audit(
    // Unset, the address is where `npm start` puts its Temporal (the shared default names localhost).
    {
      mongoUrl: env.MONGO_URL,
      prefix: env.MONGO_DB_PREFIX,
      temporal: temporalSettings({ TEMPORAL_ADDRESS: '127.0.0.1:7233', ...process.env }),
    },
    duration(env.AUDIT_PENDING_GRACE)!,
  );
  console.log(outcome.report);
  process.exitCode = outcome.breaches > 0 ? 1 : 0;
} catch (error) {
  console.error(`audit: could not read the stack: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
