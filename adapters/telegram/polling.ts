/**
 * Long polling through `@grammyjs/runner`: updates are fetched while earlier ones are still being
 * handled, up to {@link POLL_CONCURRENCY} at once, so a slow chat never stalls the others (the
 * per-chat order comes from `sequentialize` in index.ts, for webhook calls too).
 *
 * The runner confirms a batch to Telegram (the next getUpdates' offset) as soon as it is handed
 * to the sink, before it is handled, and it passes on whatever getUpdates returns. So each polled
 * update is first stored in the durable inbox, like a webhook call: an update confirmed but not
 * handled when the process died is handled by the inbox loop after the restart, and one that
 * Telegram serves again is recognised there (platform + update_id) and dropped.
 */
import {
  createConcurrentSink,
  createRunner,
  createSource,
  createUpdateFetcher,
  type RunnerHandle,
} from '@grammyjs/runner';
import type { Bot, Context, MiddlewareFn } from 'grammy';
import type { Update } from 'grammy/types';
import type { Inbox } from '../../src/core/inbox/inbox.ts';

/** Updates handled at once across all chats (each chat still one at a time). */
export const POLL_CONCURRENCY = 64;

export interface TelegramPoller {
  /**
   * The middleware (after `sequentialize`) that stores a polled update in the inbox and runs the
   * rest of the chain as its work; updates from the webhook or the inbox loop pass through.
   */
  readonly middleware: MiddlewareFn<Context>;
  /** Starts fetching (deleteWebhook and getMe are the caller's, under its deadline). */
  start(onFatal: (err: unknown) => void): void;
  /** Stops fetching, then waits until every update already fetched is handled. */
  stop(): Promise<void>;
  /** Resolves when no polled update is being handled. */
  idle(): Promise<void>;
  readonly running: boolean;
}

/** Creates the poller of `bot`; nothing is fetched before `start`. */
export function createTelegramPoller(
  bot: Bot,
  inbox: Inbox,
  allowedUpdates: readonly string[],
): TelegramPoller {
  const polled = new WeakSet<Update>();
  const inflight = new Set<Promise<void>>();
  let handle: RunnerHandle | undefined;

  const middleware: MiddlewareFn<Context> = async (ctx, next) => {
    if (!polled.has(ctx.update)) return next();
    const entry = await inbox.receive('telegram', String(ctx.update.update_id), JSON.stringify(ctx.update));
    if (!entry) return; // served again (a lost confirmation): handled before, durably recorded
    await inbox.run(entry, { work: async () => void (await next()) });
  };

  const consume = (update: Update): Promise<void> => {
    polled.add(update);
    const task = bot.handleUpdate(update).finally(() => inflight.delete(task));
    inflight.add(task);
    return task;
  };

  async function idle(): Promise<void> {
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  }

  return {
    middleware,
    get running() {
      return handle?.isRunning() ?? false;
    },
    start(onFatal) {
      const fetchUpdates = createUpdateFetcher(bot, {
        fetch: { timeout: 30, allowed_updates: [...allowedUpdates] as never },
        // Network failures back off up to this long between tries, then polling stops loudly.
        maxRetryTime: 15 * 60_000,
        silent: true,
      });
      const source = createSource({ supply: fetchUpdates });
      const sink = createConcurrentSink<Update, unknown>(
        { consume },
        async (err) => void (await bot.errorHandler(err as never)),
        {
          concurrency: POLL_CONCURRENCY,
        },
      );
      const h = createRunner(source, sink);
      handle = h;
      h.start();
      h.task()?.catch(onFatal);
    },
    async stop() {
      const h = handle;
      handle = undefined;
      if (h?.isRunning()) await h.stop().catch(() => undefined);
      await idle();
    },
    idle,
  };
}
