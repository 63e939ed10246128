/**
 * Telegram adapter: grammY's Bot wired to the core's InboundHandler.
 *
 * Per update: map it (inbound.ts, pure) → let the engine handle it (it commits state and
 * de-duplicates on `update_id`) → render the replies (outbound.ts, pure) → send them. Sends go
 * through grammY's auto-retry transformer, so a 429 waits `retry_after` and a 5xx or network
 * failure is retried with backoff; the engine committed the answer before, so a lost send never
 * loses conversation state.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, HttpError } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { sleep } from '../../src/core/abort.ts';
import { createManagerKit } from '../../src/core/commands/kit.ts';
import { LeadbotError } from '../../src/core/errors.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { KeyedMutex } from '../../src/core/keyed-mutex.ts';
import { defaultOutreachSettings } from '../../src/core/outreach/settings.ts';
import type { AlertSink, ChatAdapter, InboundHandler } from '../../src/core/ports/index.ts';
import { requireInbox, requireLeadEvents } from '../shared/deps.ts';
import { RecentIds } from '../shared/recent-ids.ts';
import { startCalls } from '../shared/startup.ts';
import type { AdapterDeps } from '../shared/types.ts';
import { createTelegramAlertSink } from './alert-sink.ts';
import { decodeCallbackData } from './callback-data.ts';
import type { TelegramAdapterConfig } from './config.ts';
import { startError, telegramEndpoint, toPlatformError } from './errors.ts';
import { toInboundEvent } from './inbound.ts';
import { telegramManagerMiddleware, telegramPermissions } from './manager-commands.ts';
import { boundedNetworkRetry } from './network-retry.ts';
import { answeredText, renderMessage, toggleKeyboard } from './outbound.ts';
import { createTelegramWebhook } from './webhook.ts';

export type { TelegramAdapterConfig } from './config.ts';
export { parseTelegramConfig, TELEGRAM_VARIABLES, telegramConfigSchema } from './config.ts';

/** Where the app's HTTP server serves Telegram's webhook calls. */
export const TELEGRAM_WEBHOOK_PATH = '/telegram/webhook';
const ALLOWED_UPDATES = ['message', 'edited_message', 'callback_query'] as const;

export interface TelegramAdapter extends ChatAdapter {
  readonly platform: 'telegram';
  /** The bot's own account, known once `start` resolved. */
  readonly me: UserFromGetMe | undefined;
  /**
   * Posts sales alerts to `TELEGRAM_SALES_CHAT_ID`; null when it is not set. At-least-once
   * after a crash between posting and marking (see alert-sink.ts).
   */
  readonly alertSink: AlertSink | null;
  /** Resolves once every update received so far is fully handled (graceful stop, tests). */
  idle(): Promise<void>;
}

