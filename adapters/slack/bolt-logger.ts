/**
 * Bolt wants its own logger interface; this forwards to the leadbot {@link Logger}.
 * Bolt's debug output includes whole payloads (what people typed), so it is dropped.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../src/core/ports/index.ts';

const join = (msgs: unknown[]) =>
  msgs.map((m) => (m instanceof Error ? m.message : typeof m === 'string' ? m : JSON.stringify(m))).join(' ');

/** Wraps a leadbot logger for bolt (`App`, receivers, WebClient). */
export function toBoltLogger(logger: Logger): BoltLogger {
  const log = logger.child({ component: 'bolt' });
  let level = LogLevel.INFO;
  let name = 'bolt';
  return {
    debug: () => {},
    info: (...m: unknown[]) => log.info({ name }, join(m)),
    warn: (...m: unknown[]) => log.warn({ name }, join(m)),
    error: (...m: unknown[]) => log.error({ name }, join(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}
