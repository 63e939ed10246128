/**
 * The handoff on Telegram, as a grammY `Composer` in the sales chat: a rep's text reply to a
 * sales alert goes to the lead (the core's relayRepMessage), and `/leadbot close` sent as a reply
 * to the alert ends the conversation (closeHandoff). The alert is named by the replied message
 * (`chatId:messageId`, the alert sink's externalRef). With privacy mode on — the default — a bot
 * in a group still receives replies to its own messages and commands addressed to it
 * (https://core.telegram.org/bots/features#privacy-mode), which is all this needs. What the core
 * refuses is answered in reply to the rep's message (Telegram has no message only one member
 * sees).
 */
import { Composer, type Context } from 'grammy';
import type { Logger } from '../../src/core/ports/index.ts';
import type { HandoffAct, HandoffActions } from '../shared/handoff.ts';
import { toPlatformError } from './errors.ts';

export interface TelegramHandoffWiring {
  actions: HandoffActions;
  /** `TELEGRAM_SALES_CHAT_ID`: only replies to its alerts are relayed. */
  salesChatId: string;
  logger: Logger;
}

/** What the rep is told when the core does not relay; absent: nothing to say. */
export const HANDOFF_REFUSALS: Record<string, string> = {
  not_claimed: 'Claim the lead first: only its owner can write to them from here.',
  unreachable: 'This lead has no private chat leadbot can write to (no chat account).',
  not_open: 'No conversation with this lead is open.',
};

const CLOSE = /^\/leadbot(@\w+)?\s+close\s*$/i;
const fullName = (u: { first_name: string; last_name?: string }) =>
  [u.first_name, u.last_name].filter(Boolean).join(' ');

/** Installs the listener on `bot` (after the alert buttons, before the manager commands). */
export function registerTelegramHandoff(bot: Composer<Context>, w: TelegramHandoffWiring): void {
  const log = w.logger.child({ component: 'telegram-handoff' });
  const sales = new Composer<Context>().filter((ctx) => String(ctx.chat?.id) === w.salesChatId);

  sales.on('message:text', async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    if (!replied || replied.from?.id !== ctx.me.id || !ctx.from || ctx.from.is_bot) return next();
    const close = CLOSE.exec(ctx.msg.text);
    // `/leadbot close@otherbot` is not ours; any other command is a manager's.
    if (close?.[1] && close[1].slice(1).toLowerCase() !== ctx.me.username.toLowerCase()) return next();
    if (!close && ctx.msg.text.startsWith('/')) return next();
    const act: HandoffAct = {
      alert: { sink: 'telegram', externalRef: `${ctx.chat.id}:${replied.message_id}` },
      rep: `telegram:${ctx.from.id}`,
      repName: fullName(ctx.from) || null,
      event: { platform: 'telegram', eventId: `handoff:${ctx.update.update_id}` },
    };
    // A failure of the core (the database away) propagates: the inbox retries the update.
    const { outcome } = close
      ? await w.actions.close(act)
      : await w.actions.relay({ ...act, text: ctx.msg.text });
    log.info({ outcome, alert: act.alert.externalRef }, 'rep reply to an alert');
    // A reply to another message of the bot (a relayed line, a prompt) is not about an alert.
    if (outcome === 'unknown_alert') return next();
    const refusal = HANDOFF_REFUSALS[outcome];
    if (!refusal) return;
    await ctx
      .reply(refusal, {
        reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
      })
      .catch((err) => log.warn({ err: toPlatformError(err, 'reply').message }, 'could not tell the rep'));
  });

  bot.use(sales);
}
