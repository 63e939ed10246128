/**
 * The Telegram {@link SalesThread}: posts in reply to a sales alert in the sales chat (the alert's
 * externalRef is `chatId:messageId`) — what the prospect answered, reminders of an unclaimed
 * alert, the end of a handoff. Plain text, no parse mode, mentions neutralised: a prospect's words
 * cannot format, link or ping. A reminder's only mention is the rep the app names, as a
 * `text_mention` entity (it reaches a user by id, https://core.telegram.org/bots/api#messageentity).
 *
 * At-least-once across a crash, like the Telegram alert sink (alert-sink.ts): a bot cannot read
 * or search a chat, so a post made just before the process died cannot be found by its key;
 * the row is claimed again after its lease and posted a second time. Within a process, retries
 * never post twice (the key → message map below).
 */
import type { Api } from 'grammy';
import type { MessageEntity } from 'grammy/types';
import { DeliveryError } from '../../src/core/outbox/delivery-error.ts';
import type { Logger, SalesThread, ThreadPost } from '../../src/core/ports/index.ts';
import { clip, splitToFit } from '../../src/core/text-fit.ts';
import { toDeliveryError } from './errors.ts';
import { neutralizeText, TELEGRAM_TEXT_LIMIT } from './outbound.ts';

export interface TelegramSalesThreadOptions {
  /** The Bot API client (no auto-retry: the outbox dispatcher retries). */
  api: Api;
  logger: Logger;
}

/** One message of a thread post. */
export interface TelegramPost {
  text: string;
  entities?: MessageEntity[];
}

const NAME_MAX = 80;
/** Keys remembered per process (older ones are forgotten first). */
const REMEMBERED = 10_000;

/** A Telegram user id (`123` or `telegram:123`), or null. */
function telegramUserId(id: string | null): number | null {
  const bare = id?.startsWith('telegram:') ? id.slice('telegram:'.length) : id;
  return bare && /^\d{1,20}$/.test(bare) ? Number(bare) : null;
}

/** `label` linked to the user `id` (a mention that works without a username), at the end of `head`. */
function withMention(head: string, label: string, tail: string, id: number): TelegramPost {
  return {
    text: `${head}${label}${tail}`,
    entities: [
      {
        type: 'text_mention',
        offset: head.length,
        length: label.length,
        user: { id, is_bot: false, first_name: label },
      },
    ],
  };
}

/** A thread post as messages (plain text within 4,096 each). */
export function renderTelegramThreadPost(post: ThreadPost['post']): TelegramPost[] {
  switch (post.kind) {
    case 'prospect': {
      const name = clip(post.name || 'The prospect', NAME_MAX);
      return splitToFit(`${name}: ${post.text}`, TELEGRAM_TEXT_LIMIT, neutralizeText).map((text) => ({
        text,
      }));
    }
    case 'reminder': {
      const head = `⏰ ${post.round > 1 ? 'Still unclaimed' : 'Unclaimed'} for ${post.minutes} min — `;
      const id = telegramUserId(post.mention);
      return [
        id === null
          ? { text: `${head}can someone take it?` }
          : withMention(head, 'next rep', ', can you take it?', id),
      ];
    }
    case 'closed': {
      const id = telegramUserId(post.by);
      const tail = '. New messages of the prospect go back to the flow.';
      if (id !== null) return [withMention('🔒 Conversation closed by ', 'a rep', tail, id)];
      return [{ text: `🔒 Conversation closed by ${neutralizeText(clip(post.by, NAME_MAX))}${tail}` }];
    }
  }
}

/** `chatId:messageId` of an alert, or null. */
export function parseAlertRef(ref: string): { chatId: number; messageId: number } | null {
  const m = /^(-?\d+):(\d+)$/.exec(ref);
  return m ? { chatId: Number(m[1]), messageId: Number(m[2]) } : null;
}

/** Creates the thread poster; errors are `DeliveryError`s for the outbox dispatcher. */
export function createTelegramSalesThread(opts: TelegramSalesThreadOptions): SalesThread {
  const log = opts.logger.child({ component: 'telegram-sales-thread' });
  const posted = new Map<string, string>();
  return {
    sink: 'telegram',
    async post(post, idempotencyKey) {
      const known = posted.get(idempotencyKey);
      if (known) return { externalRef: known };
      const alert = parseAlertRef(post.alert.externalRef);
      if (!alert)
        throw new DeliveryError(`not a Telegram alert reference: ${post.alert.externalRef}`, {
          permanent: true,
        });
      let first: string | undefined;
      try {
        for (const part of renderTelegramThreadPost(post.post)) {
          const sent = await opts.api.sendMessage(alert.chatId, part.text, {
            ...(part.entities ? { entities: part.entities } : {}),
            link_preview_options: { is_disabled: true },
            // If the alert was deleted, the post still reaches the sales chat.
            reply_parameters: { message_id: alert.messageId, allow_sending_without_reply: true },
          });
          first ??= `${sent.chat.id}:${sent.message_id}`;
        }
      } catch (err) {
        throw toDeliveryError(err, 'posting in the alert thread');
      }
      const externalRef = first ?? '';
      posted.set(idempotencyKey, externalRef);
      if (posted.size > REMEMBERED) posted.delete(posted.keys().next().value as string);
      log.info({ leadId: post.leadId, kind: post.post.kind, externalRef }, 'posted in the alert thread');
      return { externalRef };
    },
  };
}
