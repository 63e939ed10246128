/**
 * The Discord {@link SalesThread}: posts in the thread of a sales alert — what the prospect
 * answered, reminders of an unclaimed alert, the end of a handoff. Discord gives a thread
 * started from a message that message's id, so the thread of the alert `externalRef` is the
 * channel with that id; while it does not exist (10003 Unknown Channel) the sink starts it on
 * the alert (`POST /channels/:sales/messages/:alert/threads`; 160004, someone just did, is fine).
 *
 * Exactly once: the key rides in an embed footer and the thread's last 100 messages are searched
 * for it before posting (as the alert sink does in the channel); the post's `nonce` (from the
 * key) with `enforce_nonce` also makes Discord return the earlier message for a retry within a
 * few minutes. What the prospect typed sits in an embed, escaped, with no mentions allowed; the
 * only ping is a reminder's, of the one rep it names.
 */
import { createHash } from 'node:crypto';
import {
  type APIMessage,
  EmbedBuilder,
  type REST,
  RESTJSONErrorCodes,
  type RESTPostAPIChannelMessageJSONBody,
  Routes,
} from 'discord.js';
import type { Logger, SalesThread, ThreadPost } from '../../src/core/ports/index.ts';
import { clip } from '../../src/core/text-fit.ts';
import { clipEscapedText } from './embed-fit.ts';
import { discordCode, toDeliveryError } from './errors.ts';
import { escapeText } from './outbound.ts';

/** Discord's nonce holds "up to 25 characters" (Create Message): a hash of the key, cut to fit. */
export const NONCE_LENGTH = 25;

/** The nonce of one message of an outbox row (`part` numbers the pieces of a split message). */
export function nonceOf(idempotencyKey: string, part = 0): string {
  return createHash('sha256').update(`${idempotencyKey}#${part}`).digest('base64url').slice(0, NONCE_LENGTH);
}

const FOOTER = 'leadbot · ';

/** The footer that marks the thread post of one outbox row. */
export const threadFooter = (idempotencyKey: string): string => `${FOOTER}${idempotencyKey}`;

const hasKey = (m: APIMessage, key: string) => m.embeds.some((e) => e.footer?.text === threadFooter(key));

/** The name of a thread the bot starts on an alert (1-100 characters). */
export function threadName(post: ThreadPost['post']): string {
  const who = post.kind === 'prospect' && post.name.trim() ? post.name.trim() : 'the lead';
  return `Conversation with ${who}`.slice(0, 100);
}

/** A Discord user id as a reminder's mention; anything else (another platform's id) is none. */
export function discordMention(id: string | null): string | null {
  const bare = id?.startsWith('discord:') ? id.slice('discord:'.length) : id;
  return bare && /^\d{17,21}$/.test(bare) ? bare : null;
}

/** A post in the alert's thread. */
export function renderDiscordThreadPost(
  post: ThreadPost['post'],
  key: string,
): RESTPostAPIChannelMessageJSONBody {
  const embed = new EmbedBuilder().setFooter({ text: threadFooter(key) });
  const body: RESTPostAPIChannelMessageJSONBody = {
    nonce: nonceOf(key),
    enforce_nonce: true,
    allowed_mentions: { parse: [] },
  };
  if (post.kind === 'prospect') {
    // An embed author is plain text (no markdown, no mentions): clipped, not escaped. The full
    // text stays in the transcript when a long one is clipped here.
    embed
      .setAuthor({ name: clip(`${post.name.trim() || 'The lead'} (lead)`, 256) })
      .setDescription(clipEscapedText(escapeText(post.text) || '\u200b', 4096));
  } else if (post.kind === 'reminder') {
    embed.setDescription(
      `Unclaimed for ${post.minutes} minutes (reminder ${post.round}). Claim it on the alert above, or pass it on.`,
    );
    const rep = discordMention(post.mention);
    if (rep) {
      // Only that rep may be notified: nothing parsed, one user listed.
      body.content = `<@${rep}> this lead is waiting.`;
      body.allowed_mentions = { parse: [], users: [rep] };
    }
  } else {
    // A rep's id shows as their profile mention (inside an embed it pings nobody); a name, escaped.
    const rep = discordMention(post.by);
    const who = rep ? `<@${rep}>` : clipEscapedText(escapeText(post.by), 200);
    embed.setDescription(`Conversation closed by ${who}. New messages of the prospect go back to the flow.`);
  }
  body.embeds = [embed.toJSON()];
  return body;
}

export interface DiscordSalesThreadOptions {
  /** The adapter client's REST (token set on start). */
  rest: REST;
  /** DISCORD_SALES_CHANNEL_ID: where the alerts, and so their threads, are. */
  channelId: string;
  /** Only the bot's own messages count as earlier posts (someone could paste a footer). */
  botUserId: () => string | undefined;
  logger: Logger;
}

/** Creates the sink; errors are `DeliveryError`s for the outbox dispatcher. */
export function createDiscordSalesThread(opts: DiscordSalesThreadOptions): SalesThread {
  const log = opts.logger.child({ component: 'discord-sales-thread' });
  const byBot = (m: APIMessage) => {
    const bot = opts.botUserId();
    return bot === undefined || m.author.id === bot;
  };
  /** The earlier post of `key`, null when none, undefined when the thread does not exist yet. */
  async function earlier(thread: string, key: string): Promise<APIMessage | null | undefined> {
    try {
      const recent = (await opts.rest.get(Routes.channelMessages(thread), {
        query: new URLSearchParams({ limit: '100' }),
      })) as APIMessage[];
      return recent.find((m) => byBot(m) && hasKey(m, key)) ?? null;
    } catch (err) {
      if (discordCode(err) === RESTJSONErrorCodes.UnknownChannel) return undefined;
      throw err;
    }
  }
  return {
    sink: 'discord',
    async post(post, key) {
      const thread = post.alert.externalRef;
      let what = "read the alert's thread";
      try {
        const found = await earlier(thread, key);
        if (found) {
          log.info({ leadId: post.leadId, messageId: found.id }, 'thread post already made; reusing it');
          return { externalRef: found.id };
        }
        if (found === undefined) {
          what = 'start a thread on the alert';
          await opts.rest
            .post(Routes.threads(opts.channelId, thread), {
              body: { name: threadName(post.post), auto_archive_duration: 10080 },
            })
            .catch((err: unknown) => {
              // Someone (a rep, another instance) started it meanwhile: post in theirs.
              if (discordCode(err) !== RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) throw err;
            });
        }
        what = "post in the alert's thread";
        const posted = (await opts.rest.post(Routes.channelMessages(thread), {
          body: renderDiscordThreadPost(post.post, key),
        })) as APIMessage;
        return { externalRef: posted.id };
      } catch (err) {
        throw toDeliveryError(
          err,
          what,
          'Check that the bot may create public threads and send messages in threads in DISCORD_SALES_CHANNEL_ID.',
        );
      }
    },
  };
}
