/**
 * Claim / Not a fit on a Telegram sales alert, as a grammY `Composer` placed first: each press
 * or reason becomes the input of a core use case (src/core/sales/claim-lead.ts,
 * reject-lead.ts), recorded with the update's own id so a redelivery changes nothing twice, and
 * the outcome is appended to the alert with its buttons removed. Telegram has no modals: Not a
 * fit posts a ForceReply prompt, and the reply to it is the reason.
 */
import { Composer, type Context } from 'grammy';
import type { CommunityServices } from '../../src/core/community-services.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { claimLead } from '../../src/core/sales/claim-lead.ts';
import { rejectLead } from '../../src/core/sales/reject-lead.ts';
import { clipEscaped } from '../../src/core/text-fit.ts';
import { ALERT_DATA, alertWithOutcome, notAFitPrompt, parseNotAFitPrompt } from './alert-render.ts';
import { toPlatformError } from './errors.ts';
import { neutralizeText, TELEGRAM_TEXT_LIMIT } from './outbound.ts';

export interface TelegramSalesWiring {
  services: Pick<CommunityServices, 'store' | 'leadEvents' | 'clock'>;
  /** The sales chat (`TELEGRAM_SALES_CHAT_ID`): alerts and reasons are only taken there. */
  salesChatId: string;
  logger: Logger;
}

const FAILED = 'That failed; see the bot log.';
/** How the owner talks with the lead from here (handoff.ts). */
export const HANDOFF_HINT =
  'Reply to this alert to write to the lead; reply /leadbot close to end the conversation.';
const nameOf = (u: { first_name: string; last_name?: string; username?: string }) =>
  u.username ? `@${u.username}` : [u.first_name, u.last_name].filter(Boolean).join(' ');

/** Installs the alert's buttons and the reason replies on `bot` (before every other composer). */
export function registerTelegramSales(bot: Composer<Context>, w: TelegramSalesWiring): void {
  const log = w.logger.child({ component: 'telegram-sales' });
  const sales = new Composer<Context>().filter((ctx) => String(ctx.chat?.id) === w.salesChatId);
  const warn = (err: unknown, action: string) =>
    log.warn({ err: toPlatformError(err, action).message }, 'telegram call failed; continuing');

  /** Appends the outcome to the alert and drops its buttons. */
  async function settle(ctx: Context, messageId: number, text: string | undefined, outcome: string) {
    if (text === undefined) return;
    await ctx.api
      .editMessageText(Number(w.salesChatId), messageId, alertWithOutcome(text, outcome), {
        link_preview_options: { is_disabled: true },
      })
      .catch((err) => warn(err, 'editMessageText'));
  }

  sales.callbackQuery(new RegExp(`^${ALERT_DATA.claim}`), async (ctx) => {
    const q = ctx.callbackQuery;
    const leadId = q.data.slice(ALERT_DATA.claim.length);
    const rep = `telegram:${q.from.id}`;
    const event = { platform: 'telegram', eventId: `alert:${ctx.update.update_id}` };
    let result: Awaited<ReturnType<typeof claimLead>>;
    try {
      result = await claimLead(w.services, { leadId, rep, event });
    } catch (err) {
      log.error({ leadId, err: toPlatformError(err, 'claim').message }, 'claim failed');
      return void (await ctx.answerCallbackQuery({ text: FAILED }).catch((e) => warn(e, 'answer')));
    }
    if (result.outcome === 'not_found')
      return void (await ctx
        .answerCallbackQuery({ text: 'This lead no longer exists.' })
        .catch((e) => warn(e, 'answer')));
    if (result.outcome === 'claimed') log.info({ leadId, owner: rep }, 'lead claimed');
    await ctx.answerCallbackQuery({ text: 'Claimed.' }).catch((e) => warn(e, 'answer'));
    const m = q.message;
    if (m && 'text' in m)
      await settle(ctx, m.message_id, m.text, `✅ Claimed by ${nameOf(q.from)}\n${HANDOFF_HINT}`);
  });

  sales.callbackQuery(new RegExp(`^${ALERT_DATA.notAFit}`), async (ctx) => {
    const q = ctx.callbackQuery;
    await ctx.answerCallbackQuery().catch((e) => warn(e, 'answer'));
    if (!q.message) return;
    const { text, reply_markup } = notAFitPrompt(
      q.data.slice(ALERT_DATA.notAFit.length),
      q.message.message_id,
    );
    await ctx.api.sendMessage(Number(w.salesChatId), text, {
      reply_markup,
      reply_parameters: { message_id: q.message.message_id, allow_sending_without_reply: true },
    });
  });

  // The reason: a text reply to one of the bot's prompts.
  sales.on('message:text', async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    const prompt = replied?.from?.id === ctx.me.id ? parseNotAFitPrompt(replied.text) : null;
    if (!prompt || !ctx.from || ctx.from.is_bot) return next();
    const rep = `telegram:${ctx.from.id}`;
    const event = { platform: 'telegram', eventId: `alert:${ctx.update.update_id}` };
    let result: Awaited<ReturnType<typeof rejectLead>>;
    try {
      result = await rejectLead(w.services, { leadId: prompt.leadId, rep, reason: ctx.msg.text, event });
    } catch (err) {
      log.error(
        { leadId: prompt.leadId, err: toPlatformError(err, 'not a fit').message },
        'not-a-fit failed',
      );
      return void (await ctx.reply(FAILED));
    }
    const replyTo = {
      reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
    };
    if (result.outcome === 'reason_required') {
      const again = notAFitPrompt(prompt.leadId, prompt.alertMessageId);
      return void (await ctx.reply(again.text, { reply_markup: again.reply_markup, ...replyTo }));
    }
    if (result.outcome === 'not_found') return void (await ctx.reply('This lead no longer exists.', replyTo));
    if (result.outcome === 'replayed') return;
    if (result.outcome === 'rejected')
      log.info({ leadId: prompt.leadId, actor: rep }, 'lead marked not a fit');
    // The alert's text is not in this update (a reply carries one level only): its buttons go,
    // and the outcome is said in reply to it.
    await ctx.api
      .editMessageReplyMarkup(Number(w.salesChatId), prompt.alertMessageId)
      .catch((err) => warn(err, 'editMessageReplyMarkup'));
    const outcome = `❌ Not a fit, per ${nameOf(ctx.from)}: ${result.reason}`;
    await ctx.reply(clipEscaped(outcome, TELEGRAM_TEXT_LIMIT, neutralizeText), {
      reply_parameters: { message_id: prompt.alertMessageId, allow_sending_without_reply: true },
    });
  });

  bot.use(sales);
}
