/**
 * Manager commands and outreach on Discord: `/leadbot <subcommand>` for community managers
 * (members with `DISCORD_MANAGER_ROLE_ID` or the Manage Server permission), answered
 * ephemerally unless `public:true`; exports arrive as a CSV attachment. `qualify` posts a
 * consent prompt addressed to the member with Accept / No thanks buttons only they can use; the
 * DM opens only when they accept. Intent offers answer public messages (only readable with the
 * Message Content intent). `/leadbot link` lets anyone link accounts; `stop`, `forget me` and
 * `link <code>` in DMs go through the kit's person commands like every DM.
 */
import {
  type ButtonInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  ComponentType,
  type Message,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { collect } from '../../src/core/commands/export-csv.ts';
import type { ManagerKit } from '../../src/core/commands/kit.ts';
import { issueLinkCode, redeemLinkCode } from '../../src/core/commands/link.ts';
import type { CommandContext, CommandReply, ManagerPermissions } from '../../src/core/commands/types.ts';
import { CONSENT_TEXT, considerOffer } from '../../src/core/outreach/offer.ts';
import { PERSON_TEXT } from '../../src/core/outreach/person-handler.ts';
import type { IdentityKey, InboundHandler, Logger } from '../../src/core/ports/index.ts';
import { encodeCustomId } from './custom-ids.ts';
import { isDmClosed } from './errors.ts';
import { toManagerInput } from './manager-input.ts';
import { escapeText, LIMITS, NO_MENTIONS, renderMessage, truncate } from './outbound.ts';

/** Discord user ids are global: a member is one identity whatever the server (see inbound.ts). */
export const discordMemberKey = (userId: string): IdentityKey => ({
  platform: 'discord',
  workspaceId: '',
  userId,
});

/** A command context that carries the permission Discord computed for this interaction. */
interface DiscordCommandContext extends CommandContext {
  manager: boolean;
}

/** Managers are decided per interaction (role or Manage Server), before the layer runs. */
export const discordPermissions: ManagerPermissions = {
  async isManager(ctx) {
    return (ctx as Partial<DiscordCommandContext>).manager === true;
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

/** Splits escaped text into messages within Discord's limit, at line breaks where possible. */
export function chunkText(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (const line of escapeText(text).split('\n')) {
    const next = current === '' ? line : `${current}\n${line}`;
    if (Array.from(next).length <= LIMITS.content) current = next;
    else {
      if (current !== '') out.push(current);
      current = truncate(line, LIMITS.content);
    }
  }
  out.push(current);
  return out;
}

/**
 * The consent prompt: the invited member is named (and pinged, deliberately), nobody else.
 * `invitedBy` (the inviting manager's Discord user id) rides in the buttons' custom ids.
 */
export function consentPayload(userId: string, text: string, invitedBy?: string) {
  const button = (accept: boolean, label: string, style: ButtonStyle.Primary | ButtonStyle.Secondary) => ({
    type: ComponentType.Button as const,
    custom_id: encodeCustomId({ kind: 'consent', accept, userId, ...(invitedBy ? { invitedBy } : {}) }),
    label,
    style,
  });
  return {
    content: `<@${userId}> ${escapeText(text)}`,
    components: [
      {
        type: ComponentType.ActionRow as const,
        components: [
          button(true, 'Yes, message me', ButtonStyle.Primary),
          button(false, 'No thanks', ButtonStyle.Secondary),
        ],
      },
    ],
    allowedMentions: { parse: [] as [], users: [userId], repliedUser: false },
    flags: MessageFlags.SuppressEmbeds as const,
  };
}

export interface DiscordManagerWiring {
  kit: ManagerKit;
  handler: () => InboundHandler | null;
  managerRoleId?: string;
  logger: Logger;
}

async function deliver(i: ChatInputCommandInteraction, reply: CommandReply): Promise<void> {
  const parts = chunkText(reply.text);
  const files = reply.file
    ? [{ attachment: await collect(reply.file.chunks()), name: reply.file.filename }]
    : [];
  const payload = (content: string, withFiles: boolean) => ({
    content,
    allowedMentions: NO_MENTIONS,
    ...(withFiles && files.length ? { files } : {}),
  });
  if (reply.private) {
    await i.editReply(payload(parts[0]!, true));
    for (const p of parts.slice(1)) await i.followUp({ ...payload(p, false), flags: flags(true) });
  } else {
    // The acknowledgement was private; the answer itself goes to the channel.
    for (const [n, p] of parts.entries()) await i.followUp({ ...payload(p, n === 0), flags: flags(false) });
    await i.deleteReply();
  }
  if (reply.prompt)
    await i.followUp(
      consentPayload(reply.prompt.userId, reply.prompt.text, discordInviter(reply.prompt.invitedBy)),
    );
}

/** `/leadbot link [code]`: anyone, any place; the answer is private. */
async function link(i: ChatInputCommandInteraction, kit: ManagerKit): Promise<string> {
  const key = discordMemberKey(i.user.id);
  const code = i.options.getString('code');
  if (!code) {
    const issued = await issueLinkCode(kit, key);
    return issued ? PERSON_TEXT.linkCode(issued) : PERSON_TEXT.linkNoLead;
  }
  const result = await redeemLinkCode(kit, key, code, { username: i.user.username });
  return {
    linked: PERSON_TEXT.linked,
    already: PERSON_TEXT.linkAlready,
    invalid: PERSON_TEXT.linkInvalid,
    conflict: PERSON_TEXT.linkConflict,
  }[result];
}

/** Runs one `/leadbot` command: acknowledged privately at once, then answered. */
export async function handleManagerCommand(
  i: ChatInputCommandInteraction,
  w: DiscordManagerWiring,
): Promise<void> {
  await i.deferReply({ flags: MessageFlags.Ephemeral });
  const input = toManagerInput(i);
  if (input.sub === 'link') {
    await i.editReply({ content: escapeText(await link(i, w.kit)), allowedMentions: NO_MENTIONS });
    return;
  }
  const ctx: DiscordCommandContext = {
    platform: 'discord',
    workspaceId: i.guildId ?? '',
    channelId: i.channelId,
    userId: i.user.id,
    isDirect: i.guildId === null,
    memberKey: discordMemberKey,
    manager: isDiscordManager(i as unknown as MemberView, w.managerRoleId),
  };
  await deliver(i, await w.kit.layer.run(input, ctx));
}

/** The Discord user id inside a `discord:<id>` inviter; other platforms' inviters are not carried. */
export function discordInviter(invitedBy: string | undefined): string | undefined {
  const m = /^discord:(\d{1,21})$/.exec(invitedBy ?? '');
  return m ? m[1] : undefined;
}

/** Accept / No thanks on a consent prompt. */
export async function handleConsentClick(
  i: ButtonInteraction,
  id: { accept: boolean; userId: string; invitedBy?: string },
  w: DiscordManagerWiring,
): Promise<void> {
  if (i.user.id !== id.userId) {
    await i.reply({ content: escapeText(CONSENT_TEXT.notYours), flags: flags(true) });
    return;
  }
  const note = escapeText(id.accept ? CONSENT_TEXT.accepted : CONSENT_TEXT.declined);
  // The buttons go away at once, so the prompt cannot be answered twice.
  await i.update({
    content: truncate(`${i.message.content}\n\n${note}`, LIMITS.content),
    components: [],
    allowedMentions: NO_MENTIONS,
  });
  const handler = w.handler();
  if (!id.accept || !handler) return;
  const key = discordMemberKey(i.user.id);
  await w.kit.gate.optIn(key);
  const dm = await i.user.createDM();
  const replies = await handler({
    kind: 'command',
    name: 'start',
    args: [],
    platform: 'discord',
    workspaceId: '',
    channelId: dm.id,
    userId: i.user.id,
    username: i.user.username,
    isDirect: true,
    eventId: `consent:${i.id}`,
  });
  await w.kit.gate.consent(key, id.invitedBy ? `discord:${id.invitedBy}` : undefined);
  try {
    for (const r of replies) await dm.send(renderMessage(r, 'dm'));
  } catch (err) {
    if (!isDmClosed(err)) throw err;
    w.logger.info({ userId: i.user.id }, 'DMs closed (50007): consent flow continues in ephemeral replies');
    for (const r of replies) await i.followUp(renderMessage(r, 'ephemeral'));
  }
}

/**
 * An intent signal in a public message (readable only with the Message Content intent):
 * the offer is posted as a reply with the consent buttons, if the outreach gate allows.
 */
export async function considerIntent(message: Message, w: DiscordManagerWiring): Promise<void> {
  if (message.guildId === null || message.author.bot || message.webhookId || message.system) return;
  const offer = await considerOffer(
    w.kit.gate,
    discordMemberKey(message.author.id),
    message.channelId,
    message.content,
  );
  const considered = (offered: boolean) =>
    w.logger.debug({ channelId: message.channelId, offered }, 'intent considered');
  if (!offer) return considered(false);
  const { content, components, flags: f } = consentPayload(message.author.id, offer.text);
  // A reply shows which message it answers; no ping (the person is writing right now).
  await message.reply({ content, components, flags: f, allowedMentions: NO_MENTIONS });
  await w.kit.gate.record(offer.person, 'offer', 'discord', message.channelId);
  considered(true);
}
