/**
 * Manager commands and outreach on Telegram, as grammY middleware placed before the
 * adapter's own: `/leadbot <sub>` from managers (listed user ids, or administrators of
 * `TELEGRAM_MANAGER_CHAT_ID`); private replies go to the manager's DM. Members are named by
 * replying to their message, by a text mention, or as `@<numeric id>`. Bots cannot open a DM
 * on Telegram, so the consent prompt's Accept button is a deep link: the member starts the
 * private chat themselves (`/start consent`), which records their consent.
 */
import { type Api, type Context, InputFile, type MiddlewareFn } from 'grammy';
import type { Message, MessageEntity } from 'grammy/types';
import { collect } from '../../src/core/commands/export-csv.ts';
import type { ManagerKit } from '../../src/core/commands/kit.ts';
import type {
  CommandArg,
  CommandContext,
  CommandReply,
  ManagerPermissions,
} from '../../src/core/commands/types.ts';
import { CONSENT_TEXT, considerOffer } from '../../src/core/outreach/offer.ts';
import type { Logger } from '../../src/core/ports/index.ts';

export const CONSENT_PAYLOAD = 'consent';

/**
 * The deep-link payload of an Accept button: `consent`, or `consent_<managerId>` after a
 * manager's `qualify` so the start itself says whom to credit (payloads allow [A-Za-z0-9_-]).
 */
export function consentStartPayload(invitedBy?: string): string {
  const m = /^telegram:(\d{1,20})$/.exec(invitedBy ?? '');
  return m ? `${CONSENT_PAYLOAD}_${m[1]}` : CONSENT_PAYLOAD;
}

/** Reads a private `/start consent[_<managerId>]` back; null for any other text. */
export function parseConsentStart(text: string | undefined): { invitedBy?: string } | null {
  const m = /^\/start(?:@\w+)?\s+consent(?:_(\d{1,20}))?$/.exec(text ?? '');
  if (!m) return null;
  return m[1] ? { invitedBy: `telegram:${m[1]}` } : {};
}
const DECLINE_PREFIX = 'lbc:d:';
const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function telegramPermissions(
  api: Api,
  managers: string[],
  managerChatId: string | undefined,
): ManagerPermissions {
  return {
    async isManager(ctx) {
      if (managers.includes(ctx.userId)) return true;
      if (!managerChatId) return false;
      try {
        const m = await api.getChatMember(Number(managerChatId), Number(ctx.userId));
        return m.status === 'administrator' || m.status === 'creator';
      } catch {
        return false;
      }
    },
  };
}

/** The manager command of a message (`/leadbot sub args`), or null. Pure. */
export function toManagerInput(m: Message, botUsername: string): { sub: string; args: CommandArg[] } | null {
  const text = m.text ?? '';
  const entities: MessageEntity[] = m.entities ?? [];
  const head = /^\/leadbot(@\w+)?(\s|$)/i.exec(text);
  if (!head || (head[1] && head[1].slice(1).toLowerCase() !== botUsername.toLowerCase())) return null;
  const args: CommandArg[] = [];
  let sub = '';
  for (const match of text.slice(head[0].length).matchAll(/\S+/g)) {
    const offset = head[0].length + match.index;
    const mention = entities.find((e) => e.type === 'text_mention' && e.offset === offset);
    const token = match[0];
    if (sub === '' && !mention) {
      sub = token.toLowerCase();
      continue;
    }
    if (mention && mention.type === 'text_mention')
      args.push({ kind: 'member', userId: String(mention.user.id), raw: token });
    else if (/^@\d+$/.test(token)) args.push({ kind: 'member', userId: token.slice(1), raw: token });
    else args.push({ kind: 'text', value: token });
  }
  const replied = m.reply_to_message?.from;
  if (replied && !replied.is_bot && !args.some((a) => a.kind === 'member'))
    args.unshift({ kind: 'member', userId: String(replied.id) });
  return { sub, args };
}

