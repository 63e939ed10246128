/**
 * `leadbot setup telegram` and `leadbot doctor`'s Telegram checks against the strict fake Bot
 * API: the BotFather steps and the command list set with --apply (through the real CLI), and
 * each problem doctor finds — a refused token, a webhook left behind or failing, the bot
 * missing from the sales chat — with its fix.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TelegramAdapterConfig } from '../../../adapters/telegram/config.ts';
import { TELEGRAM_COMMANDS, telegramDoctor, telegramSetup } from '../../../adapters/telegram/tools.ts';
import { migrateDatabase } from '../../../src/store/migrate.ts';
import { runCli } from '../../app/run-cli.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { tempSqliteUrl } from '../../helpers/sqlite.ts';

const SALES = -100888;
let api: FakeTelegramApi;
beforeEach(async () => {
  api = await startFakeTelegramApi();
});
afterEach(async () => {
  await api.close();
});

const deps = () => ({ logger: silentLogger, signal: AbortSignal.timeout(10_000) });
const polling = (): TelegramAdapterConfig => ({ token: api.token, apiRoot: api.apiRoot, mode: 'polling' });

describe('leadbot setup telegram', () => {
  it('prints the BotFather steps with privacy mode and the command list', async () => {
    const text = await telegramSetup({ env: {} });
    expect(text).toContain('/setprivacy');
    expect(text).toContain('/setcommands');
    for (const c of TELEGRAM_COMMANDS) expect(text).toContain(`${c.command} - ${c.description}`);
    const withUrl = await telegramSetup({ url: 'https://bot.example.com', env: {} });
    expect(withUrl).toContain('TELEGRAM_WEBHOOK_URL=https://bot.example.com/telegram/webhook');
  });

  it('--apply sets the command list through the real CLI (the strict fake checks each command)', async () => {
    const r = await runCli(['setup', 'telegram', '--apply'], {
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: api.apiRoot,
      LOG_LEVEL: 'silent',
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Applied: the command list');
    expect(api.commands.map((c) => c.command)).toEqual(TELEGRAM_COMMANDS.map((c) => c.command));
  });
});

describe('leadbot doctor, Telegram', () => {
  it('passes a valid token polling with no webhook, and a sales chat the bot is in', async () => {
    api.setMember(SALES, api.botInfo.id, 'administrator');
    const checks = await telegramDoctor({ ...polling(), salesChatId: String(SALES) }, deps());
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['Telegram token', true],
      ['Telegram webhook', true],
      ['Telegram sales chat', true],
    ]);
    expect(checks[0]!.detail).toContain('@leadbot_test_bot');
  });

  it('names a refused token and stops there', async () => {
    const checks = await telegramDoctor({ ...polling(), token: '1:wrong' }, deps());
    expect(checks).toEqual([
      expect.objectContaining({
        check: 'Telegram token',
        ok: false,
        detail: 'Unauthorized',
        fix: expect.stringContaining('TELEGRAM_BOT_TOKEN'),
      }),
    ]);
  });

  it('finds a webhook left behind while polling, and a failing or different webhook', async () => {
    await fetch(`${api.apiRoot}/bot${api.token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://old.example.com/hook' }),
    });
    const [, left] = await telegramDoctor(polling(), deps());
    expect(left).toMatchObject({ ok: false, detail: expect.stringContaining('old.example.com') });
    const webhook: TelegramAdapterConfig = {
      ...polling(),
      mode: 'webhook',
      webhookUrl: 'https://bot.example.com/telegram/webhook',
      webhookSecret: 's'.repeat(32),
    };
    const [, other] = await telegramDoctor(webhook, deps());
    expect(other).toMatchObject({
      ok: false,
      detail: expect.stringContaining('configured https://bot.example.com'),
    });
    await fetch(`${api.apiRoot}/bot${api.token}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: webhook.webhookUrl }),
    });
    api.webhookError = { date: 1764300000, message: 'Wrong response from the webhook: 502 Bad Gateway' };
    const [, failing] = await telegramDoctor(webhook, deps());
    expect(failing).toMatchObject({
      ok: false,
      detail: expect.stringContaining('502 Bad Gateway'),
      fix: expect.stringContaining('reachable'),
    });
  });

  it('finds the bot missing from the sales chat, or the chat unknown; exit 1 through the CLI', async () => {
    api.setMember(SALES, 1, 'member'); // the chat exists, the bot is not in it
    const [, , missing] = await telegramDoctor({ ...polling(), salesChatId: String(SALES) }, deps());
    expect(missing).toMatchObject({
      ok: false,
      detail: `bot is left of ${SALES}`,
      fix: expect.stringContaining('add @leadbot_test_bot'),
    });
    const [, , unknown] = await telegramDoctor({ ...polling(), salesChatId: '-100999' }, deps());
    expect(unknown).toMatchObject({ ok: false, detail: '-100999: Bad Request: chat not found' });

    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger: pino({ level: 'silent' }) });
      const r = await runCli(['doctor'], {
        DATABASE_URL: db.url,
        WEB_CHAT: 'off',
        LOG_LEVEL: 'silent',
        TELEGRAM_BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        TELEGRAM_SALES_CHAT_ID: String(SALES),
      });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^ok {4}Telegram token/m);
      expect(r.stdout).toMatch(/^FAIL {2}Telegram sales chat/m);
      expect(r.stdout).toContain('1 problem(s) found');
    } finally {
      db.cleanup();
    }
  });
});
