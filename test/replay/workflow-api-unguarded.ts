// The workflow API as if the onboarding signal had been added WITHOUT a patch
// guard: `patched()` is always true and writes no marker. Replaying an old history
// against it must fail, which shows the guard is what keeps old sagas replaying.
export * from '@temporalio/workflow/lib/index.js';

export function patched(_patchId: string): boolean {
  return true;
}
