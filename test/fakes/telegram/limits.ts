/**
 * What the Telegram Bot API refuses, in one place, each rule with the documented limit beside it
 * (https://core.telegram.org/bots/api). The fake answers a broken request with the error
 * Telegram answers — `{ ok: false, error_code, description }` — so a test sees what a user of
 * the real bot would meet. Descriptions are the Bot API's own strings.
 */
import { plainTextOfHtml } from './html.ts';

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

export const TELEGRAM_LIMITS = {
  /** sendMessage/editMessageText: "Text of the message to be sent, 1-4096 characters after entities parsing". */
  text: 4096,
  /** sendPhoto/sendDocument/…: "caption … 0-1024 characters after entities parsing". */
  caption: 1024,
  /** InlineKeyboardButton.callback_data: "Data to be sent in a callback query to the bot …, 1-64 bytes". */
  callbackData: 64,
  /** answerCallbackQuery.text: "Text of the notification … 0-200 characters". */
  callbackAnswerText: 200,
  /** ForceReply.input_field_placeholder: "1-64 characters". */
  placeholder: 64,
  /** BotCommand.command: "Text of the command; 1-32 characters. Can contain only lowercase English letters, digits and underscores". */
  commandName: 32,
  /** BotCommand.description: "Description of the command; 1-256 characters". */
  commandDescription: 256,
  /** setMyCommands.commands: "At most 100 commands can be specified". */
  commands: 100,
} as const;

const bad = (description: string): ApiFailure => ({
  error_code: 400,
  description: `Bad Request: ${description}`,
});

/** Text and caption after entity parsing, or the parse error Telegram gives. */
function parsed(text: string, parseMode: unknown): { plain: string } | ApiFailure {
  if (parseMode === 'HTML') {
    const r = plainTextOfHtml(text);
    return 'error' in r ? bad(`can't parse entities: ${r.error}`) : { plain: r.plain };
  }
  // Plain text, or a mode leadbot never sends (counted as sent).
  return { plain: text };
}

/** Lengths in UTF-16 code units: the unit MessageEntity offsets and lengths are documented in. */
function checkText(p: Record<string, unknown>): ApiFailure | null {
  if (typeof p.text !== 'string') return bad('message text is empty');
  const r = parsed(p.text, p.parse_mode);
  if ('error_code' in r) return r;
  // "1-4096 characters after entities parsing": whitespace-only text is empty once trimmed.
  if (r.plain.trim().length === 0) return bad('message text is empty');
  if (r.plain.length > TELEGRAM_LIMITS.text) return bad('message is too long');
  return null;
}

function checkCaption(p: Record<string, unknown>): ApiFailure | null {
  if (typeof p.caption !== 'string') return null;
  const r = parsed(p.caption, p.parse_mode);
  if ('error_code' in r) return r;
  if (r.plain.length > TELEGRAM_LIMITS.caption) return bad('message caption is too long');
  return null;
}

