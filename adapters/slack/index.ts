/**
 * The Slack adapter: a bolt `App` on one of two transports — HTTP (Events API, interactivity
 * and slash commands at `POST /slack/events`, mounted on the app's HTTP server through
 * {@link HttpRoutes}; each request is verified, stored in the durable inbox, answered, then
 * processed: http-route.ts) or Socket Mode when `SLACK_APP_TOKEN` is set (a WebSocket the app
 * opens itself, so no public URL; each envelope is stored, acknowledged, then processed:
 * socket-receiver.ts). Its listeners are
 * registered per job: prospects.ts, managers.ts (`/leadbot <sub>`), outreach.ts (consent
 * buttons, intent offers), sales.ts (Claim / Not a fit) and handoff.ts (a rep's replies in an
 * alert's thread, Close); it also builds the sales {@link AlertSink} and the handoff's
 * {@link SalesThread} and {@link ProspectMessenger}.
 */
import { App, type Receiver, webApi } from '@slack/bolt';
import { createCommunityServices } from '../../src/core/community-services.ts';
import { LeadbotError } from '../../src/core/errors.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
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
import { createSlackAlertSink } from './alert-sink.ts';
import { toBoltLogger } from './bolt-logger.ts';
import type { SlackAdapterConfig } from './config.ts';
import { slackEndpoint, startError, toPlatformError } from './errors.ts';
import { registerSlackHandoff } from './handoff.ts';
import { createSlackRoute, routeReceiver } from './http-route.ts';
import { registerSlackManagers, slackPermissions } from './managers.ts';
import { renderMessage } from './outbound.ts';
import { registerSlackOutreach } from './outreach.ts';
import { createSlackProfiles } from './profile.ts';
import { createSlackProspectMessenger } from './prospect-messenger.ts';
import { type ReplyVia, registerSlackProspects } from './prospects.ts';
import { registerSlackSales } from './sales.ts';
import { createSlackSalesThread } from './sales-thread.ts';
import { durableSocketReceiver } from './socket-receiver.ts';

export type { SlackAdapterConfig } from './config.ts';
export { parseSlackConfig, SLACK_VARIABLES, slackConfigSchema } from './config.ts';

/** Where Slack posts events, interactions and slash commands in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAdapter extends ChatAdapter {
  readonly platform: 'slack';
  readonly transport: 'http' | 'socket';
  /** The bolt app (tests and the composition root may inspect it). */
  readonly app: App;
  readonly receiver: Receiver;
  /** Posts sales alerts to `SLACK_SALES_CHANNEL`; null when no channel is configured. */
  readonly alertSink: AlertSink | null;
  /** Posts in alert threads in `SLACK_SALES_CHANNEL` (the handoff); null without a channel. */
  readonly salesThread: SalesThread | null;
  /** Delivers handoff messages in a Slack prospect's DM. */
  readonly prospectMessenger: ProspectMessenger;
  /** Resolves once every event received so far is fully handled (graceful stop, tests). */
  idle(): Promise<void>;
}

/**
 * Creates the adapter. In HTTP mode the route is mounted at once (requests before `start`
 * get 503) so the app's server can start listening in any order.
 * @throws LeadbotError CONFIG_INVALID in HTTP mode without `deps.http`.
 */
