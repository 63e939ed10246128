/**
 * Pure rendering of core messages into Bot API `sendMessage` payloads.
 *
 * Text is sent WITHOUT a parse mode, so nothing a person typed can become bold, a hidden link
 * or any other markup: Telegram shows it verbatim. Two things Telegram still detects in plain
 * text are neutralised here: `@username` mentions (a word joiner after `@` stops the ping)
 * and link previews (disabled). A visible URL stays visible as exactly what it points to.
 */
import type {
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  MessageEntity,
} from 'grammy/types';
import type { ReplyLimits } from '../../src/core/commands/reply-to-manager.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { clip, splitToFit } from '../../src/core/text-fit.ts';
import { decodeCallbackData, encodeCallbackData } from './callback-data.ts';

/** The Bot API's limit of a message's text (https://core.telegram.org/bots/api#sendmessage). */
export const TELEGRAM_TEXT_LIMIT = 4096;
const WORD_JOINER = '\u2060';
const CHECK = '✓ ';

export interface SendPayload {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
  link_preview_options: LinkPreviewOptions;
}

export interface RenderContext {
  /** The bot's username, for "Continue in private" deep links. */
  botUsername: string;
  /** Deep-link payload recorded as the campaign when the person follows the link. */
  deepLinkPayload?: string;
  labels?: { done?: string; continuePrivately?: string };
}

/** Makes text inert for Telegram's plain-text detection (mentions); see the file comment. */
export function neutralizeText(text: string): string {
  return text.replace(/@/g, `@${WORD_JOINER}`);
}

/** A manager reply: plain text (no parse mode), mentions neutralised, 4,096 characters a message. */
export const TELEGRAM_REPLY_LIMITS: ReplyLimits = { maxLength: TELEGRAM_TEXT_LIMIT, escape: neutralizeText };

/**
 * Renders one message. Long texts are split at the 4096-character limit, at line breaks where
 * possible; the keyboard rides on the last part so buttons stay under the question they answer.
 */
export function renderMessage(message: OutboundMessage, ctx: RenderContext): SendPayload[] {
  const parts = splitToFit(message.text || ' ', TELEGRAM_TEXT_LIMIT, neutralizeText);
  const payloads: SendPayload[] = parts.map((text) => ({
    text,
    link_preview_options: { is_disabled: true },
  }));
  const keyboard = keyboardFor(message, ctx);
  const last = payloads[payloads.length - 1];
  if (keyboard && last) last.reply_markup = keyboard;
  return payloads;
}

function keyboardFor(message: OutboundMessage, ctx: RenderContext): InlineKeyboardMarkup | undefined {
  const rows: InlineKeyboardButton[][] = [];
  const stepId = message.stepId ?? '';
  for (const [i, choice] of (message.choices ?? []).entries()) {
    const callback_data = message.multiple
      ? encodeCallbackData({ kind: 'toggle', stepId, value: choice.value, checked: false }, i + 1)
      : encodeCallbackData({ kind: 'choice', stepId, value: choice.value }, i + 1);
    rows.push([{ text: choice.label, callback_data }]);
  }
  if (message.multiple && rows.length > 0) {
    rows.push([
      { text: ctx.labels?.done ?? 'Done', callback_data: encodeCallbackData({ kind: 'done', stepId }) },
    ]);
  }
  if (message.offerPrivate) {
    rows.push([{ text: ctx.labels?.continuePrivately ?? 'Continue in private', url: deepLink(ctx) }]);
  }
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** `https://t.me/<bot>?start=<payload>`; the payload is reduced to Telegram's allowed alphabet. */
export function deepLink(ctx: Pick<RenderContext, 'botUsername' | 'deepLinkPayload'>): string {
  const payload = (ctx.deepLinkPayload ?? '').replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
  const base = `https://t.me/${encodeURIComponent(ctx.botUsername)}`;
  return payload ? `${base}?start=${payload}` : `${base}?start`;
}

/** Flips the ✓ of the pressed option in a multiple-choice keyboard; other buttons untouched. */
export function toggleKeyboard(markup: InlineKeyboardMarkup, pressed: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: markup.inline_keyboard.map((row) =>
      row.map((button) => {
        if (!('callback_data' in button) || button.callback_data !== pressed) return button;
        const data = decodeCallbackData(pressed);
        if (data?.kind !== 'toggle') return button;
        const checked = !data.checked;
        const label = button.text.startsWith(CHECK) ? button.text.slice(CHECK.length) : button.text;
        return {
          text: checked ? `${CHECK}${label}` : label,
          callback_data: encodeCallbackData({ ...data, checked }),
        };
      }),
    ),
  };
}

