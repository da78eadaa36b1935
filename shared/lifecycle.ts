import type { Logger } from './logger.js';

type Stop = () => Promise<void> | void;

/**
 * Runs a process's start-up and stops it cleanly on SIGINT/SIGTERM: stoppers run
 * in reverse order of registration (HTTP first, then workers, then connections).
 * A start-up error ends the process with exit code 1 and a readable message.
 */
export async function runProcess(logger: Logger, start: (onStop: (stop: Stop) => void) => Promise<void>): Promise<void> {
  const stoppers: Stop[] = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stoppers.reverse()) {
      try {
        await stop();
      } catch (error) {
        logger.warn({ err: error }, 'error while stopping');
      }
    }
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  try {
    await start((stop) => stoppers.push(stop));
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start-up failed');
    await stopAll(1);
  }
}
