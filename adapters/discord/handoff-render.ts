/**
 * Pure rendering of the handoff on Discord: the posts in a sales alert's thread (a prospect's
 * message, a reminder of an unclaimed alert, the close) and the messages the prospect gets in
 * their DM (a rep's message, "joined", "closed"). Everything a person typed is escaped; thread
 * posts ping nobody except, for a reminder, the one rep it names; DMs ping nobody.
 *
 * Each thread post carries its idempotency key in an embed footer (the durable mark the sink
 * finds again in the thread's history, as the alert sink does in the channel) and every post
 * sends a `nonce` made from the key with `enforce_nonce`, which makes Discord itself return the
 * earlier message for a retry within a few minutes.
 */
import { createHash } from 'node:crypto';
import { EmbedBuilder, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import type { ProspectDelivery, ThreadPost } from '../../src/core/ports/index.ts';
import { clip, splitToFit } from '../../src/core/text-fit.ts';
import { clipEscapedText } from './embed-fit.ts';
import { escapeText, LIMITS } from './outbound.ts';

const FOOTER = 'leadbot · ';

/** Discord's nonce holds "up to 25 characters" (Create Message): a hash of the key, cut to fit. */
export const NONCE_LENGTH = 25;

/** The nonce of one message of an outbox row (`part` numbers the pieces of a split message). */
export function nonceOf(idempotencyKey: string, part = 0): string {
  return createHash('sha256').update(`${idempotencyKey}#${part}`).digest('base64url').slice(0, NONCE_LENGTH);
}

/** The footer that marks the thread post of one outbox row. */
export const threadFooter = (idempotencyKey: string): string => `${FOOTER}${idempotencyKey}`;

/** True when `embeds` carry the footer of `key`. */
export function hasThreadKey(embeds: { footer?: { text?: string } | null }[] | undefined, key: string) {
  return (embeds ?? []).some((e) => e.footer?.text === threadFooter(key));
}

/** The name of a thread the bot starts on an alert (1-100 characters). */
export function threadName(post: ThreadPost['post']): string {
  const who = post.kind === 'prospect' && post.name.trim() ? post.name.trim() : 'the lead';
  return `Conversation with ${who}`.slice(0, 100);
}

/** A post in the alert's thread. */
export function renderThreadPost(post: ThreadPost['post'], key: string): RESTPostAPIChannelMessageJSONBody {
  const embed = new EmbedBuilder().setFooter({ text: threadFooter(key) });
  const body: RESTPostAPIChannelMessageJSONBody = {
    nonce: nonceOf(key),
    enforce_nonce: true,
    allowed_mentions: { parse: [] },
  };
  if (post.kind === 'prospect') {
    // Inside an embed: a mention typed by the prospect would not notify anyone there, and it is
    // escaped as well. The full text stays in the transcript when a long one is clipped.
    embed
      // An embed author is plain text (no markdown, no mentions): clipped, not escaped.
      .setAuthor({ name: clip(`${post.name || 'The lead'} (lead)`, 256) })
      .setDescription(clipEscapedText(escapeText(post.text) || '​', 4096));
  } else if (post.kind === 'reminder') {
    const waited = `Unclaimed for ${post.minutes} minutes (reminder ${post.round}).`;
    embed.setDescription(`${waited} Claim it on the alert above, or pass it on.`);
    if (post.mention) {
      // Only that rep may be notified: no parse, one user.
      body.content = `<@${post.mention}> this lead is waiting.`;
      body.allowed_mentions = { parse: [], users: [post.mention] };
    }
  } else {
    embed.setDescription(clipEscapedText(`Conversation closed by ${escapeText(post.by)}.`, 4096));
  }
  body.embeds = [embed.toJSON()];
  return body;
}

/** The text the prospect reads, before escaping is applied by {@link renderProspectDm}. */
function dmText(message: ProspectDelivery['message']): { head: string; text: string } {
  switch (message.kind) {
    case 'rep':
      return { head: `**${escapeText(message.repName)}** (sales): `, text: message.text };
    case 'joined':
      return { head: '', text: `${message.repName} from the sales team has joined the conversation.` };
    case 'closed':
      return {
        head: '',
        text: `${message.repName ?? 'The sales team'} has closed this conversation. Thank you!`,
      };
  }
}

/**
 * The DM message(s) for one delivery: escaped, split at Discord's 2,000 characters (the rep's
 * name on the first piece), each with its nonce and no mentions.
 */
export function renderProspectDm(
  message: ProspectDelivery['message'],
  key: string,
): RESTPostAPIChannelMessageJSONBody[] {
  const { head, text } = dmText(message);
  const pieces = splitToFit(text, LIMITS.content - head.length, escapeText);
  return pieces.map((piece, i) => ({
    content: i === 0 ? `${head}${piece}` : piece,
    nonce: nonceOf(key, i),
    enforce_nonce: true,
    allowed_mentions: { parse: [] },
  }));
}
