/**
 * The process-level safety net, installed once by the CLI for every command.
 *
 * - An unhandled promise rejection (an SDK callback nobody awaited) is logged with its error
 *   and counted (`leadbot_unhandled_rejections_total` while `start` runs), and the process
 *   keeps running: one lost callback must not take every conversation down with it. Node's
 *   default would end the process with a stack on stderr and nothing in the log.
 * - An uncaught exception leaves the process in an unknown state: it is logged, the store is
 *   closed (so SQLite checkpoints and PostgreSQL sessions end cleanly) and the process exits
 *   with 1 for its supervisor to restart it. Never a silent death.
 */
import type pino from 'pino';
import { EXIT_UNEXPECTED } from '../errors-exit.ts';

/** How long closing the store may take before an uncaught exception exits anyway. */
const FATAL_GRACE_MS = 3_000;

const rejectionListeners = new Set<(reason: unknown) => void>();
const fatalCleanups = new Set<() => Promise<void>>();
let installed: (() => void) | undefined;
let rejections = 0;

/**
 * Installs the handlers (once; later calls return the same uninstall). `logger` is asked at
 * each event, so the command's own logger is used once it exists.
 */
export function installProcessGuard(opts: {
  logger: () => pino.Logger;
  /** Where the one-line report of a fatal error goes (stderr). */
  stderr?: { write(text: string): unknown };
  exit?: (code: number) => void;
}): () => void {
  if (installed) return installed;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let dying = false;

  const onRejection = (reason: unknown) => {
    rejections += 1;
    opts
      .logger()
      .error(
        { err: reason, unhandledRejections: rejections },
        'unhandled promise rejection (a callback nobody awaited); the process keeps running',
      );
    for (const listener of rejectionListeners) listener(reason);
  };

  const onException = (err: Error, origin: string) => {
    if (dying) return; // a second failure while closing: the timer below still ends the process
    dying = true;
    opts.logger().fatal({ err, origin }, 'uncaught exception: closing the store and exiting');
    (opts.stderr ?? process.stderr).write(
      `leadbot: uncaught exception, exiting (a bug — please report it with the lines below)\n${err.stack ?? err.message}\n`,
    );
    const timer = setTimeout(() => exit(EXIT_UNEXPECTED), FATAL_GRACE_MS);
    void Promise.allSettled([...fatalCleanups].map((cleanup) => cleanup())).then(() => {
      clearTimeout(timer);
      exit(EXIT_UNEXPECTED);
    });
  };

  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  installed = () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
    installed = undefined;
  };
  return installed;
}

/** Calls `listener` for every unhandled rejection from now on (metrics count them); returns the undo. */
export function onUnhandledRejection(listener: (reason: unknown) => void): () => void {
  rejectionListeners.add(listener);
  return () => rejectionListeners.delete(listener);
}

/** Runs `cleanup` (close the store) before an uncaught exception ends the process; returns the undo. */
export function beforeFatalExit(cleanup: () => Promise<void>): () => void {
  fatalCleanups.add(cleanup);
  return () => fatalCleanups.delete(cleanup);
}
