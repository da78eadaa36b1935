// For bundling workflow code where webpack's chatter is noise (tests, benchmarks).
import type { Logger } from '@temporalio/common';

const ignore = () => undefined;

export const silentLogger: Logger = { log: ignore, trace: ignore, debug: ignore, info: ignore, warn: ignore, error: ignore };
