/**
 * The background loop shared by the outbox dispatcher and the follow-up runner: run a round,
 * run the next one at once while rounds come back full, otherwise sleep `pollMs`; `stop()`
 * wakes the sleeper and resolves after the round in flight has finished.
 */
import type { Logger } from './ports.ts';

export interface PollLoop {
  start(): void;
  stop(): Promise<void>;
}

export function createPollLoop(opts: {
  /** One round; resolves to true when it was full and more work is probably waiting. */
  round: () => Promise<boolean>;
  pollMs: number;
  logger: Logger;
  /** Log message when a round throws (the loop keeps going). */
  failure: string;
}): PollLoop {
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  async function run(): Promise<void> {
    while (running) {
      let busy = false;
      try {
        busy = await opts.round();
      } catch (err) {
        opts.logger.error({ error: err instanceof Error ? err.message : String(err) }, opts.failure);
      }
      if (running && !busy) await sleep(opts.pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      if (timer) clearTimeout(timer);
      wake?.();
      await loop;
      loop = null;
    },
  };
}