export function createSlackAdapter(config: SlackAdapterConfig, deps: AdapterDeps): SlackAdapter {
  const logger = deps.logger.child({ adapter: 'slack' });
  const boltLogger = toBoltLogger(logger);
  const clock = deps.clock ?? { now: () => new Date() };
  const socket = config.appToken !== undefined;
  if (!socket && !deps.http) {
    throw new LeadbotError('CONFIG_INVALID', 'Slack HTTP mode needs the app HTTP server', {
      userMessage: 'Set SLACK_APP_TOKEN for Socket Mode, or run Slack through `leadbot start` (HTTP server).',
    });
  }
  if (!socket && config.signingSecret === undefined) {
    throw new LeadbotError('CONFIG_INVALID', 'Slack HTTP mode needs SLACK_SIGNING_SECRET', {
      userMessage: 'Set SLACK_SIGNING_SECRET (Basic Information), or SLACK_APP_TOKEN for Socket Mode.',
    });
  }
  const inbox = requireInbox(deps, 'slack');
  const socketReceiver = socket
    ? durableSocketReceiver({
        appToken: config.appToken!,
        apiUrl: config.apiUrl,
        inbox,
        logger,
        boltLogger,
      })
    : null;
  const receiver: Receiver = socketReceiver ?? routeReceiver();
  const app = new App({
    token: config.botToken,
    receiver,
    logger: boltLogger,
    botId: config.botId,
    botUserId: config.botUserId,
    clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: 2 }, timeout: 10_000 },
    // Otherwise the constructor fires auth.test and keeps the promise: a failure surfaces as an
    // unhandled rejection, and every later event fails on the cached error. `start` runs
    // `app.init()` instead, awaited, under its deadline. With both ids configured (tests) no
    // auth.test is needed at all.
    deferInitialization: true,
    tokenVerificationEnabled: !(config.botId && config.botUserId),
  });

  let handler: InboundHandler | null = null;
  let started = false;

  // Events are acknowledged before the listeners run; tracking processEvent (which awaits them)
  // lets stop() finish the work already accepted instead of dropping it.
  const inflight = new Set<Promise<void>>();
  const processEvent = app.processEvent.bind(app);
  app.processEvent = (event) => {
    const p = processEvent(event);
    const tracked = p.then(
      () => {},
      () => {},
    );
    inflight.add(tracked);
    void tracked.finally(() => inflight.delete(tracked));
    return p;
  };
  async function idle(): Promise<void> {
    await socketReceiver?.idle(); // envelopes being stored and acknowledged
    await inbox.idle(); // a stored event waiting for its processing (e.g. the test delay)
    while (inflight.size > 0) await Promise.all(inflight);
  }

  /** Posts the core's answer; see {@link ReplyVia} for answers that must not be public. */
  async function post(channel: string, isDirect: boolean, out: OutboundMessage[], via: ReplyVia = {}) {
    for (const msg of out) {
      const payload = renderMessage(msg, isDirect);
      let method = 'chat.postMessage';
      try {
        if (via.respond) {
          method = 'response_url';
          await via.respond({ response_type: 'ephemeral', ...payload });
        } else if (msg.offerPrivate && !isDirect && via.user) {
          method = 'chat.postEphemeral';
          await app.client.chat.postEphemeral({ channel, user: via.user, ...payload });
        } else {
          await app.client.chat.postMessage({
            channel,
            ...payload,
            unfurl_links: false,
            unfurl_media: false,
          });
        }
      } catch (err) {
        throw toPlatformError(err, method);
      }
    }
  }

  const profiles = createSlackProfiles(app.client, logger, () => clock.now().getTime());
  registerSlackProspects({
    app,
    handler: () => handler,
    reply: post,
    botUserId: config.botUserId,
    profiles,
    logger,
  });
  // Claim / Not a fit, manager commands, consent prompts and intent offers need the store, and
  // announce what they change to the lead events.
  const leadEvents = deps.store ? requireLeadEvents(deps, 'slack') : null;
  const services =
    deps.store && leadEvents
      ? createCommunityServices({
          store: deps.store,
          leadEvents,
          outreach: outreachOf(deps, deps.store),
          clock,
          settings: config.outreach ?? defaultOutreachSettings(),
          permissions: slackPermissions(app, config.managers ?? [], config.managerGroup, logger),
          interpreter: deps.interpreter,
        })
      : null;
  if (services) {
    registerSlackSales({ app, services, logger });
    if (config.salesChannel)
      registerSlackHandoff({
        app,
        actions: handoffActions(services, deps.handoffRepliers),
        salesChannel: config.salesChannel,
        botUserId: config.botUserId,
        profiles,
        logger,
      });
    registerSlackManagers({ app, services, logger });
    registerSlackOutreach({
      app,
      services,
      handler: () => handler,
      botUserId: config.botUserId,
      salesChannel: config.salesChannel,
      logger,
    });
  }
  app.error(async (err) => {
    logger.error({ error: err.message, code: err.code }, 'bolt error');
    // processEvent rejects: the inbox keeps the event and retries it (both transports store
    // the event before Slack is acknowledged).
    throw err;
  });

  if (!socket && deps.http && config.signingSecret !== undefined) {
    const signingSecret = config.signingSecret;
    deps.http.route(
      'POST',
      SLACK_EVENTS_PATH,
      createSlackRoute({ app, signingSecret, inbox, logger, accepting: () => started }),
    );
  }

  // Alerts and handoff messages: no built-in retries, 429 surfaced at once; the outbox dispatcher retries.
  const outboxClient = new webApi.WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 15_000,
    logger: boltLogger,
  });
  const salesThread = config.salesChannel
    ? createSlackSalesThread({ client: outboxClient, channel: config.salesChannel, logger })
    : null;
  const prospectMessenger = createSlackProspectMessenger({ client: outboxClient, logger });
  deps.handoff?.register(prospectMessenger);
  if (salesThread) deps.handoff?.register(salesThread);
  const alertSink = config.salesChannel
    ? createSlackAlertSink({
        client: outboxClient,
        channel: config.salesChannel,
        logger,
        salesReps: config.salesReps,
        store: deps.store,
        ...(leadEvents ? { leadEvents } : {}),
        clock,
      })
    : null;

  return {
    platform: 'slack',
    transport: socket ? 'socket' : 'http',
    app,
    receiver,
    alertSink,
    salesThread,
    prospectMessenger,
    idle,
    async start(h, opts = {}) {
      handler = services ? services.withPersonCommands(h) : h;
      // Events stored by an instance that died before processing them come back through here.
      inbox.handle('slack', async (payload) => {
        await app.processEvent({ body: JSON.parse(payload), ack: async () => {} });
        return undefined;
      });
      // auth.test and the Socket Mode connection share one deadline; SIGTERM ends them at once.
      const endpoint = slackEndpoint(config.apiUrl);
      const calls = (method: string, variable: string) =>
        startCalls(endpoint, {
          signal: opts.signal,
          isUnreachable: (err) => (err as { code?: string } | null)?.code === 'slack_webapi_request_error',
          translate: (err) => startError(err, method, variable),
        });
      try {
        await calls('auth.test', 'SLACK_BOT_TOKEN')(() => app.init());
        if (socket) await calls('apps.connections.open', 'SLACK_APP_TOKEN')(() => app.start());
      } catch (err) {
        // Socket Mode would otherwise keep reconnecting in the background.
        if (socket) await app.stop().catch(() => undefined);
        throw err;
      }
      started = true;
      logger.info(
        socket ? { transport: 'socket' } : { transport: 'http', path: SLACK_EVENTS_PATH },
        socket
          ? 'slack adapter started over Socket Mode (no public URL needed)'
          : `slack adapter started over HTTP: Slack posts to ${SLACK_EVENTS_PATH}`,
      );
    },
    async stop() {
      started = false;
      if (socket) await app.stop();
      await idle();
      handler = null;
    },
    async send(target, messages) {
      await post(target.channelId, target.channelId.startsWith('D'), messages);
    },
  };
}
