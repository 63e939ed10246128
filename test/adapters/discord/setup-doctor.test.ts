/**
 * `leadbot setup discord` and `leadbot doctor`'s Discord checks against the strict fake: the
 * invite URL's permissions integer is the named flags' sum (checked against discord.js's own
 * flags), and each thing an operator can get wrong — a reset token, the bot not invited, a
 * sales channel without Send Messages, the Message Content intent off, commands never
 * registered — is reported with its fix. Once through the real CLI.
 */
import { PermissionFlagsBits } from 'discord.js';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../adapters/discord/commands.ts';
import type { DiscordAdapterConfig } from '../../../adapters/discord/config.ts';
import { discordDoctor } from '../../../adapters/discord/doctor.ts';
import { channelPermissions, DISCORD_PERMISSION_BITS } from '../../../adapters/discord/permissions.ts';
import { DISCORD_SEND_LIMITS, discordSetup } from '../../../adapters/discord/tools.ts';
import { checkSendable } from '../../../src/core/flow/sendable.ts';
import { parseFlow } from '../../../src/core/flow/validate.ts';
import { migrateDatabase } from '../../../src/store/migrate.ts';
import { runCli } from '../../app/run-cli.ts';
import { BITS } from '../../fakes/discord/guild.ts';
import { type FakeDiscord, IDS, startFakeDiscord } from '../../fakes/discord-api.ts';
import { tempSqliteUrl } from '../../helpers/sqlite.ts';

