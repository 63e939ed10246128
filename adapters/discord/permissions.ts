/**
 * Discord permissions as `leadbot setup` and `leadbot doctor` need them, without the SDK (pure):
 * the named flags the bot needs, the invite URL's permissions integer computed from them, and
 * a member's permissions in a channel computed the way Discord documents it (base permissions
 * from @everyone and the member's roles, then the channel's overwrites: @everyone, roles,
 * member; https://discord.com/developers/docs/topics/permissions#permission-overwrites).
 */

/** Permission bits (https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags). */
export const DISCORD_PERMISSION_BITS = {
  Administrator: 1n << 3n,
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  AddReactions: 1n << 6n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

export type PermissionName = keyof typeof DISCORD_PERMISSION_BITS;

/** What the bot needs, and why (printed by setup, checked by doctor). */
export const NEEDED_PERMISSIONS: readonly { name: PermissionName; why: string }[] = [
  { name: 'ViewChannel', why: 'see the channels it answers in and the sales channel' },
  { name: 'SendMessages', why: 'answer mentions, post sales alerts and consent prompts' },
  { name: 'SendMessagesInThreads', why: "answer a mention inside a thread; post in a sales alert's thread" },
  {
    name: 'CreatePublicThreads',
    why: 'start the thread on a sales alert where a rep talks with the prospect',
  },
  { name: 'AddReactions', why: "mark a rep's reply in an alert's thread as sent to the prospect" },
  { name: 'EmbedLinks', why: 'sales alerts are embeds' },
  { name: 'AttachFiles', why: '/leadbot export public:true posts the CSV' },
  { name: 'ReadMessageHistory', why: 'the alert sink looks for an alert it already posted' },
];

/**
 * What the sales channel needs: alerts (post, embed, find an earlier post) and their threads
 * (start one, post the prospect's messages, mark a rep's relayed reply).
 */
export const SALES_CHANNEL_PERMISSIONS: readonly PermissionName[] = [
  'ViewChannel',
  'SendMessages',
  'EmbedLinks',
  'ReadMessageHistory',
  'CreatePublicThreads',
  'SendMessagesInThreads',
  'AddReactions',
];

/** The invite's permissions integer: the OR of the named flags. */
export function permissionsInteger(names: readonly PermissionName[]): bigint {
  return names.reduce((n, name) => n | DISCORD_PERMISSION_BITS[name], 0n);
}

/** The names of `needed` that `have` lacks. */
export function missingPermissions(have: bigint, needed: readonly PermissionName[]): PermissionName[] {
  return needed.filter((name) => (have & DISCORD_PERMISSION_BITS[name]) === 0n);
}

export interface Overwrite {
  id: string;
  /** 0 role, 1 member. */
  type: number;
  allow: string;
  deny: string;
}

/** A member's permissions in a channel of a guild. */
export function channelPermissions(input: {
  guildId: string;
  ownerId: string;
  userId: string;
  roles: readonly { id: string; permissions: string }[];
  memberRoles: readonly string[];
  overwrites: readonly Overwrite[];
}): bigint {
  const ALL = (1n << 64n) - 1n;
  if (input.userId === input.ownerId) return ALL;
  const perms = (id: string) => BigInt(input.roles.find((r) => r.id === id)?.permissions ?? '0');
  let base = perms(input.guildId);
  for (const id of input.memberRoles) base |= perms(id);
  if (base & DISCORD_PERMISSION_BITS.Administrator) return ALL;
  const apply = (o: { allow: bigint; deny: bigint } | undefined) => {
    if (o) base = (base & ~o.deny) | o.allow;
  };
  const parse = (o: Overwrite) => ({ allow: BigInt(o.allow), deny: BigInt(o.deny) });
  const everyone = input.overwrites.find((o) => o.id === input.guildId);
  apply(everyone ? parse(everyone) : undefined);
  const roles = input.overwrites.filter((o) => o.type === 0 && input.memberRoles.includes(o.id)).map(parse);
  apply({ allow: roles.reduce((n, o) => n | o.allow, 0n), deny: roles.reduce((n, o) => n | o.deny, 0n) });
  const member = input.overwrites.find((o) => o.type === 1 && o.id === input.userId);
  apply(member ? parse(member) : undefined);
  return base;
}

/** The scopes of the invite: the bot user, and its slash commands. */
export const INVITE_SCOPES = ['bot', 'applications.commands'] as const;

/** The invite URL for an application id, with the minimal permissions integer. */
export function inviteUrl(applicationId: string): string {
  const permissions = permissionsInteger(NEEDED_PERMISSIONS.map((p) => p.name));
  const q = new URLSearchParams({
    client_id: applicationId,
    permissions: String(permissions),
    integration_type: '0',
    scope: INVITE_SCOPES.join(' '),
  });
  return `https://discord.com/oauth2/authorize?${q.toString()}`;
}
