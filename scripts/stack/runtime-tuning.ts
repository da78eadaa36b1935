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
