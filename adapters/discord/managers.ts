/**
 * Manager commands on Discord: `/leadbot <subcommand>` for community managers (members with
 * `DISCORD_MANAGER_ROLE_ID` or the Manage Server permission, as Discord reports them with each
 * interaction), answered ephemerally unless `public:true` (then posted in the channel), split within Discord's 2,000
 * characters the way `replyToManager` says; exports arrive as a CSV attachment; `qualify` is
 * followed by the consent prompt (outreach.ts answers its buttons). `/link` (and `/leadbot
 * link`) lets anyone link accounts: `/leadbot` itself is shown to Manage Server by default.
 */
import {
  type ChatInputCommandInteraction,
  DiscordAPIError,
  type Interaction,
  MessageFlags,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
} from 'discord.js';
import { answerLink } from '../../src/core/commands/link.ts';
import { type ManagerReply, replyToManager } from '../../src/core/commands/reply-to-manager.ts';
import type { CommandContext, ManagerPermissions } from '../../src/core/commands/types.ts';
import type { CommunityServices } from '../../src/core/community-services.ts';
import { LINK_TEXTS } from '../../src/core/outreach/person-handler.ts';
import type { IdentityKey } from '../../src/core/ports/index.ts';
import { type SpooledFile, spoolFile, tooLargeText } from '../shared/spool-file.ts';
import type { DiscordListeners } from './listen.ts';
import { LEADBOT_COMMAND, LINK_COMMAND, toManagerInput } from './manager-input.ts';
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

/**
 * Posts a public answer as channel messages. Not as follow-ups: after the ephemeral deferral the
 * first follow-up edits that deferred reply and keeps its ephemeral flag (Discord's rule for
 * deferred responses), so a "public" follow-up would be private and then deleted with it. Returns
 * false when the bot may not post in the channel (Missing Access / Permissions), so the answer is
 * given privately instead of being lost.
 */
async function postInChannel(
  i: ChatInputCommandInteraction,
  messages: { content: string; files?: { attachment: Buffer | string; name: string }[] }[],
): Promise<boolean> {
  try {
    const channel = i.channel ?? (await i.client.channels.fetch(i.channelId));
    if (!channel?.isSendable()) return false;
    for (const m of messages)
      await channel.send({ ...m, allowedMentions: NO_MENTIONS, flags: MessageFlags.SuppressEmbeds });
    return true;
  } catch (err) {
    if (err instanceof DiscordAPIError && CANNOT_POST.has(Number(err.code))) return false;
    throw err;
  }
}

/** Discord's codes for a channel the bot cannot see or post in. */
const CANNOT_POST = new Set<number>([
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.MissingPermissions,
]);

const NOT_POSTED = 'I cannot post in this channel (missing permission), so here is the answer privately.\n';

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
  const answerPrivately = async (texts: string[]) => {
    const [head = '', ...rest] = texts;
    await i.editReply(payload(head, true));
    for (const text of rest) await i.followUp({ ...payload(text, false), flags: flags(true) });
  };
  if (reply.private) {
    await answerPrivately([first, ...more]);
  } else if (
    await postInChannel(
      i,
      reply.texts.map((text, n) => payload(text, n === 0)),
    )
  ) {
    await i.deleteReply(); // the private acknowledgement has nothing left to say
  } else {
    const note = `${NOT_POSTED}${first}`;
    await answerPrivately(
      note.length <= DISCORD_REPLY_LIMITS.maxLength ? [note, ...more] : [NOT_POSTED, first, ...more],
    );
  }
  if (reply.prompt) {
    const { userId, text, invitedBy } = reply.prompt;
    await i.followUp(renderConsentPrompt(userId, text, discordInviter(invitedBy)));
  }
}

// `/leadbot close` is the handoff's (handoff.ts): it acts on the alert thread it is typed in.
const isLeadbotCommand = (i: Interaction): i is ChatInputCommandInteraction =>
  i.isChatInputCommand() &&
  (i.commandName === LEADBOT_COMMAND.name || i.commandName === LINK_COMMAND.name) &&
  i.options.getSubcommand(false) !== 'close';

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
    if (i.commandName === LINK_COMMAND.name || i.options.getSubcommand(false) === 'link') {
      // `/leadbot link [code]`: anyone, any place; the answer is private.
      const key = discordMemberKey(i.user.id);
      const text = await answerLink(services, key, i.options.getString('code'), LINK_TEXTS, {
        username: i.user.username,
      });
      await i.editReply({ content: escapeText(text), allowedMentions: NO_MENTIONS });
      return;
    }
    const input = toManagerInput(i);
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
