// How every Node process of a local stack runs, unless the environment already
// says otherwise. Measured on the stack under load (issue 11): glibc's default of
// up to 8 malloc arenas per core and its sliding mmap threshold kept freed
// native memory (gRPC buffers of the Temporal core, MongoDB driver reads)
// resident, and V8's 16 MB young-generation semi-spaces were mostly garbage
// between scavenges; with these, a loaded activity service stays near 110 MB
// resident instead of up to 280 MB. The Dockerfile sets the same.
export const ALLOCATOR_ENV = { MALLOC_ARENA_MAX: '2', MALLOC_MMAP_THRESHOLD_: '131072' } as const;
export const V8_FLAGS = ['--max-semi-space-size=1'] as const;

/** `env` with the allocator settings it does not set itself. */
export function withAllocatorTuning(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...ALLOCATOR_ENV, ...env };
}

/** The V8 flags a process gets on its command line, less those NODE_OPTIONS already decides. */
export function v8Flags(nodeOptions = ''): string[] {
  return V8_FLAGS.filter((flag) => !nodeOptions.includes(flag.split('=')[0]!));
}

/**
 * How the Temporal dev server's Go runtime runs (`npm start`, the bench, chaos; issue 21). Its
 * live heap after a warm-up is about 55 MB, and Go's default GOGC=100 lets the heap grow to twice
 * that before collecting, all of it resident; at 50 it collects at one and a half times, which
 * kept the idle dev server about 30 MiB smaller (226-229 -> 194-198 MiB over the same warm-up).
 * The price, read from GODEBUG=gctrace=1 over the same load: its collector's CPU went from 5.3% of
 * a core to 7.8-10.4%, about 3-5% more of the dev server's own CPU, within the bench's noise in
 * CPU per order. GOMEMLIMIT instead would make the collector run back to back once the live heap
 * neared the limit. A value already in the environment wins.
 */
export const GO_RUNTIME_ENV = { GOGC: '50' } as const;

/** `env` with the Go runtime settings it does not set itself. */
export function withGoRuntimeTuning(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...GO_RUNTIME_ENV, ...env };
}
