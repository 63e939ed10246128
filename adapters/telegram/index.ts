/**
 * Telegram adapter: grammY's Bot wired to the core, as composers in order — the sales chat's
 * alert buttons (sales.ts) and the handoff's replies to alerts (handoff.ts), manager commands
 * (managers.ts), invitations and intent offers (outreach.ts), then the prospect's updates
 * (prospects.ts: map with inbound.ts, hand to the engine, send what outbound.ts renders).
 * Sends go through grammY's auto-retry transformer, so a 429 waits `retry_after` and a 5xx or
 * network failure is retried with backoff; the engine committed the answer before, so a lost
 * send never loses conversation state.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import { Api, Bot, type Context, HttpError } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import { createCommunityServices } from '../../src/core/community-services.ts';
import { LeadbotError } from '../../src/core/errors.ts';
import { defaultOutreachSettings } from '../../src/core/outreach/settings.ts';
import type {
  AlertSink,
  ChatAdapter,
  InboundHandler,
  ProspectMessenger,
  SalesThread,
} from '../../src/core/ports/index.ts';
import { requireInbox, requireLeadEvents } from '../shared/deps.ts';
import { handoffActions } from '../shared/handoff.ts';
import { outreachOf } from '../shared/outreach.ts';
import { startCalls } from '../shared/startup.ts';
import type { AdapterDeps } from '../shared/types.ts';
import { createTelegramAlertSink } from './alert-sink.ts';
import type { TelegramAdapterConfig } from './config.ts';
import { startError, telegramEndpoint, toPlatformError } from './errors.ts';
import { registerTelegramHandoff } from './handoff.ts';
import { createTelegramRoute } from './http-route.ts';
import { registerTelegramManagers, telegramPermissions } from './managers.ts';
import { boundedNetworkRetry } from './network-retry.ts';
import { registerTelegramOutreach } from './outreach.ts';
import { createTelegramPoller } from './polling.ts';
import { createTelegramProspectMessenger } from './prospect-messenger.ts';
import { registerTelegramProspects, sendReplies } from './prospects.ts';
import { registerTelegramSales } from './sales.ts';
import { createTelegramSalesThread } from './sales-thread.ts';

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
  /** Posts in reply to alerts in the sales chat (the handoff); null without one. At-least-once (sales-thread.ts). */
  readonly salesThread: SalesThread | null;
  /** Delivers handoff messages in a Telegram prospect's private chat. At-least-once (prospect-messenger.ts). */
  readonly prospectMessenger: ProspectMessenger;
  /** Resolves once every update received so far is fully handled (graceful stop, tests). */
  idle(): Promise<void>;
  /**
   * Handles one update as grammY received it, after `start`, without the inbox: the entry of
   * mode `direct` (tests and benches feeding updates in process). The webhook route and the
   * poller store their updates in the inbox first.
   */
  handleUpdate(update: Update): Promise<void>;
}

