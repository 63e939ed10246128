/**
 * The Discord adapter: a discord.js Client on the gateway. `/qualify` (registered on start)
 * and DMs drive the qualification; in servers the bot answers only when mentioned and moves
 * the conversation to a private place. One listener per job, each taking only its own events
 * (listen.ts): prospects.ts, managers.ts (`/leadbot`), outreach.ts (consent buttons, intent
 * offers) and sales.ts (Claim / Not a fit on alerts).
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, type Message, Partials } from 'discord.js';
import { createCommunityServices } from '../../src/core/community-services.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { defaultOutreachSettings } from '../../src/core/outreach/settings.ts';
import type {
  AlertSink,
  ChatAdapter,
  InboundHandler,
  Logger,
  ProspectMessenger,
  SalesThread,
} from '../../src/core/ports/index.ts';
import { requireLeadEvents } from '../shared/deps.ts';
import { handoffActions } from '../shared/handoff.ts';
import { outreachOf } from '../shared/outreach.ts';
import { hasNetworkCause, startCalls } from '../shared/startup.ts';
import type { AdapterDeps } from '../shared/types.ts';
import { createDiscordAlertSink } from './alert-sink.ts';
import { registerCommands } from './commands.ts';
import type { DiscordAdapterConfig } from './config.ts';
import { discordEndpoint, isDiscordAnswer, startError, toPlatformError } from './errors.ts';
import { isSalesThreadMessage, registerDiscordHandoff } from './handoff.ts';
import { createDiscordListeners } from './listen.ts';
import { discordPermissions, registerDiscordManagers } from './managers.ts';
import { NO_MENTIONS, renderMessage } from './outbound.ts';
import { registerDiscordOutreach } from './outreach.ts';
import { createDiscordProspectMessenger } from './prospect-messenger.ts';
import { registerDiscordProspects } from './prospects.ts';
import { registerDiscordSales } from './sales.ts';
import { createDiscordSalesThread } from './sales-thread.ts';

export type { DiscordAdapterConfig } from './config.ts';
export { DISCORD_VARIABLES, discordConfigSchema, parseDiscordConfig } from './config.ts';

export interface DiscordAdapter extends ChatAdapter {
  readonly platform: 'discord';
  /** The discord.js client (for the alert sink and diagnostics). */
  readonly client: Client;
  /** Posts sales alerts to `DISCORD_SALES_CHANNEL_ID`; null when it is not set. */
  readonly alertSink: AlertSink | null;
  /** Posts in the threads of those alerts (handoff, reminders); null without a sales channel. */
  readonly salesThread: SalesThread | null;
  /** Delivers a rep's handoff messages in a Discord prospect's DM. */
  readonly prospectMessenger: ProspectMessenger;
}

/**
 * The gateway intents leadbot needs. Message Content is privileged and optional: without it
 * Discord still delivers the content of DMs and of messages that mention the bot, and
 * commands, buttons and modals do not need it at all.
 */
export function discordIntents(config: Pick<DiscordAdapterConfig, 'messageContent'>): GatewayIntentBits[] {
  const intents = [
    GatewayIntentBits.Guilds,
    GatewayIntentBits.GuildMessages,
    GatewayIntentBits.DirectMessages,
  ];
  if (config.messageContent) intents.push(GatewayIntentBits.MessageContent);
  return intents;
}

