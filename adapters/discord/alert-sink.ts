/**
 * The Discord {@link AlertSink}: posts sales alerts to `DISCORD_SALES_CHANNEL_ID`, exactly once.
 * The idempotency key rides in the embed footer; before posting, the channel's last 100
 * messages (`GET /channels/:id/messages?limit=100`) are searched for it, so a process that
 * died between posting and `markDelivered` returns the earlier message instead of posting
 * again when the row is claimed anew. (Discord's `nonce` + `enforce_nonce` only deduplicates
 * for a few minutes, while a lease expires after a minute or more: the footer is the durable
 * mark.) The search window is 100 messages: a busy channel that got more than 100 messages
 * between the crash and the retry could see a second alert.
 */
import { type APIMessage, type REST, Routes } from 'discord.js';
import type { AlertSink, Logger } from '../../src/core/ports/index.ts';
import { hasAlertKey, renderDiscordAlert } from './alert-render.ts';
import { toDeliveryError } from './errors.ts';

export interface DiscordAlertSinkOptions {
  /** The adapter client's REST (token set on start). */
  rest: REST;
  channelId: string;
  /** Only messages by this user count as earlier posts (the bot; someone could paste a footer). */
  botUserId: () => string | undefined;
  logger: Logger;
}

/** Creates the sink. `deliver` throws a {@link DeliveryError}. */
export function createDiscordAlertSink(opts: DiscordAlertSinkOptions): AlertSink {
  const log = opts.logger.child({ component: 'discord-alert-sink' });
  const route = Routes.channelMessages(opts.channelId);
  return {
    name: 'discord',
    async deliver(alert, idempotencyKey) {
      let what = 'read the sales channel';
      try {
        const recent = (await opts.rest.get(route, {
          query: new URLSearchParams({ limit: '100' }),
        })) as APIMessage[];
        const bot = opts.botUserId();
        const earlier = recent.find(
          (m) => (bot === undefined || m.author.id === bot) && hasAlertKey(m.embeds, idempotencyKey),
        );
        if (earlier) {
          log.info({ leadId: alert.leadId, messageId: earlier.id }, 'alert already posted; reusing it');
          return { externalRef: earlier.id };
        }
        what = 'post a sales alert';
        const posted = (await opts.rest.post(route, {
          body: renderDiscordAlert(alert, idempotencyKey),
        })) as APIMessage;
        return { externalRef: posted.id };
      } catch (err) {
        throw toDeliveryError(
          err,
          what,
          'Check DISCORD_SALES_CHANNEL_ID and that the bot may read and send messages there.',
        );
      }
    },
  };
}
