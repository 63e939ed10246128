/**
 * `leadbot setup slack` (the importable app manifest) and `leadbot doctor`'s Slack checks
 * against the strict fake: a bad token, missing scopes, a sales channel the bot is not in —
 * each with its fix; and both through the real CLI.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseSlackConfig } from '../../../adapters/slack/config.ts';
import { SLACK_BOT_EVENTS, SLACK_BOT_SCOPES, slackTools } from '../../../adapters/slack/tools.ts';
import { ADAPTERS } from '../../../src/app/adapters.ts';
import { migrateDatabase } from '../../../src/store/migrate.ts';
import { runCli } from '../../app/run-cli.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { tempSqliteUrl } from '../../helpers/sqlite.ts';

let fake: FakeSlackApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const ALL_SCOPES = Object.keys(SLACK_BOT_SCOPES);
const env = (apiUrl: string, extra: Record<string, string> = {}) => ({
  SLACK_BOT_TOKEN: 'xoxb-good',
  SLACK_SIGNING_SECRET: 'signing-secret',
  SLACK_SALES_CHANNEL: 'C0SALES',
  SLACK_API_URL: apiUrl,
  ...extra,
});
const doctor = (apiUrl: string, extra: Record<string, string> = {}) =>
  slackTools.doctor(parseSlackConfig(env(apiUrl, extra))!, { signal: AbortSignal.timeout(10_000) });

describe('leadbot setup slack', () => {
  const setup = (opts: { url?: string; socket?: boolean; format: 'json' | 'yaml' }) => slackTools.setup(opts);

  it('prints an importable manifest with the scopes, events, /leadbot and the request URLs', async () => {
    const manifest = JSON.parse(await setup({ url: 'https://bot.example.com', format: 'json' }));
    const url = 'https://bot.example.com/slack/events';
    expect(manifest.oauth_config.scopes.bot).toEqual(ALL_SCOPES);
    expect(manifest.settings.event_subscriptions).toEqual({ request_url: url, bot_events: SLACK_BOT_EVENTS });
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: url });
    expect(manifest.features.slash_commands[0]).toMatchObject({ command: '/leadbot', url });
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(parseYaml(await setup({ url: 'https://bot.example.com', format: 'yaml' }))).toEqual(manifest);
  });

  it('with --socket: Socket Mode on and no URL anywhere', async () => {
    const text = await setup({ socket: true, format: 'yaml' });
    const manifest = parseYaml(text);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(text).not.toMatch(/url:/);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(SLACK_BOT_EVENTS);
  });

  it('refuses to guess a URL', async () => {
    await expect(setup({ format: 'json' })).rejects.toThrow(/--url https:\/\/.*or --socket/);
  });

  it('is registered with the sendLimits flows validate checks', () => {
    const slack = ADAPTERS.find((a) => a.name === 'slack')!;
    expect(slack.sendLimits).toMatchObject({ optionLabel: 75, optionValue: 150, options: 100 });
    expect(slack.setup).toBeTypeOf('function');
    expect(slack.doctor).toBeTypeOf('function');
  });
});

describe('leadbot doctor on Slack (strict fake)', () => {
  it('passes when the token is valid, every scope granted and the bot is in the sales channel', async () => {
    fake = await startFakeSlackApi({ token: 'xoxb-good', scopes: ALL_SCOPES, channels: ['C0SALES'] });
    const checks = await doctor(fake.apiUrl);
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['Slack token', true],
      ['Slack scopes', true],
      ['Slack sales channel', true],
    ]);
  });

  it('names a refused token with its fix', async () => {
    fake = await startFakeSlackApi({ token: 'xoxb-other', scopes: ALL_SCOPES });
    const [token, ...rest] = await doctor(fake.apiUrl);
    expect(token).toMatchObject({ check: 'Slack token', ok: false, detail: 'auth.test: invalid_auth' });
    expect(token?.fix).toContain('SLACK_BOT_TOKEN');
    expect(rest).toEqual([]);
  });

  it('lists missing scopes and a sales channel the bot is not in, each with its fix', async () => {
    fake = await startFakeSlackApi({
      token: 'xoxb-good',
      scopes: ALL_SCOPES.filter((s) => s !== 'im:write' && s !== 'commands'),
    });
    const [, scopes, channel] = await doctor(fake.apiUrl);
    expect(scopes?.ok).toBe(false);
    expect(scopes?.detail).toMatch(/commands .*im:write/);
    expect(scopes?.fix).toContain('reinstall');
    expect(channel).toMatchObject({ ok: false, detail: expect.stringContaining('not_in_channel') });
    expect(channel?.fix).toContain('/invite @leadbot');
  });

  it('runs through the CLI: one table, exit 1 on a problem', async () => {
    fake = await startFakeSlackApi({ token: 'xoxb-good', scopes: ALL_SCOPES });
    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger: pino({ level: 'silent' }) });
      const r = await runCli(['doctor'], {
        ...env(fake.apiUrl),
        WEB_CHAT: 'off',
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ok {4}Slack token/m);
      expect(r.stdout).toMatch(/^FAIL {2}Slack sales channel/m);
      expect(r.stdout).toContain('fix: in Slack, open C0SALES and type /invite @leadbot');
    } finally {
      db.cleanup();
    }
  });
});
