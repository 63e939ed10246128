/**
 * The fake Discord's view of its one server as the bot's token sees it, for `leadbot doctor`:
 * the bot user and its application (`/users/@me`, `/applications/@me`), the servers it is in,
 * the server with its roles, the bot's membership, and the channel with its permission
 * overwrites. Tests change `GuildState` to show what an operator can get wrong (the bot not
 * invited, a role without Send Messages, a channel overwrite denying it, the Message Content
 * intent off).
 */
import { DISCORD_ERRORS } from './limits.ts';
import { BOT_USER, IDS, type Json } from './state.ts';

/** The role the bot gets when invited (managed by the integration). */
export const BOT_ROLE = '1300000000000000021';

/** Permission bits the fake uses (https://discord.com/developers/docs/topics/permissions). */
export const BITS = {
  ViewChannel: 1n << 10n,
  SendMessages: 1n << 11n,
  EmbedLinks: 1n << 14n,
  AttachFiles: 1n << 15n,
  ReadMessageHistory: 1n << 16n,
  AddReactions: 1n << 6n,
  CreatePublicThreads: 1n << 35n,
  SendMessagesInThreads: 1n << 38n,
} as const;

export class GuildState {
  /** The bot is a member of the server (invited). */
  joined = true;
  /** @everyone's permissions in the server. */
  everyone = BITS.ViewChannel | BITS.ReadMessageHistory;
  /** The bot role's permissions (what the invite granted). */
  botRole =
    BITS.ViewChannel |
    BITS.SendMessages |
    BITS.EmbedLinks |
    BITS.AttachFiles |
    BITS.ReadMessageHistory |
    BITS.AddReactions |
    BITS.CreatePublicThreads |
    BITS.SendMessagesInThreads;
  /** Overwrites of the server channel (IDS.channel). */
  overwrites: { id: string; type: number; allow: string; deny: string }[] = [];
  /** Application flags: 1 << 19 is the Message Content intent (GATEWAY_MESSAGE_CONTENT). */
  appFlags = 0;
}

/** Answers the routes above; null when `path` is none of them. */
export function guildRoutes(g: GuildState, method: string, path: string): [number, unknown] | null {
  if (method !== 'GET') return null;
  if (path === '/users/@me') return [200, BOT_USER];
  if (path === '/applications/@me')
    return [200, { id: IDS.application, name: 'leadbot', flags: g.appFlags, bot: BOT_USER }];
  if (path === '/users/@me/guilds')
    return [200, g.joined ? [{ id: IDS.guild, name: 'Fake community', owner: false, permissions: '0' }] : []];
  const guild = path.match(/^\/guilds\/(\d+)(?:\/members\/(\d+))?$/);
  if (guild) {
    if (guild[1] !== IDS.guild || !g.joined) return [403, DISCORD_ERRORS.missingAccess];
    if (guild[2] === undefined) return [200, guildJson(g)];
    if (guild[2] !== IDS.bot) return [404, { code: 10007, message: 'Unknown Member' }];
    return [200, { user: BOT_USER, roles: [BOT_ROLE], joined_at: '2026-01-01T00:00:00.000000+00:00' }];
  }
  return null;
}

function guildJson(g: GuildState): Json {
  return {
    id: IDS.guild,
    name: 'Fake community',
    owner_id: '1300000000000000099',
    roles: [
      { id: IDS.guild, name: '@everyone', permissions: String(g.everyone), position: 0 },
      { id: IDS.managerRole, name: 'Community managers', permissions: '0', position: 1 },
      { id: BOT_ROLE, name: 'leadbot', permissions: String(g.botRole), position: 2, managed: true },
    ],
  };
}