/** InlineKeyboardMarkup / ForceReply rules (https://core.telegram.org/bots/api#inlinekeyboardbutton). */
export function checkReplyMarkup(markup: unknown): ApiFailure | null {
  if (markup === undefined || markup === null) return null;
  const m = markup as Record<string, unknown>;
  if ('force_reply' in m) {
    if (m.force_reply !== true) return bad("can't parse reply keyboard markup JSON object");
    const ph = m.input_field_placeholder;
    if (
      ph !== undefined &&
      (typeof ph !== 'string' || ph.length < 1 || ph.length > TELEGRAM_LIMITS.placeholder)
    )
      return bad('INPUT_FIELD_PLACEHOLDER_INVALID');
    return null;
  }
  if (!Array.isArray(m.inline_keyboard)) return null;
  for (const row of m.inline_keyboard as unknown[]) {
    if (!Array.isArray(row))
      return bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
    for (const b of row as Record<string, unknown>[]) {
      // "text: Label text on the button" is required.
      if (typeof b.text !== 'string' || b.text.length === 0) return bad('BUTTON_TEXT_INVALID');
      // "Exactly one of the optional fields must be used to specify type of the button."
      const kinds = [
        'url',
        'callback_data',
        'web_app',
        'login_url',
        'switch_inline_query',
        'pay',
        'copy_text',
      ];
      if (!kinds.some((k) => k in b)) return bad('text buttons are unallowed in the inline keyboard');
      if ('callback_data' in b) {
        const data = b.callback_data;
        const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
        if (bytes < 1 || bytes > TELEGRAM_LIMITS.callbackData) return bad('BUTTON_DATA_INVALID');
      }
      if ('url' in b && (typeof b.url !== 'string' || !/^(https?|tg):\/\//.test(b.url)))
        return bad('BUTTON_URL_INVALID');
    }
  }
  return null;
}

/** setMyCommands (https://core.telegram.org/bots/api#botcommand). */
function checkCommands(p: Record<string, unknown>): ApiFailure | null {
  const list = p.commands;
  if (!Array.isArray(list)) return bad('parameter "commands" is required');
  if (list.length > TELEGRAM_LIMITS.commands) return bad('too many commands');
  for (const c of list as { command?: unknown; description?: unknown }[]) {
    const name = typeof c.command === 'string' ? c.command : '';
    if (!/^[a-z0-9_]{1,32}$/.test(name)) return bad('BOT_COMMAND_INVALID');
    const d = typeof c.description === 'string' ? c.description : '';
    if (d.length < 1 || d.length > TELEGRAM_LIMITS.commandDescription)
      return bad('BOT_COMMAND_DESCRIPTION_INVALID');
  }
  return null;
}

/**
 * The refusal Telegram gives `method` with `payload` on its own (chat state aside: blocked users,
 * unknown messages and identical edits are the fake's state, see telegram-api.ts); null if valid.
 */
export function checkRequest(method: string, p: Record<string, unknown>): ApiFailure | null {
  switch (method) {
    case 'sendMessage':
    case 'editMessageText':
      return checkText(p) ?? checkReplyMarkup(p.reply_markup);
    case 'sendPhoto':
    case 'sendDocument':
    case 'editMessageCaption':
      return checkCaption(p) ?? checkReplyMarkup(p.reply_markup);
    case 'editMessageReplyMarkup':
      return checkReplyMarkup(p.reply_markup);
    case 'answerCallbackQuery': {
      const t = p.text;
      // "text: Text of the notification. If not specified, nothing will be shown to the user, 0-200 characters".
      if (typeof t === 'string' && t.length > TELEGRAM_LIMITS.callbackAnswerText)
        return bad('MESSAGE_TOO_LONG');
      return null;
    }
    case 'setMyCommands':
      return checkCommands(p);
    default:
      return null;
  }
}

/** "Forbidden: bot was blocked by the user": the person pressed Stop/Block. */
export const BLOCKED: ApiFailure = { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
/** A bot cannot write first: the person must have started it (https://core.telegram.org/bots/faq). */
export const NOT_STARTED: ApiFailure = {
  error_code: 403,
  description: "Forbidden: bot can't initiate conversation with a user",
};
/** editMessageText/editMessageReplyMarkup with exactly what the message already shows. */
export const NOT_MODIFIED = bad(
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
);
/** A reply to a message the chat does not hold, without `allow_sending_without_reply` (ReplyParameters). */
export const REPLY_NOT_FOUND = bad('message to be replied not found');
export const EDIT_NOT_FOUND = bad('message to edit not found');
export const CHAT_NOT_FOUND = bad('chat not found');
/** getUpdates while a webhook is set (https://core.telegram.org/bots/api#getupdates). */
export const WEBHOOK_ACTIVE: ApiFailure = {
  error_code: 409,
  description:
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
};
/** A second getUpdates while one is held: only one poller per bot. */
export const OTHER_POLLER: ApiFailure = {
  error_code: 409,
  description:
    'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
};
/** Flood control: "429 Too Many Requests: retry after N", with parameters.retry_after (ResponseParameters). */
export const tooManyRequests = (seconds: number): ApiFailure => ({
  error_code: 429,
  description: `Too Many Requests: retry after ${seconds}`,
  parameters: { retry_after: seconds },
});
