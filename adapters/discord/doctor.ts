/**
 * `leadbot doctor` for Discord: the configuration checked against the live API with plain
 * `fetch` (no SDK at load): the token (`GET /users/@me`), the application and its Message
 * Content intent when requested (`GET /applications/@me`), the bot in the configured server,
 * its permissions in the sales channel (computed from the server's roles and the channel's
 * overwrites), and the slash commands registered. Each problem comes with its fix.
 */
import type { DoctorCheck } from '../shared/platform-tools.ts';
import type { DiscordAdapterConfig } from './config.ts';
import {
  channelPermissions,
  inviteUrl,
  missingPermissions,
  type Overwrite,
  SALES_CHANNEL_PERMISSIONS,
} from './permissions.ts';

/** Application flags: the Message Content intent enabled (limited: under 100 servers). */
const MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19);

type Json = Record<string, unknown>;

class DiscordHttp {
  constructor(
    private readonly config: DiscordAdapterConfig,
    private readonly signal: AbortSignal,
  ) {}

  /** GETs `path` (after `/api/v10`); the status and the JSON body. */
  async get(path: string): Promise<{ status: number; body: Json & Json[] }> {
    const base = (this.config.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, '');
    const res = await fetch(`${base}/v10${path}`, {
      headers: { authorization: `Bot ${this.config.token}` },
      signal: this.signal,
    });
    const text = await res.text();
    let body: unknown = {};
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = { message: text.slice(0, 200) };
    }
    return { status: res.status, body: body as Json & Json[] };
  }
}

const refusal = (r: { status: number; body: Json }) =>
  `HTTP ${r.status}${r.body.code !== undefined ? ` code ${r.body.code}` : ''}: ${String(r.body.message ?? '')}`;

/** The checks, in order; later ones are skipped when the token is refused. */
export async function discordDoctor(
  config: DiscordAdapterConfig,
  deps: { signal: AbortSignal },
): Promise<DoctorCheck[]> {
  const http = new DiscordHttp(config, deps.signal);
  const checks: DoctorCheck[] = [];
  const invite = inviteUrl(config.applicationId);
  const me = await http.get('/users/@me');
  if (me.status !== 200) {
    checks.push({
      check: 'Discord token',
      ok: false,
      detail: refusal(me),
      fix: 'Developer Portal → your app → Bot → Reset Token, then set DISCORD_TOKEN',
    });
    return checks;
  }
  const botId = String(me.body.id);
  checks.push({ check: 'Discord token', ok: true, detail: `bot ${String(me.body.username)} (${botId})` });

  const app = await http.get('/applications/@me');
  if (app.status === 200) {
    const sameApp = String(app.body.id) === config.applicationId;
    checks.push({
      check: 'Discord application',
      ok: sameApp,
      detail: sameApp
        ? `${String(app.body.name)} (${config.applicationId})`
        : `the token belongs to application ${String(app.body.id)}, not ${config.applicationId}`,
      fix: 'set DISCORD_APPLICATION_ID to the Application ID of the bot whose token is DISCORD_TOKEN',
    });
    if (config.messageContent) {
      const on = (Number(app.body.flags ?? 0) & MESSAGE_CONTENT_FLAGS) !== 0;
      checks.push({
        check: 'Discord Message Content intent',
        ok: on,
        detail: on
          ? 'enabled'
          : 'DISCORD_MESSAGE_CONTENT=true but the intent is off (login would fail: 4014)',
        fix: 'Developer Portal → Bot → Privileged Gateway Intents → Message Content Intent: on',
      });
    }
  }

  const guilds = await http.get('/users/@me/guilds');
  const list = guilds.status === 200 && Array.isArray(guilds.body) ? guilds.body : [];
  if (config.guildId) {
    const found = list.find((g) => String(g.id) === config.guildId);
    checks.push({
      check: 'Discord server',
      ok: Boolean(found),
      detail: found
        ? `${String(found.name)} (${config.guildId})`
        : `the bot is not in server ${config.guildId}`,
      fix: `invite the bot: ${invite}`,
    });
  } else {
    checks.push({
      check: 'Discord server',
      ok: list.length > 0,
      detail: list.length ? `in ${list.length} server(s)` : 'the bot is in no server',
      fix: `invite the bot: ${invite}`,
    });
  }

  if (config.salesChannelId) {
    checks.push(await salesChannelCheck(http, config.salesChannelId, botId, invite));
    checks.push(threadRepliesCheck(config.messageContent));
  }
  checks.push(await commandsCheck(http, config));
  return checks;
}