/**
 * The question text once answered: the original text plus what was picked, so the chat keeps
 * a readable record after the keyboard is removed.
 */
export function answeredText(
  questionText: string,
  markup: InlineKeyboardMarkup | undefined,
  pressed: string,
) {
  const buttons = markup?.inline_keyboard.flat() ?? [];
  const data = decodeCallbackData(pressed);
  const picked =
    data?.kind === 'done'
      ? buttons
          .filter((b) => {
            const d = 'callback_data' in b ? decodeCallbackData(b.callback_data) : null;
            return d?.kind === 'toggle' && d.checked;
          })
          .map((b) => (b.text.startsWith(CHECK) ? b.text.slice(CHECK.length) : b.text))
      : buttons.filter((b) => 'callback_data' in b && b.callback_data === pressed).map((b) => b.text);
  const summary = picked.length > 0 ? picked.join(', ') : '—';
  return clip(`${questionText}\n\n${CHECK}${neutralizeText(summary)}`, TELEGRAM_TEXT_LIMIT);
}

/** The deep-link payload that accepts an invitation (`/start consent`). */
export const CONSENT_PAYLOAD = 'consent';
/** callback_data of "No thanks" under a prompt: the prefix, then the invited member's id. */
export const DECLINE_PREFIX = 'lbc:d:';

/**
 * The deep-link payload of an Accept button: `consent`, then `_<managerId>` after a manager's
 * `qualify` so the start itself says whom to credit, then `_g<chatId>` naming the group the
 * prompt was posted in, so the lead's source is that group whoever follows the link (payloads
 * allow [A-Za-z0-9_-], at most 64 characters: https://core.telegram.org/bots/features#deep-linking;
 * the longest, `consent_<20 digits>_g-<20 digits>`, has 52).
 */
export function consentStartPayload(invitedBy?: string, groupId?: number): string {
  const m = /^telegram:(\d{1,20})$/.exec(invitedBy ?? '');
  const group = groupId !== undefined && Number.isSafeInteger(groupId) ? `_g${groupId}` : '';
  return `${CONSENT_PAYLOAD}${m ? `_${m[1]}` : ''}${group}`;
}

/**
 * The consent prompt posted in a group. Bots cannot open a DM on Telegram, so Accept is a deep
 * link: the member starts the private chat themselves. The member is named by a text mention
 * built from the id the manager chose (or the writer of the signal); the text itself is plain.
 */
export function renderConsentPrompt(
  userId: string,
  text: string,
  botUsername: string,
  invitedBy?: string,
  groupId?: number,
): { text: string; entities: MessageEntity[]; reply_markup: InlineKeyboardMarkup } {
  const label = '@member';
  return {
    text: `${label} ${text}`,
    entities: [
      {
        type: 'text_mention',
        offset: 0,
        length: label.length,
        user: { id: Number(userId), is_bot: false, first_name: 'member' },
      },
    ],
    reply_markup: {
      inline_keyboard: [
        [
          {
            text: 'Yes, message me',
            url: `https://t.me/${botUsername}?start=${consentStartPayload(invitedBy, groupId)}`,
          },
        ],
        [{ text: 'No thanks', callback_data: `${DECLINE_PREFIX}${userId}` }],
      ],
    },
  };
}