/** Creates the adapter; nothing connects until `start`. */
export function createDiscordAdapter(config: DiscordAdapterConfig, deps: AdapterDeps): DiscordAdapter {
  const logger: Logger = deps.logger.child({ adapter: 'discord' });
  const client = new Client({
    intents: discordIntents(config),
    // DM channels are not cached before their first message: without this partial, discord.js drops DMs.
    partials: [Partials.Channel],
    rest: config.apiUrl ? { api: config.apiUrl } : {},
    // Default for every message, in case a payload forgets; payloads also set it themselves.
    allowedMentions: NO_MENTIONS,
  });
  let handler: InboundHandler | null = null;
  const clock = deps.clock ?? { now: () => new Date() };
  const listen = createDiscordListeners(client, { started: () => handler !== null, logger });
  const botUserId = () => client.user?.id ?? '';
  // Claim / Not a fit, manager commands, consent prompts and intent offers need the store, and
  // announce what they change to the lead events.
  const services = deps.store
    ? createCommunityServices({
        store: deps.store,
        leadEvents: requireLeadEvents(deps, 'discord'),
        outreach: outreachOf(deps, deps.store),
        clock,
        settings: config.outreach ?? defaultOutreachSettings(),
        permissions: discordPermissions,
        interpreter: deps.interpreter,
      })
    : null;
  if (services) registerDiscordSales(listen, { services, logger });
  // Replies in alert threads are the rep's, never a prospect's mention or an intent signal.
  const inSalesThread = (m: Message) =>
    config.salesChannelId !== undefined && isSalesThreadMessage(m, config.salesChannelId);
  if (services && config.salesChannelId)
    registerDiscordHandoff(listen, {
      actions: handoffActions(services, deps.handoffRepliers),
      salesChannelId: config.salesChannelId,
      botUserId,
      messageContent: config.messageContent,
      logger,
    });
  registerDiscordManagers(listen, {
    services,
    ...(config.managerRoleId ? { managerRoleId: config.managerRoleId } : {}),
  });
  registerDiscordOutreach(listen, {
    services,
    handler: () => handler,
    messageContent: config.messageContent,
    botUserId,
    ignore: inSalesThread,
    logger,
  });
  registerDiscordProspects(listen, { handler: () => handler, botUserId, ignore: inSalesThread, logger });

  client.on(Events.Error, (err) => logger.error({ err }, 'discord.js client error'));
  client.on(Events.Warn, (message) => logger.warn({}, message));

  const alertSink = config.salesChannelId
    ? createDiscordAlertSink({
        rest: client.rest,
        channelId: config.salesChannelId,
        botUserId: () => client.user?.id,
        logger,
      })
    : null;

  const salesThread = config.salesChannelId
    ? createDiscordSalesThread({
        rest: client.rest,
        channelId: config.salesChannelId,
        botUserId: () => client.user?.id,
        logger,
      })
    : null;
  const prospectMessenger = createDiscordProspectMessenger({ rest: client.rest });
  deps.handoff?.register(prospectMessenger);
  if (salesThread) deps.handoff?.register(salesThread);

  return {
    platform: 'discord',
    client,
    alertSink,
    salesThread,
    prospectMessenger,

    async start(h: InboundHandler, opts: { signal?: AbortSignal } = {}): Promise<void> {
      // stop / forget me / link <code> in DMs are answered before the engine sees them.
      handler = services ? services.withPersonCommands(h) : h;
      if (!config.messageContent) {
        logger.info(
          {},
          'Message Content intent not requested: the bot reads DMs, messages that mention it, /qualify, buttons and modals, ' +
            'which is all leadbot needs; it cannot read server messages that do not mention it. ' +
            'Set DISCORD_MESSAGE_CONTENT=true (and enable the intent in the Developer Portal) to request it.',
        );
      }
      client.rest.setToken(config.token);
      // Command registration and the gateway login share one deadline; SIGTERM ends them at once.
      const calls = (what: string, deadlineMs?: number) =>
        startCalls(discordEndpoint(config.apiUrl), {
          signal: opts.signal,
          deadlineMs,
          isUnreachable: (err) => !isDiscordAnswer(err) && hasNetworkCause(err),
          retries: 2, // discord.js retries timeouts and 5xx, not a refused connection
          translate: (err) => startError(err, what),
        });
      const { changed, scope } = await calls('register the /qualify command')((signal) =>
        registerCommands(client.rest, config.applicationId, config.guildId, signal),
      );
      logger.info(
        { scope, changed },
        changed ? 'slash commands registered' : 'slash commands already up to date',
      );
      try {
        // Ready waits for every server's GUILD_CREATE, up to discord.js's 15 s for unavailable ones.
        await calls(
          'connect to the gateway',
          GATEWAY_DEADLINE_MS,
        )(async (signal) => {
          // Both awaited together: if login fails, the pending wait for Ready is still handled.
          await Promise.all([once(client, Events.ClientReady, { signal }), client.login(config.token)]);
        });
      } catch (err) {
        // The gateway would otherwise keep reconnecting in the background.
        await client.destroy();
        throw err;
      }
      logger.info({ botUserId: client.user?.id, guilds: client.guilds.cache.size }, 'Discord bot connected');
    },

    async stop(): Promise<void> {
      handler = null;
      await client.destroy();
    },

    async send(
      target: { workspaceId: string; channelId: string },
      messages: OutboundMessage[],
    ): Promise<void> {
      try {
        const channel = await client.channels.fetch(target.channelId);
        if (!channel?.isSendable()) throw new Error(`channel ${target.channelId} does not accept messages`);
        const surface = channel.isDMBased() ? 'dm' : 'channel';
        for (const message of messages) await channel.send(renderMessage(message, surface));
      } catch (err) {
        throw toPlatformError(err, `send to channel ${target.channelId}`);
      }
    },
  };
}

/** How long the gateway login may take (discord.js waits up to 15 s for unavailable servers). */
const GATEWAY_DEADLINE_MS = 20_000;
