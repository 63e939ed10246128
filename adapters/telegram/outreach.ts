/**
 * Invitations and intent offers on Telegram, as a grammY `Composer` placed before the
 * prospect's. Bots cannot open a DM on Telegram, so a consent prompt's Accept is a deep link:
 * the member starts the private chat themselves with `/start consent[_<managerId>]`
 * (`chatType('private').command('start')`), which accepts the invitation; "No thanks" is a
 * `callbackQuery`. Group messages (visible to the bot with privacy mode off) are read for intent
 * signals and answered with an offer. The rules are the core's use cases
 * (src/core/outreach/accept-invitation.ts, offer-on-intent.ts).
 */
import { Composer, type Context } from 'grammy';
import type { CommunityServices } from '../../src/core/community-services.ts';
import type { Place } from '../../src/core/events.ts';
import { acceptInvitation, CONSENT_TEXT, isInvitee } from '../../src/core/outreach/accept-invitation.ts';
import { offerOnIntent } from '../../src/core/outreach/offer-on-intent.ts';
import type { InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { parseConsentStart, toInboundEvent } from './inbound.ts';
import { telegramMemberKey } from './managers.ts';
import { DECLINE_PREFIX, renderConsentPrompt } from './outbound.ts';
import { sendReplies } from './prospects.ts';

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface TelegramOutreachWiring {
  services: CommunityServices;
  /** The core's handler, set by `adapter.start`. */
  handler: () => InboundHandler | undefined;
  logger: Logger;
}

/**
 * The group a consent deep link names, with its title (getChat,
 * https://core.telegram.org/bots/api#getchat), as the place the member came from. The payload
 * is typed by whoever sends `/start`, so a group the bot cannot see (left, or made up) is no
 * place: the lead's source stays the private chat rather than a bare id nobody can check.
 */
async function groupPlace(ctx: Context, groupId: number): Promise<Place | undefined> {
  const chat = await ctx.api.getChat(groupId).catch(() => null);
  if (!chat || chat.type === 'private') return undefined;
  const id = String(chat.id);
  return { workspaceId: id, channelId: id, ...(chat.title ? { workspaceName: chat.title } : {}) };
}

/** Installs consent answers and intent offers on `bot`, as a composer of its own. */
export function registerTelegramOutreach(bot: Composer<Context>, w: TelegramOutreachWiring): void {
  const { services } = w;
  const log = w.logger.child({ component: 'telegram-outreach' });
  const outreach = new Composer<Context>();

  // "No thanks": only the member the prompt names may answer it; the buttons then go away.
  outreach.callbackQuery(new RegExp(`^${escapeRegExp(DECLINE_PREFIX)}(\\d+)$`), async (ctx) => {
    const mine = isInvitee(ctx.match[1], String(ctx.from.id));
    await ctx
      .answerCallbackQuery({ text: mine ? CONSENT_TEXT.declined : CONSENT_TEXT.notYours })
      .catch(() => undefined);
    const prompt = ctx.callbackQuery.message;
    if (mine && prompt)
      await ctx.api.editMessageReplyMarkup(prompt.chat.id, prompt.message_id).catch(() => undefined);
  });

  // Accept: the member started the private chat through the prompt's deep link.
  outreach.chatType('private').command('start', async (ctx, next) => {
    const accepted = parseConsentStart(ctx.msg.text);
    const handle = w.handler();
    const start = toInboundEvent(ctx.update, { id: ctx.me.id, username: ctx.me.username });
    if (!accepted || !handle || start?.kind !== 'command') return next();
    const cameFrom = accepted.groupId === undefined ? undefined : await groupPlace(ctx, accepted.groupId);
    const result = await acceptInvitation(
      { ...services, handle },
      {
        member: telegramMemberKey(String(ctx.from.id)),
        ...(accepted.invitedBy ? { invitedBy: accepted.invitedBy } : {}),
        start: cameFrom ? { ...start, cameFrom } : start,
      },
    );
    if (result.outcome === 'accepted')
      await sendReplies(ctx.api, ctx.me.username, start.channelId, result.replies);
  });

  // Intent signals in groups; the message goes on to the prospect's composer either way.
  outreach.chatType(['group', 'supergroup']).on('message:text', async (ctx, next) => {
    const m = ctx.msg;
    const isCommand = m.entities?.some((e) => e.type === 'bot_command' && e.offset === 0);
    if (!m.from.is_bot && !isCommand) {
      try {
        const result = await offerOnIntent(services, {
          member: telegramMemberKey(String(m.from.id)),
          channelId: String(m.chat.id),
          text: m.text,
          eventId: String(ctx.update.update_id),
        });
        if (result.outcome === 'offer') {
          const { text, ...other } = renderConsentPrompt(
            String(m.from.id),
            result.text,
            ctx.me.username,
            undefined,
            m.chat.id,
          );
          await ctx.api.sendMessage(m.chat.id, text, other);
        }
      } catch (err) {
        log.warn({ error: errText(err) }, 'intent offer failed');
      }
    }
    await next();
  });

  bot.use(outreach);
}