/** Creates the adapter; nothing touches the network before `start`. */
export function createTelegramAdapter(config: TelegramAdapterConfig, deps: AdapterDeps): TelegramAdapter {
  const log = deps.logger.child({ adapter: 'telegram' });
  const bot = new Bot(config.token, {
    // A request without an answer gives up after this (grammY's default is 500 s); above the
    // 30 s long poll of getUpdates.
    client: { timeoutSeconds: 60, ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}) },
  });
  // Network errors: a few retries, then the error (auto-retry alone retried them forever).
  let unreachable = false;
  bot.api.config.use(
    boundedNetworkRetry({
      onGiveUp(method, err) {
        if (!unreachable)
          log.warn({ method, err: err.message }, 'telegram API unreachable; calls fail until it answers');
        unreachable = true;
      },
      onAnswer() {
        if (unreachable) log.info({}, 'telegram API reachable again');
        unreachable = false;
      },
    }),
  );
  // 429 waits retry_after (up to 2 min) and 5xx backs off, a bounded number of times.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowHttpErrors: true }));
  const seen = new RecentIds<number>(10_000);
  const perChat = new KeyedMutex(); // one update of a chat at a time (webhook calls may overlap)
  let handler: InboundHandler | undefined;
  let polling: Promise<void> | undefined;
  let webhookMounted = false;
  let accepting = false;
  const inbox = requireInbox(deps, 'telegram');

  // Manager commands, consent prompts and intent offers (need the store); before the prospect flow.
  const kit = deps.store
    ? createManagerKit({
        store: deps.store,
        leadEvents: requireLeadEvents(deps, 'telegram'),
        clock: deps.clock ?? { now: () => new Date() },
        settings: config.outreach ?? defaultOutreachSettings(),
        permissions: telegramPermissions(bot.api, config.managers ?? [], config.managerChatId),
        ...(deps.outreach ? { outreach: deps.outreach } : {}),
      })
    : null;

  // First for every update, manager commands included: drop a redelivered update_id (the
  // engine's (platform, eventId) check is the durable one) and handle one chat at a time.
  bot.use(async (ctx, next) => {
    const update = ctx.update;
    if (!seen.add(update.update_id)) {
      log.debug({ updateId: update.update_id }, 'redelivered update ignored');
      return;
    }
    const chatKey = String(ctx.chat?.id ?? ctx.from?.id ?? 'none');
    try {
      await perChat.run(chatKey, () => next());
    } catch (err) {
      seen.delete(update.update_id); // let a redelivery try again
      throw err;
    }
  });
  if (kit) bot.use(telegramManagerMiddleware({ kit, api: bot.api, logger: log }));
  bot.use((ctx) => processUpdate(ctx.update));
  bot.catch((err) => {
    const e = toPlatformError(err, 'handling update');
    log.error({ updateId: err.ctx.update.update_id, code: e.code, err: e.message }, 'update failed');
  });

  async function processUpdate(update: Update): Promise<void> {
    if (!handler) return;
    const me = { id: bot.botInfo.id, username: bot.botInfo.username };
    const q = update.callback_query;
    if (q) {
      const data = decodeCallbackData(q.data);
      const message = q.message && 'text' in q.message ? q.message : undefined;
      await bot.api.answerCallbackQuery(q.id).catch((err) => warn(err, 'answerCallbackQuery'));
      if (data?.kind === 'toggle' && message?.reply_markup) {
        await bot.api
          .editMessageReplyMarkup(message.chat.id, message.message_id, {
            reply_markup: toggleKeyboard(message.reply_markup, q.data ?? ''),
          })
          .catch((err) => warn(err, 'editMessageReplyMarkup'));
        return;
      }
    }
    const event = toInboundEvent(update, me);
    if (!event) return;
    log.debug({ updateId: update.update_id, kind: event.kind, chatId: event.channelId }, 'inbound');
    const replies = await handler(event);
    if (q?.message && 'text' in q.message && q.message.text !== undefined) {
      // The press is committed: retire the keyboard, keeping what was picked visible.
      const text = answeredText(q.message.text, q.message.reply_markup, q.data ?? '');
      await bot.api
        .editMessageText(q.message.chat.id, q.message.message_id, text, {
          link_preview_options: { is_disabled: true },
        })
        .catch((err) => warn(err, 'editMessageText'));
    }
    const replyTo = !event.isDirect && update.message ? update.message.message_id : undefined;
    await sendAll(event.channelId, replies, replyTo, event.isDirect ? undefined : `group_${event.channelId}`);
  }

  async function sendAll(
    chatId: string,
    messages: OutboundMessage[],
    replyTo?: number,
    deepLinkPayload?: string,
  ) {
    const target = /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
    for (const message of messages) {
      const ctx = deepLinkPayload
        ? { botUsername: bot.botInfo.username, deepLinkPayload }
        : { botUsername: bot.botInfo.username };
      for (const { text, ...other } of renderMessage(message, ctx)) {
        try {
          await bot.api.sendMessage(target, text, {
            ...other,
            ...(replyTo
              ? { reply_parameters: { message_id: replyTo, allow_sending_without_reply: true } }
              : {}),
          });
        } catch (err) {
          throw toPlatformError(err, 'sendMessage');
        }
      }
    }
  }

  function warn(err: unknown, action: string) {
    log.warn({ err: toPlatformError(err, action).message }, 'telegram call failed; continuing');
  }

  const alertSink = config.salesChatId
    ? createTelegramAlertSink(
        {
          token: config.token,
          salesChatId: config.salesChatId,
          ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
        },
        { logger: log },
      )
    : null;

  return {
    platform: 'telegram',
    alertSink,
    get me() {
      return bot.isInited() ? bot.botInfo : undefined;
    },
    async idle() {
      await inbox.idle();
      await perChat.idle();
    },

    async start(h: InboundHandler, opts: { signal?: AbortSignal } = {}): Promise<void> {
      handler = kit ? kit.wrap(h) : h;
      // getMe, setWebhook and polling's set-up share one deadline; SIGTERM ends them at once.
      const call = startCalls(telegramEndpoint(config), {
        signal: opts.signal,
        isUnreachable: (err) => err instanceof HttpError,
        translate: startError,
      });
      if (!bot.isInited()) bot.botInfo = await call((signal) => bot.api.getMe(grammySignal(signal)));
      // Webhook updates stored by an instance that died before processing them come back here.
      inbox.handle('telegram', async (payload) => void (await bot.handleUpdate(JSON.parse(payload))));
      if (config.mode === 'webhook') {
        if (!deps.http || !config.webhookUrl || !config.webhookSecret) {
          throw new LeadbotError(
            'CONFIG_INVALID',
            'Telegram webhook mode needs the HTTP server and a secret',
            {
              userMessage:
                'Set TELEGRAM_WEBHOOK_SECRET and run through `leadbot start`, or unset TELEGRAM_WEBHOOK_URL.',
            },
          );
        }
        if (!webhookMounted) {
          const webhook = createTelegramWebhook({
            secret: config.webhookSecret,
            inbox,
            logger: log,
            accepting: () => accepting,
            process: (update) => bot.handleUpdate(update),
          });
          deps.http.route('POST', TELEGRAM_WEBHOOK_PATH, webhook);
          webhookMounted = true;
        }
        accepting = true;
        try {
          const url = config.webhookUrl;
          const secret = config.webhookSecret;
          await call((signal) =>
            bot.api.setWebhook(
              url,
              { secret_token: secret, allowed_updates: [...ALLOWED_UPDATES] },
              grammySignal(signal),
            ),
          );
        } catch (err) {
          accepting = false;
          throw err;
        }
        log.info({ mode: 'webhook', bot: bot.botInfo.username }, 'telegram adapter started');
        return;
      }
      try {
        // grammY's own set-up retries (deleteWebhook) never end; the call's deadline does.
        await call(
          (signal) =>
            new Promise<void>((resolve, reject) => {
              signal.addEventListener('abort', () => reject(signal.reason), { once: true });
              polling = bot.start({ allowed_updates: [...ALLOWED_UPDATES], onStart: () => resolve() });
              polling.catch((err) => {
                const e = toPlatformError(err, 'polling');
                log.error({ code: e.code, err: e.message }, 'telegram polling stopped');
                reject(err);
              });
            }),
        );
      } catch (err) {
        await stopPolling();
        throw err;
      }
      log.info({ mode: 'polling', bot: bot.botInfo.username }, 'telegram adapter started');
    },

    async stop(): Promise<void> {
      accepting = false;
      await stopPolling();
      await inbox.idle();
      await perChat.idle();
    },

    async send(target, messages): Promise<void> {
      // Not bot.init(): grammY retries its getMe without end while the API is unreachable.
      if (!bot.isInited()) bot.botInfo = await bot.api.getMe();
      await sendAll(target.channelId, messages);
    },
  };

  /**
   * Stops long polling, within {@link STOP_GRACE_MS}: grammY's stop confirms the last update
   * with one more getUpdates, which an unreachable API would hold (an unconfirmed update is
   * delivered again next time and de-duplicated).
   */
  async function stopPolling(): Promise<void> {
    const running = polling;
    if (!running) return;
    polling = undefined;
    const stopped = Promise.all([bot.stop(), running]).then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([stopped, sleep(STOP_GRACE_MS)]);
  }
}

/** grammY types its signals with the `abort-controller` shim; Node's own are the same thing at run time. */
type GrammySignal = Parameters<Bot['api']['getMe']>[0];
const grammySignal = (signal: AbortSignal) => signal as unknown as GrammySignal;

/** How long stop() waits for grammY to end long polling. */
const STOP_GRACE_MS = 3_000;
