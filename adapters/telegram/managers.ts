/**
 * Manager commands on Telegram, as a grammY `Composer` placed before the prospect's: the
 * `/leadbot <sub>` command (grammY's `command` filter: `/leadbot` or `/leadbot@<this bot>`) from
 * managers — listed user ids, or administrators of `TELEGRAM_MANAGER_CHAT_ID`. Replies go out the
 * way `replyToManager` says, split within Telegram's 4,096 characters: private ones to the
 * manager's DM, public ones to the chat; a `qualify` is followed by the consent prompt.
 */
import { createReadStream } from 'node:fs';
import { type Api, Composer, type Context, GrammyError, InputFile } from 'grammy';
import {
  COMMAND_FAILED_TEXT,
  type ManagerReply,
  replyToManager,
} from '../../src/core/commands/reply-to-manager.ts';
import type { CommandContext, ManagerPermissions } from '../../src/core/commands/types.ts';
import type { CommunityServices } from '../../src/core/community-services.ts';
import type { IdentityKey, Logger } from '../../src/core/ports/index.ts';
import { spoolFile, tooLargeText } from '../shared/spool-file.ts';
import { LEADBOT_COMMAND, toManagerInput } from './manager-input.ts';
import { renderConsentPrompt, TELEGRAM_REPLY_LIMITS } from './outbound.ts';

/** Bot API sendDocument: "Bots can currently send files of any type of up to 50 MB in size". */
const TELEGRAM_DOCUMENT_LIMIT = 50 * 1024 * 1024;

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Telegram user ids are global: a member is one identity whatever the chat. */
export const telegramMemberKey = (userId: string): IdentityKey => ({
  platform: 'telegram',
  workspaceId: '',
  userId,
});

/** Said in the group when a private reply could not be delivered (the manager never started the bot). */
export const OPEN_PRIVATE_CHAT =
  'Please open a private chat with me (press Start) so I can answer you privately.';

/** Managers: listed user ids, or administrators of the manager chat. */
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

export interface TelegramManagerWiring {
  services: CommunityServices;
  logger: Logger;
}

/** Installs the manager command on `bot`, as a composer of its own (before the prospect's). */
export function registerTelegramManagers(bot: Composer<Context>, w: TelegramManagerWiring): void {
  const log = w.logger.child({ component: 'telegram-managers' });
  const managers = new Composer<Context>();

  async function deliver(
    ctx: Context,
    reply: ManagerReply,
    cctx: CommandContext,
    chatId: number,
  ): Promise<void> {
    const target = reply.private ? Number(cctx.userId) : chatId;
    try {
      for (const text of reply.texts)
        await ctx.api.sendMessage(target, text, { link_preview_options: { is_disabled: true } });
      if (reply.file) {
        const file = await spoolFile(reply.file);
        try {
          if (file.bytes > TELEGRAM_DOCUMENT_LIMIT)
            await ctx.api.sendMessage(target, tooLargeText(file.bytes, TELEGRAM_DOCUMENT_LIMIT, 'Telegram'));
          // grammY streams a ReadStream into the multipart body: the file never sits in memory.
          else await ctx.api.sendDocument(target, new InputFile(createReadStream(file.path), file.filename));
        } finally {
          await file.dispose();
        }
      }
    } catch (err) {
      // Only a 403 means the bot may not write to the manager (never started, or blocked it);
      // anything else is a failure of ours, said as such rather than blamed on the manager.
      const forbidden = err instanceof GrammyError && err.error_code === 403;
      log.warn({ error: errText(err), forbidden }, 'manager reply failed');
      if (target !== chatId)
        await ctx.api.sendMessage(chatId, forbidden ? OPEN_PRIVATE_CHAT : COMMAND_FAILED_TEXT);
    }
    if (reply.prompt) {
      const { userId, text, invitedBy } = reply.prompt;
      // The prompt's deep link names the group it is posted in: the lead's source (outreach.ts).
      const group = ctx.chat?.type === 'private' ? undefined : chatId;
      const { text: body, ...other } = renderConsentPrompt(userId, text, ctx.me.username, invitedBy, group);
      await ctx.api.sendMessage(chatId, body, other);
    }
  }

  managers.command(LEADBOT_COMMAND, async (ctx) => {
    const m = ctx.msg;
    if (!m.from || m.from.is_bot) return;
    const input = toManagerInput(m, ctx.me.username);
    if (!input) return;
    const cctx: CommandContext = {
      platform: 'telegram',
      workspaceId: m.chat.type === 'private' ? '' : String(m.chat.id),
      channelId: String(m.chat.id),
      userId: String(m.from.id),
      isDirect: m.chat.type === 'private',
      memberKey: telegramMemberKey,
    };
    try {
      const reply = await w.services.managerCommands.run(input, cctx);
      await deliver(ctx, replyToManager(reply, TELEGRAM_REPLY_LIMITS), cctx, m.chat.id);
    } catch (err) {
      log.error({ sub: input.sub, error: errText(err) }, 'manager command failed');
    }
  });

  bot.use(managers);
}
