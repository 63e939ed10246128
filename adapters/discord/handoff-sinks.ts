/**
 * The Discord side of the handoff's outbox rows (src/core/ports/handoff.ts):
 *
 * - {@link createDiscordSalesThread}: posts in the thread of a sales alert. Discord gives a
 *   thread started from a message that message's id, so the thread of the alert `externalRef`
 *   is the channel with that id; while it does not exist (10003 Unknown Channel) the sink starts
 *   it (`POST /channels/:sales/messages/:alert/threads`, 160004 when someone just did is fine).
 *   Exactly once: the key rides in the embed footer and the thread's last 100 messages are
 *   searched before posting (as the alert sink does), and the post's enforced nonce makes a
 *   retry within Discord's few minutes return the same message.
 * - {@link createDiscordProspectMessenger}: the prospect's DM (`POST /users/@me/channels`, then
 *   the message, split at 2,000). A DM carries no footer (the prospect reads
 *   "Ana (sales): text", nothing else), so it is deduplicated by the enforced nonce alone:
 *   Discord returns the earlier message for a retry within a few minutes, and the outbox lease
 *   (60 s) brings a crashed delivery back well within that. Searching the DM's history for the
 *   same text was rejected: a rep who writes "ok" twice would have the second one dropped, in
 *   normal operation. A retry later than Discord's window may repeat the message (README).
 */
import {
  type APIMessage,
  DiscordAPIError,
  RateLimitError,
  type REST,
  RESTJSONErrorCodes,
  Routes,
} from 'discord.js';
import { DeliveryError } from '../../src/core/outbox/delivery-error.ts';
import type { Logger, ProspectMessenger, SalesThread, ThreadPost } from '../../src/core/ports/index.ts';
import { discordCode, toPlatformError } from './errors.ts';
import { hasThreadKey, renderProspectDm, renderThreadPost, threadName } from './handoff-render.ts';

/** Translates a discord.js failure for the dispatcher: refusals are permanent, rate limits say when. */
export function handoffDeliveryError(err: unknown, what: string, hint: string): DeliveryError {
  const e = toPlatformError(err, what);
  if (err instanceof RateLimitError)
    return new DeliveryError(e.message, {
      retryAfterMs: err.retryAfter,
      cause: err,
      userMessage: e.userMessage,
    });
  const permanent =
    err instanceof DiscordAPIError && err.status >= 400 && err.status < 500 && err.status !== 429;
  return new DeliveryError(e.message, {
    permanent,
    cause: err,
    userMessage: permanent ? `${e.userMessage} ${hint}` : e.userMessage,
  });
}

const isCode = (err: unknown, code: number) => discordCode(err) === code;

export interface DiscordHandoffOptions {
  /** The adapter client's REST (token set on start). */
  rest: REST;
  /** Only the bot's own messages count as earlier posts. */
  botUserId: () => string | undefined;
  logger: Logger;
}

/** The {@link SalesThread} of alerts posted in `channelId` (DISCORD_SALES_CHANNEL_ID). */
export function createDiscordSalesThread(opts: DiscordHandoffOptions & { channelId: string }): SalesThread {
  const log = opts.logger.child({ component: 'discord-sales-thread' });
  const byBot = (m: APIMessage) => {
    const bot = opts.botUserId();
    return bot === undefined || m.author.id === bot;
  };
  return {
    sink: 'discord',
    async post(post: ThreadPost, key: string) {
      const thread = post.alert.externalRef;
      let what = "read the alert's thread";
      try {
        let exists = true;
        try {
          const recent = (await opts.rest.get(Routes.channelMessages(thread), {
            query: new URLSearchParams({ limit: '100' }),
          })) as APIMessage[];
          const earlier = recent.find((m) => byBot(m) && hasThreadKey(m.embeds, key));
          if (earlier) {
            log.info({ leadId: post.leadId, messageId: earlier.id }, 'thread post already made; reusing it');
            return { externalRef: earlier.id };
          }
        } catch (err) {
          if (!isCode(err, RESTJSONErrorCodes.UnknownChannel)) throw err;
          exists = false;
        }
        if (!exists) {
          what = 'start a thread on the alert';
          try {
            await opts.rest.post(Routes.threads(opts.channelId, thread), {
              body: { name: threadName(post.post), auto_archive_duration: 10080 },
            });
          } catch (err) {
            // Someone (a rep, another instance) started it meanwhile: post in theirs.
            if (!isCode(err, RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage)) throw err;
          }
        }
        what = "post in the alert's thread";
        const posted = (await opts.rest.post(Routes.channelMessages(thread), {
          body: renderThreadPost(post.post, key),
        })) as APIMessage;
        return { externalRef: posted.id };
      } catch (err) {
        throw handoffDeliveryError(
          err,
          what,
          'Check that the bot may create public threads and send messages in threads in DISCORD_SALES_CHANNEL_ID.',
        );
      }
    },
  };
}

/** The {@link ProspectMessenger} of Discord prospects: their DM with the bot. */
export function createDiscordProspectMessenger(opts: Pick<DiscordHandoffOptions, 'rest'>): ProspectMessenger {
  return {
    platform: 'discord',
    async deliver(delivery, key) {
      let what = 'open the DM';
      try {
        const dm = (await opts.rest.post(Routes.userChannels(), {
          body: { recipient_id: delivery.to.userId },
        })) as { id: string };
        what = 'send a DM';
        let first: string | undefined;
        for (const body of renderProspectDm(delivery.message, key)) {
          const posted = (await opts.rest.post(Routes.channelMessages(dm.id), { body })) as APIMessage;
          first ??= posted.id;
        }
        return { externalRef: first ?? '' };
      } catch (err) {
        throw handoffDeliveryError(
          err,
          what,
          'The prospect may have closed their DMs or left the server; the transcript keeps the message.',
        );
      }
    },
  };
}
