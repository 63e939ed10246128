/** The periodic sweep that marks idle conversations abandoned (`CONVERSATION_IDLE_MINUTES`). */
import type { Engine } from '../core/engine.ts';
import type { Logger } from '../core/ports/index.ts';

/** Starts the sweep; returns its stop. */
export function startIdleSweep(engine: Engine, idleMinutes: number, logger: Logger): () => Promise<void> {
  // Abandoning idle conversations is a cheap query; a few times per idle period is plenty.
  const sweepMs = Math.min(idleMinutes, 5) * 60_000;
  const sweeper = setInterval(() => {
    engine.sweepIdle().then(
      (n) => n > 0 && logger.info({ abandoned: n }, 'idle conversations marked abandoned'),
      (err: unknown) => logger.error({ err }, 'sweeping idle conversations failed'),
    );
  }, sweepMs);
  sweeper.unref();
  return async () => clearInterval(sweeper);
}
