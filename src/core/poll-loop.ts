/**
 * The background loop shared by the outbox dispatcher and the follow-up runner: run a round,
 * run the next one at once while rounds come back full, otherwise sleep `pollMs`; `stop()`
 * wakes the sleeper and resolves after the round in flight has finished; `wake()` cuts a sleep
 * short when new work is known to be waiting.
 */
import type { Logger } from './ports/index.ts';

export interface PollLoop {
  start(): void;
  stop(): Promise<void>;
  /** Ends the current sleep: the next round starts now (a no-op while a round runs). */
  wake(): void;
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
  /** A wake-up that came while a round was running: the next round starts without sleeping. */
  let woken = false;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  async function run(): Promise<void> {
    while (running) {
      let busy = false;
      woken = false;
      try {
        busy = await opts.round();
      } catch (err) {
        opts.logger.error({ error: err instanceof Error ? err.message : String(err) }, opts.failure);
      }
      if (running && !busy && !woken) await sleep(opts.pollMs);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake() {
      woken = true;
      if (timer) clearTimeout(timer);
      wake?.();
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
