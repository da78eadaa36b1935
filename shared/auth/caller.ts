// Who a request is made for, and the one place that says what a caller may do.
// The gateway and every service decide with these functions (through the
// `authorize` middleware, shared/http/authorize.ts, or directly for ownership).
import type { Role } from '../domain/vocabulary.js';

export interface Caller {
  /** The end user the request is made for; `system` for the gateway acting on its own. */
  userId: string;
  roles: string[];
}

/** A role beyond the end users' ones: the gateway itself, in service tokens only. */
export type CallerRole = Role | 'system';

export const SYSTEM: Caller = { userId: 'system', roles: ['system'] };
export const ANONYMOUS: Caller = { userId: 'anonymous', roles: [] };

export const hasRole = (caller: Caller, ...roles: readonly CallerRole[]): boolean => roles.some((role) => caller.roles.includes(role));

/** Administrators and the gateway itself may act on anyone's data. */
export const isOperator = (caller: Caller): boolean => hasRole(caller, 'admin', 'system');

/** A user's data is theirs and the operators'. */
export const mayActFor = (caller: Caller, userId: string): boolean => caller.userId === userId || isOperator(caller);
