/**
 * How `leadbot start` meets SIGINT/SIGTERM: the first one stops cleanly (and aborts a start
 * still in progress), a second one during shutdown exits at once.
 */
import type pino from 'pino';

/** Why a start in progress was abandoned: a signal asked the process to stop. */
export class StartAborted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`start aborted by ${signal}`);
    this.name = 'StartAborted';
  }
}

/**
 * Resolves on the first SIGINT or SIGTERM (after telling `onFirst`); a second one during
 * shutdown exits at once.
 */
export function waitForSignal(logger: pino.Logger, onFirst: (signal: NodeJS.Signals) => void): Promise<void> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      onFirst(signal);
      process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
      const force = () => {
        logger.warn('second signal: exiting without a clean shutdown');
        process.exit(130);
      };
      process.once('SIGINT', force).once('SIGTERM', force);
      resolve();
    };
    process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
  });
}