export function telegramManagerMiddleware(opts: {
  kit: ManagerKit;
  api: Api;
  logger: Logger;
}): MiddlewareFn<Context> {
  const { kit, api } = opts;
  const log = opts.logger.child({ component: 'telegram-managers' });
  const memberKey = (userId: string) => ({ platform: 'telegram' as const, workspaceId: '', userId });

  async function deliver(reply: CommandReply, ctx: CommandContext, chatId: number): Promise<void> {
    const target = reply.private ? Number(ctx.userId) : chatId;
    try {
      await api.sendMessage(target, reply.text, { link_preview_options: { is_disabled: true } });
      if (reply.file) {
        const data = await collect(reply.file.chunks());
        await api.sendDocument(target, new InputFile(data, reply.file.filename));
      }
    } catch (err) {
      log.warn({ error: errText(err) }, 'private reply failed');
      if (target !== chatId)
        await api.sendMessage(
          chatId,
          'Please open a private chat with me (press Start) so I can answer you privately.',
        );
    }
    if (reply.prompt)
      await postPrompt(chatId, reply.prompt.userId, reply.prompt.text, reply.prompt.invitedBy);
  }

  async function postPrompt(chatId: number, userId: string, text: string, invitedBy?: string): Promise<void> {
    const label = '@member';
    const me = await api.getMe().catch(() => null);
    const username = me?.username ?? '';
    await api.sendMessage(chatId, `${label} ${text}`, {
      // A mention built from the id the manager chose; the text itself is plain (no parse_mode).
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
              url: `https://t.me/${username}?start=${consentStartPayload(invitedBy)}`,
            },
          ],
          [{ text: 'No thanks', callback_data: `${DECLINE_PREFIX}${userId}` }],
        ],
      },
    });
  }

  return async (ctx, next) => {
    const m = ctx.message;
    const q = ctx.callbackQuery;
    if (q?.data?.startsWith(DECLINE_PREFIX)) {
      const mine = q.data.slice(DECLINE_PREFIX.length) === String(q.from.id);
      await api
        .answerCallbackQuery(q.id, { text: mine ? CONSENT_TEXT.declined : CONSENT_TEXT.notYours })
        .catch(() => undefined);
      if (mine && q.message)
        await api.editMessageReplyMarkup(q.message.chat.id, q.message.message_id).catch(() => undefined);
      return;
    }
    if (!m?.from || m.from.is_bot) return next();
    const input = toManagerInput(m, ctx.me.username);
    if (input) {
      const cctx: CommandContext = {
        platform: 'telegram',
        workspaceId: m.chat.type === 'private' ? '' : String(m.chat.id),
        channelId: String(m.chat.id),
        userId: String(m.from.id),
        isDirect: m.chat.type === 'private',
        memberKey,
      };
      try {
        await deliver(await kit.layer.run(input, cctx), cctx, m.chat.id);
      } catch (err) {
        log.error({ sub: input.sub, error: errText(err) }, 'manager command failed');
      }
      return;
    }
    const key = memberKey(String(m.from.id));
    const accepted = m.chat.type === 'private' ? parseConsentStart(m.text) : null;
    if (accepted) {
      await kit.gate.optIn(key);
      await next();
      await kit.gate.consent(key, accepted.invitedBy);
      return;
    }
    const isCommand = m.entities?.some((e) => e.type === 'bot_command' && e.offset === 0);
    if (m.chat.type !== 'private' && m.text && !isCommand) {
      // Intent signals in groups (visible to the bot with privacy mode off).
      try {
        const offer = await considerOffer(kit.gate, key, String(m.chat.id), m.text);
        if (offer) {
          await postPrompt(m.chat.id, String(m.from.id), offer.text);
          await kit.gate.record(offer.person, 'offer', 'telegram', String(m.chat.id));
        }
      } catch (err) {
        log.warn({ error: errText(err) }, 'intent offer failed');
      }
    }
    return next();
  };
}
