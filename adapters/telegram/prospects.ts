/**
 * The prospect's side of Telegram, as a grammY `Composer` placed after the manager and outreach
 * ones: ticks of a multiple-choice keyboard (`callbackQuery`) toggle in place without the core;
 * every other update is mapped (inbound.ts, pure), handled by the engine (it commits state and
 * de-duplicates on `update_id`), and its replies rendered (outbound.ts, pure) and sent. A pressed
 * keyboard is retired after the commit, keeping what was picked visible.
 */
import { type Api, Composer, type Context, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import { LeadbotError } from '../../src/core/errors.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { toPlatformError } from './errors.ts';
import { toInboundEvent } from './inbound.ts';
import { answeredText, renderMessage, toggleKeyboard } from './outbound.ts';

/** Where replies go and how: in a group, as replies to the message, with a deep link to continue privately. */
export interface ReplyOptions {
  replyTo?: number;
  deepLinkPayload?: string;
}

/** Sends the core's messages to a chat, in order (split at Telegram's limit by outbound.ts). */
export async function sendReplies(
  api: Api,
  botUsername: string,
  chatId: string,
  messages: OutboundMessage[],
  opts: ReplyOptions = {},
): Promise<void> {
  const target = /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
  const ctx = opts.deepLinkPayload ? { botUsername, deepLinkPayload: opts.deepLinkPayload } : { botUsername };
  const replyTo = opts.replyTo
    ? { reply_parameters: { message_id: opts.replyTo, allow_sending_without_reply: true } }
    : {};
  for (const message of messages) {
    for (const { text, ...other } of renderMessage(message, ctx)) {
      try {
        await api.sendMessage(target, text, { ...other, ...replyTo });
      } catch (err) {
        throw toPlatformError(err, 'sendMessage');
      }
    }
  }
}

export interface TelegramProspectWiring {
  /** The core's handler, set by `adapter.start`. */
  handler: () => InboundHandler | undefined;
  logger: Logger;
}

/** Installs the prospect's updates on `bot`, as a composer of its own (the last one). */
export function registerTelegramProspects(bot: Composer<Context>, w: TelegramProspectWiring): void {
  const prospects = new Composer<Context>();
  const warn = (err: unknown, action: string) =>
    w.logger.warn({ err: toPlatformError(err, action).message }, 'telegram call failed; continuing');

  // A tick of a multiple-choice keyboard: the keyboard itself is the state; "Done" answers.
  prospects.callbackQuery(/^[tT]\|/, async (ctx) => {
    await ctx.answerCallbackQuery().catch((err) => warn(err, 'answerCallbackQuery'));
    const message = ctx.callbackQuery.message;
    if (!message || !('text' in message) || !message.reply_markup) return;
    await ctx.api
      .editMessageReplyMarkup(message.chat.id, message.message_id, {
        reply_markup: toggleKeyboard(message.reply_markup, ctx.callbackQuery.data),
      })
      .catch((err) => warn(err, 'editMessageReplyMarkup'));
  });

  prospects.use(async (ctx) => {
    const handler = w.handler();
    if (handler) await processUpdate(ctx, ctx.update, handler);
  });

  async function processUpdate(ctx: Context, update: Update, handler: InboundHandler): Promise<void> {
    const q = update.callback_query;
    if (q) await ctx.answerCallbackQuery().catch((err) => warn(err, 'answerCallbackQuery'));
    const event = toInboundEvent(update, { id: ctx.me.id, username: ctx.me.username });
    if (!event) return;
    w.logger.debug({ updateId: update.update_id, kind: event.kind, chatId: event.channelId }, 'inbound');
    const replies = await handler(event);
    if (q?.message && 'text' in q.message && q.message.text !== undefined) {
      // The press is committed: retire the keyboard, keeping what was picked visible.
      const text = answeredText(q.message.text, q.message.reply_markup, q.data ?? '');
      await ctx.api
        .editMessageText(q.message.chat.id, q.message.message_id, text, {
          link_preview_options: { is_disabled: true },
        })
        .catch((err) => warn(err, 'editMessageText'));
    }
    const inGroup = !event.isDirect;
    try {
      await sendReplies(ctx.api, ctx.me.username, event.channelId, replies, {
        ...(inGroup && update.message ? { replyTo: update.message.message_id } : {}),
        ...(inGroup ? { deepLinkPayload: `group_${event.channelId}` } : {}),
      });
    } catch (err) {
      // 403: the person blocked the bot (or the bot left the group). The answer is committed and
      // no retry can deliver the reply: not a failure of the update.
      if (!(err instanceof LeadbotError && err.cause instanceof GrammyError && err.cause.error_code === 403))
        throw err;
      w.logger.info({ chatId: event.channelId }, 'reply not delivered: the bot may not write to this chat');
    }
  }

  bot.use(prospects);
}