/** Creates the adapter; nothing touches the network before `start`. */
export function createTelegramAdapter(config: TelegramAdapterConfig, deps: AdapterDeps): TelegramAdapter {
  const log = deps.logger.child({ adapter: 'telegram' });
  const bot = new Bot(config.token, {
    // A request without an answer gives up after this (grammY's default is 500 s); above the
    // 30 s long poll of getUpdates.
    client: {
      timeoutSeconds: 60,
      ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
      ...(config.fetch ? { fetch: config.fetch } : {}),
    },
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
  let handler: InboundHandler | undefined;
  let webhookMounted = false;
  let accepting = false;
  const inbox = requireInbox(deps, 'telegram');
  const poller = createTelegramPoller(bot, inbox, ALLOWED_UPDATES);

  // First for every update, manager commands included: one update of a chat at a time, in the
  // order received (webhook calls and the runner's concurrent sink overlap; other chats do not
  // wait). Then a polled update is stored in the inbox, which drops one Telegram serves again —
  // as the webhook route does — so no in-memory guard of update ids is needed.
  bot.use(sequentialize((ctx: Context) => String(ctx.chat?.id ?? ctx.from?.id ?? 'none')));
  bot.use(poller.middleware);
  // Manager commands, consent prompts and intent offers need the store, and announce what they
  // change to the lead events.
  const services = deps.store
    ? createCommunityServices({
        store: deps.store,
        leadEvents: requireLeadEvents(deps, 'telegram'),
        outreach: outreachOf(deps, deps.store),
        clock: deps.clock ?? { now: () => new Date() },
        settings: config.outreach ?? defaultOutreachSettings(),
        permissions: telegramPermissions(bot.api, config.managers ?? [], config.managerChatId),
        interpreter: deps.interpreter,
      })
    : null;
  if (services && config.salesChatId) {
    registerTelegramSales(bot, { services, salesChatId: config.salesChatId, logger: log });
    registerTelegramHandoff(bot, {
      actions: handoffActions(services, deps.handoffRepliers),
      salesChatId: config.salesChatId,
      logger: log,
    });
  }
  if (services) {
    registerTelegramManagers(bot, { services, logger: log });
    registerTelegramOutreach(bot, { services, handler: () => handler, logger: log });
  }
  registerTelegramProspects(bot, { handler: () => handler, logger: log });
  bot.catch((err) => {
    const e = toPlatformError(err, 'handling update');
    log.error({ updateId: err.ctx.update.update_id, code: e.code, err: e.message }, 'update failed');
  });

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

  // Handoff deliveries: their own client without auto-retry, so the outbox dispatcher (which
  // persists the schedule) waits out a 429 instead of a claimed row outliving its lease.
  const outboxApi = new Api(config.token, {
    timeoutSeconds: 30,
    ...(config.apiRoot ? { apiRoot: config.apiRoot } : {}),
  });
  const salesThread = config.salesChatId ? createTelegramSalesThread({ api: outboxApi, logger: log }) : null;
  const prospectMessenger = createTelegramProspectMessenger({ api: outboxApi, logger: log });
  // The app's handoff dispatcher routes rows here: to this platform's prospects, to this sink's threads.
  deps.handoff?.register(prospectMessenger);
  if (salesThread) deps.handoff?.register(salesThread);

  return {
    platform: 'telegram',
    alertSink,
    salesThread,
    prospectMessenger,
    get me() {
      return bot.isInited() ? bot.botInfo : undefined;
    },
    async idle() {
      await poller.idle();
      await inbox.idle();
    },

    handleUpdate: (update) => bot.handleUpdate(update),

    async start(h: InboundHandler, opts: { signal?: AbortSignal } = {}): Promise<void> {
      handler = services ? services.withPersonCommands(h) : h;
      // getMe, setWebhook and polling's set-up share one deadline; SIGTERM ends them at once.
      const call = startCalls(telegramEndpoint(config), {
        signal: opts.signal,
        isUnreachable: (err) => err instanceof HttpError,
        translate: startError,
      });
      if (!bot.isInited()) bot.botInfo = await call((signal) => bot.api.getMe(grammySignal(signal)));
      // Webhook updates stored by an instance that died before processing them come back here.
      inbox.handle('telegram', async (payload) => void (await bot.handleUpdate(JSON.parse(payload))));
      if (config.mode === 'direct') {
        log.info({ mode: 'direct', bot: bot.botInfo.username }, 'telegram adapter started');
        return;
      }
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
          const route = createTelegramRoute({
            secret: config.webhookSecret,
            inbox,
            logger: log,
            accepting: () => accepting,
            process: (update) => bot.handleUpdate(update),
          });
          deps.http.route('POST', TELEGRAM_WEBHOOK_PATH, route);
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
      // The runner does not remove a webhook (bot.start did): getUpdates would be a 409.
      await call((signal) => bot.api.deleteWebhook({}, grammySignal(signal)));
      poller.start((err) => {
        const e = toPlatformError(err, 'polling');
        log.error({ code: e.code, err: e.message }, 'telegram polling stopped');
      });
      log.info({ mode: 'polling', bot: bot.botInfo.username }, 'telegram adapter started');
    },

    async stop(): Promise<void> {
      accepting = false;
      await poller.stop(); // no more fetching; every update fetched is handled first
      await inbox.idle();
    },

    async send(target, messages): Promise<void> {
      // Not bot.init(): grammY retries its getMe without end while the API is unreachable.
      if (!bot.isInited()) bot.botInfo = await bot.api.getMe();
      await sendReplies(bot.api, bot.botInfo.username, target.channelId, messages);
    },
  };
}

/** grammY types its signals with the `abort-controller` shim; Node's own are the same thing at run time. */
type GrammySignal = Parameters<Bot['api']['getMe']>[0];
const grammySignal = (signal: AbortSignal) => signal as unknown as GrammySignal;
