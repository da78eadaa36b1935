// Who a route calls a service as: the signed-in caller (or anonymous on public
// routes), with the request's id so the services' logs line up with ours.
import { ANONYMOUS, type Caller } from '../../shared/auth/caller.js';
import type { CallContext } from '../../shared/http/service-client.js';

export const callAs = (
  vars: { caller?: Caller; requestId: string },
  extra: Omit<CallContext, 'caller' | 'requestId'> = {},
): CallContext => ({
  caller: vars.caller ?? ANONYMOUS,
  requestId: vars.requestId,
  ...extra,
});