const fakes: FakeDiscord[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

const TOKEN = 'fake-bot-token-abcdefghijklmnopqrstuvwxyz';
const logger = pino({ level: 'silent' });

async function fake(): Promise<FakeDiscord> {
  const f = await startFakeDiscord();
  f.requireToken(TOKEN);
  fakes.push(f);
  return f;
}

const config = (f: FakeDiscord, extra: Partial<DiscordAdapterConfig> = {}): DiscordAdapterConfig => ({
  token: TOKEN,
  applicationId: IDS.application,
  apiUrl: f.apiUrl,
  messageContent: false,
  guildId: IDS.guild,
  salesChannelId: IDS.channel,
  ...extra,
});

const doctor = (c: DiscordAdapterConfig) => discordDoctor(c, { signal: AbortSignal.timeout(10_000) });
const registered = (f: FakeDiscord) =>
  f.commands.set(
    IDS.guild,
    COMMANDS.map((c) => ({ ...c, id: f.id() })),
  );

describe('leadbot setup discord', () => {
  it('prints the invite URL with the minimal permissions, each named, and the intents', async () => {
    const text = await discordSetup({ env: { DISCORD_APPLICATION_ID: IDS.application } });
    const p = PermissionFlagsBits;
    const expected =
      p.ViewChannel |
      p.SendMessages |
      p.SendMessagesInThreads |
      p.EmbedLinks |
      p.AttachFiles |
      p.ReadMessageHistory |
      p.CreatePublicThreads |
      p.AddReactions;
    const url = new URL(/https:\/\/discord\.com\/oauth2\/authorize\S+/.exec(text)![0]);
    expect(url.searchParams.get('client_id')).toBe(IDS.application);
    expect(url.searchParams.get('permissions')).toBe(String(expected));
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    for (const name of [
      'ViewChannel',
      'SendMessages',
      'SendMessagesInThreads',
      'EmbedLinks',
      'AttachFiles',
      'ReadMessageHistory',
      'CreatePublicThreads',
      'AddReactions',
    ])
      expect(text).toContain(`- ${name}: `);
    for (const [name, bit] of Object.entries(DISCORD_PERMISSION_BITS))
      expect(bit, name).toBe(p[name as keyof typeof p]);
    expect(text).toContain('Message Content Intent: off is fine');
    expect(text).toContain('Server Members Intent: not needed');
    const withContent = await discordSetup({ env: { DISCORD_MESSAGE_CONTENT: 'true' } });
    expect(withContent).toContain('Message Content Intent: ON');
    expect(withContent).toContain('client_id=%3CAPPLICATION_ID%3E');
  });
});

describe('leadbot doctor (Discord)', () => {
  it('all good: token, application, server, sales channel permissions, commands', async () => {
    const f = await fake();
    registered(f);
    const checks = await doctor(config(f));
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.check)).toEqual([
      'Discord token',
      'Discord application',
      'Discord server',
      'Discord sales channel',
      'Discord alert thread replies',
      'Discord commands',
    ]);
  });

  it('a wrong token stops at the first check, with its fix', async () => {
    const f = await fake();
    const checks = await doctor(config(f, { token: 'reset-meanwhile-abcdefghijklmnopqrstuvw' }));
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({ check: 'Discord token', ok: false });
    expect(checks[0]!.detail).toContain('401');
    expect(checks[0]!.fix).toContain('Reset Token');
  });

  it('names what is wrong: not invited, channel denied, intent off, commands missing', async () => {
    const f = await fake();
    f.guild.joined = false;
    let checks = await doctor(config(f, { messageContent: true }));
    const failed = (name: string) => checks.find((c) => c.check === name && !c.ok);
    expect(failed('Discord server')?.fix).toContain('https://discord.com/oauth2/authorize');
    expect(failed('Discord Message Content intent')?.fix).toContain('Message Content Intent: on');
    expect(failed('Discord sales channel')).toBeDefined();
    expect(failed('Discord commands')?.detail).toContain('/qualify, /leadbot, /link not registered');

    f.guild.joined = true;
    f.guild.appFlags = 1 << 19;
    registered(f);
    // The bot's role may send, but the channel denies it to @everyone and to the bot's role.
    f.guild.overwrites = [
      { id: IDS.guild, type: 0, allow: '0', deny: String(BITS.SendMessages) },
      { id: '1300000000000000021', type: 0, allow: '0', deny: String(BITS.EmbedLinks) },
    ];
    checks = await doctor(config(f, { messageContent: true }));
    expect(checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['Discord sales channel']);
    expect(failed('Discord sales channel')?.detail).toBe('#general: missing SendMessages, EmbedLinks');
  });

  it('computes channel permissions as Discord documents (member overwrite last, admin, owner)', () => {
    const base = { guildId: 'g', ownerId: 'o', userId: 'u', memberRoles: ['r'] };
    const roles = [
      { id: 'g', permissions: String(BITS.ViewChannel) },
      { id: 'r', permissions: String(BITS.SendMessages) },
    ];
    const deny = { id: 'r', type: 0, allow: '0', deny: String(BITS.SendMessages) };
    const allowMember = { id: 'u', type: 1, allow: String(BITS.SendMessages), deny: '0' };
    expect(channelPermissions({ ...base, roles, overwrites: [deny] }) & BITS.SendMessages).toBe(0n);
    expect(
      channelPermissions({ ...base, roles, overwrites: [deny, allowMember] }) & BITS.SendMessages,
    ).not.toBe(0n);
    const admin = [{ id: 'r', permissions: String(1n << 3n) }];
    expect(channelPermissions({ ...base, roles: admin, overwrites: [deny] }) & BITS.SendMessages).not.toBe(
      0n,
    );
    expect(
      channelPermissions({ ...base, userId: 'o', roles: [], overwrites: [] }) & BITS.EmbedLinks,
    ).not.toBe(0n);
  });

  it('through the CLI: one table, exit 1 on the problem, 0 once fixed', async () => {
    const f = await fake();
    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger });
      const env = {
        WEB_CHAT: 'off',
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
        DISCORD_TOKEN: TOKEN,
        DISCORD_APPLICATION_ID: IDS.application,
        DISCORD_API_URL: f.apiUrl,
        DISCORD_GUILD_ID: IDS.guild,
      };
      const bad = await runCli(['doctor'], env);
      expect(bad.code, bad.stderr).toBe(1);
      expect(bad.stdout).toMatch(/^ok {4}Discord token +bot leadbot/m);
      expect(bad.stdout).toMatch(/^FAIL {2}Discord commands/m);
      expect(bad.stdout).toContain('fix: run leadbot start once');
      registered(f);
      const good = await runCli(['doctor'], env);
      expect(good.code, good.stdout).toBe(0);
      const setup = await runCli(['setup', 'discord'], env);
      expect(setup.code, setup.stderr).toBe(0);
      expect(setup.stdout).toContain(`client_id=${IDS.application}`);
    } finally {
      db.cleanup();
    }
  });
});

describe('Discord send limits (flows validate)', () => {
  it('reports what the renderer cannot meet, not what it meets itself (menus of 25)', () => {
    const options = (n: number, label = 'Option') =>
      Array.from({ length: n }, (_, i) => ({ value: `o${i}`, label: `${label} ${i}` }));
    const flow = parseFlow({
      id: 'limits',
      messages: { welcome: 'Hi' },
      steps: {
        role: { ask: 'Role?', type: 'choice', options: [{ value: 'a', label: 'x'.repeat(92) }] },
        country: { ask: 'Country?', type: 'choice', options: options(60) },
        tools: { ask: 'Tools?', type: 'multichoice', options: options(30) },
        city: { ask: 'City?', type: 'choice', options: options(130) },
      },
    }).definition;
    expect(checkSendable(flow, DISCORD_SEND_LIMITS).map((p) => `${p.path}: ${p.message}`)).toEqual([
      'steps.role.options[0].label: 92 characters, Discord allows 80',
      'steps.city.options: 130 options, Discord allows 125',
    ]);
  });
});