async function salesChannelCheck(
  http: DiscordHttp,
  channelId: string,
  botId: string,
  invite: string,
): Promise<DoctorCheck> {
  const check = 'Discord sales channel';
  const channel = await http.get(`/channels/${channelId}`);
  if (channel.status !== 200)
    return {
      check,
      ok: false,
      detail: `channel ${channelId}: ${refusal(channel)}`,
      fix: 'check DISCORD_SALES_CHANNEL_ID (right-click the channel → Copy Channel ID) and that the bot can view it',
    };
  const guildId = String(channel.body.guild_id ?? '');
  const guild = await http.get(`/guilds/${guildId}`);
  const member = await http.get(`/guilds/${guildId}/members/${botId}`);
  if (guild.status !== 200 || member.status !== 200)
    return {
      check,
      ok: false,
      detail: `server ${guildId}: ${refusal(guild.status !== 200 ? guild : member)}`,
      fix: `invite the bot: ${invite}`,
    };
  const have = channelPermissions({
    guildId,
    ownerId: String(guild.body.owner_id),
    userId: botId,
    roles: (guild.body.roles ?? []) as { id: string; permissions: string }[],
    memberRoles: (member.body.roles ?? []) as string[],
    overwrites: (channel.body.permission_overwrites ?? []) as Overwrite[],
  });
  const missing = missingPermissions(have, SALES_CHANNEL_PERMISSIONS);
  const name = `#${String(channel.body.name ?? channelId)}`;
  return {
    check,
    ok: missing.length === 0,
    detail: missing.length
      ? `${name}: missing ${missing.join(', ')}`
      : `${name}: ${SALES_CHANNEL_PERMISSIONS.join(', ')}`,
    fix: `Server Settings → Channels → ${name} → Permissions: allow the bot's role ${missing.join(', ')}`,
  };
}

/**
 * A rep's reply in an alert's thread mentions nobody, so Discord sends its text only with the
 * privileged Message Content intent. Without it the handoff still works when the rep starts the
 * reply with @leadbot: a note, not a failure.
 */
function threadRepliesCheck(messageContent: boolean): DoctorCheck {
  return {
    check: 'Discord alert thread replies',
    ok: true,
    detail: messageContent
      ? "every rep reply in an alert's thread is read (Message Content intent)"
      : "without the Message Content intent a rep's reply in an alert's thread is read only when it " +
        'starts with @leadbot; set DISCORD_MESSAGE_CONTENT=true (and switch the intent on) to relay every reply',
  };
}

async function commandsCheck(http: DiscordHttp, config: DiscordAdapterConfig): Promise<DoctorCheck> {
  const path = config.guildId
    ? `/applications/${config.applicationId}/guilds/${config.guildId}/commands`
    : `/applications/${config.applicationId}/commands`;
  const where = config.guildId ? `server ${config.guildId}` : 'global';
  const got = await http.get(path);
  const names = got.status === 200 && Array.isArray(got.body) ? got.body.map((c) => String(c.name)) : [];
  const missing = ['qualify', 'leadbot', 'link'].filter((n) => !names.includes(n));
  return {
    check: 'Discord commands',
    ok: got.status === 200 && missing.length === 0,
    detail:
      got.status !== 200
        ? refusal(got)
        : missing.length
          ? `${where}: /${missing.join(', /')} not registered`
          : `${where}: /qualify, /leadbot, /link`,
    fix: 'run leadbot start once: it registers the commands (set DISCORD_GUILD_ID to see them at once in one server)',
  };
}
