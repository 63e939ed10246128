/**
 * Manager commands on Discord: `/leadbot <subcommand>` for community managers (members with
 * `DISCORD_MANAGER_ROLE_ID` or the Manage Server permission, as Discord reports them with each
 * interaction), answered ephemerally unless `public:true`, split within Discord's 2,000
 * characters the way `replyToManager` says; exports arrive as a CSV attachment; `qualify` is
 * followed by the consent prompt (outreach.ts answers its buttons). `/leadbot link` lets anyone
 * link accounts.
 */
import {
  type ChatInputCommandInteraction,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { answerLink } from '../../src/core/commands/link.ts';
import { type ManagerReply, replyToManager } from '../../src/core/commands/reply-to-manager.ts';
import type { CommandContext, ManagerPermissions } from '../../src/core/commands/types.ts';
import type { CommunityServices } from '../../src/core/community-services.ts';
import { LINK_TEXTS } from '../../src/core/outreach/person-handler.ts';
import type { IdentityKey } from '../../src/core/ports/index.ts';
import { type SpooledFile, spoolFile, tooLargeText } from '../shared/spool-file.ts';
import type { DiscordListeners } from './listen.ts';
import { LEADBOT_COMMAND, toManagerInput } from './manager-input.ts';
import {
  DISCORD_REPLY_LIMITS,
  discordInviter,
  escapeText,
  NO_MENTIONS,
  renderConsentPrompt,
} from './outbound.ts';

/** Discord's default upload limit per file for bots: 10 MiB (larger in boosted servers only). */
const DISCORD_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** Discord user ids are global: a member is one identity whatever the server (see inbound.ts). */
export const discordMemberKey = (userId: string): IdentityKey => ({
  platform: 'discord',
  workspaceId: '',
  userId,
});

/**
 * Managers are decided per interaction: Discord sends the member's roles and permissions with
 * it, so the adapter reads them into the command context (`manager`) before the commands run.
 */
export const discordPermissions: ManagerPermissions = {
  async isManager(ctx) {
    return ctx.manager === true;
  },
};

/** What the permission check reads from an interaction (discord.js objects fit as they are). */
export interface MemberView {
  guildId: string | null;
  memberPermissions: { has(bit: bigint): boolean } | null;
  member: { roles: string[] | { cache: { has(id: string): boolean } } } | null;
}

/** Manage Server, or the configured manager role; never in DMs (no member there). */
export function isDiscordManager(i: MemberView, roleId: string | undefined): boolean {
  if (i.guildId === null || !i.member) return false;
  if (i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) return true;
  if (!roleId) return false;
  const roles = i.member.roles;
  return Array.isArray(roles) ? roles.includes(roleId) : roles.cache.has(roleId);
}

const flags = (ephemeral: boolean) => MessageFlags.SuppressEmbeds | (ephemeral ? MessageFlags.Ephemeral : 0);

async function deliver(i: ChatInputCommandInteraction, reply: ManagerReply): Promise<void> {
  const file = reply.file ? await spoolFile(reply.file) : null;
  try {
    await deliverWith(i, reply, file);
  } finally {
    await file?.dispose();
  }
}

async function deliverWith(
  i: ChatInputCommandInteraction,
  given: ManagerReply,
  file: SpooledFile | null,
): Promise<void> {
  // Over the cap the words replace the file (the file stays on disk only until then).
  const tooLarge = file !== null && file.bytes > DISCORD_ATTACHMENT_LIMIT;
  const reply = tooLarge
    ? { ...given, texts: [...given.texts, tooLargeText(file.bytes, DISCORD_ATTACHMENT_LIMIT, 'Discord')] }
    : given;
  const files = file && !tooLarge ? [{ attachment: file.path, name: file.filename }] : [];
  const payload = (content: string, withFiles: boolean) => ({
    content,
    allowedMentions: NO_MENTIONS,
    ...(withFiles && files.length ? { files } : {}),
  });
  const [first = '', ...more] = reply.texts;
  if (reply.private) {
    await i.editReply(payload(first, true));
    for (const text of more) await i.followUp({ ...payload(text, false), flags: flags(true) });
  } else {
    // The acknowledgement was private; the answer itself goes to the channel.
    for (const [n, text] of reply.texts.entries())
      await i.followUp({ ...payload(text, n === 0), flags: flags(false) });
    await i.deleteReply();
  }
  if (reply.prompt) {
    const { userId, text, invitedBy } = reply.prompt;
    await i.followUp(renderConsentPrompt(userId, text, discordInviter(invitedBy)));
  }
}

const isLeadbotCommand = (i: Interaction): i is ChatInputCommandInteraction =>
  i.isChatInputCommand() && i.commandName === LEADBOT_COMMAND.name;

/** Registers `/leadbot`; without community services (no store) it says what is missing. */
export function registerDiscordManagers(
  listen: DiscordListeners,
  w: { services: CommunityServices | null; managerRoleId?: string },
): void {
  listen.interaction(isLeadbotCommand, async (i) => {
    const services = w.services;
    if (!services) {
      await i.reply({ content: 'Manager commands need a database.', flags: MessageFlags.Ephemeral });
      return;
    }
    // Acknowledged privately at once (3-second deadline), then answered.
    await i.deferReply({ flags: MessageFlags.Ephemeral });
    const input = toManagerInput(i);
    if (input.sub === 'link') {
      // `/leadbot link [code]`: anyone, any place; the answer is private.
      const key = discordMemberKey(i.user.id);
      const text = await answerLink(services, key, i.options.getString('code'), LINK_TEXTS, {
        username: i.user.username,
      });
      await i.editReply({ content: escapeText(text), allowedMentions: NO_MENTIONS });
      return;
    }
    const ctx: CommandContext = {
      platform: 'discord',
      workspaceId: i.guildId ?? '',
      channelId: i.channelId,
      userId: i.user.id,
      isDirect: i.guildId === null,
      memberKey: discordMemberKey,
      manager: isDiscordManager(i, w.managerRoleId),
    };
    await deliver(i, replyToManager(await services.managerCommands.run(input, ctx), DISCORD_REPLY_LIMITS));
  });
}
