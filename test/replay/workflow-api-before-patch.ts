// The workflow API as the order saga saw it before the `signal-onboarding-on-first-order`
// patch existed: `patched()` is false and writes no marker, so a saga bundled
// against this module behaves, command for command, like the pre-patch code.
// record.ts uses it to record a genuine old history.
export * from '@temporalio/workflow/lib/index.js';

export function patched(_patchId: string): boolean {
  return false;
}
