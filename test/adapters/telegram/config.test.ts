import { describe, expect, it } from 'vitest';
import { parseTelegramConfig } from '../../../adapters/telegram/config.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';

const TOKEN = '123456:ABC-def_ghi';

function configError(env: Record<string, string>): string {
  try {
    parseTelegramConfig(env);
  } catch (err) {
    if (isLeadbotError(err, 'CONFIG_INVALID')) return err.message;
    throw err;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('parseTelegramConfig', () => {
  it('is disabled (null) without a token', () => {
    expect(parseTelegramConfig({})).toBeNull();
    expect(parseTelegramConfig({ TELEGRAM_BOT_TOKEN: '  ' })).toBeNull();
  });

  it('defaults to long polling and trims the API root', () => {
    expect(
      parseTelegramConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:9/' }),
    ).toEqual({
      token: TOKEN,
      apiRoot: 'http://127.0.0.1:9',
      mode: 'polling',
    });
  });

  it('switches to webhook mode with a URL and a secret', () => {
    expect(
      parseTelegramConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.com/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: 's3cret_-X0123456789abcdefghijklmnop',
        TELEGRAM_SALES_CHAT_ID: '-1001',
      }),
    ).toMatchObject({
      mode: 'webhook',
      webhookSecret: 's3cret_-X0123456789abcdefghijklmnop',
      salesChatId: '-1001',
    });
  });

  it('names the variable and the fix when something is wrong', () => {
    expect(configError({ TELEGRAM_BOT_TOKEN: 'nope' })).toContain('TELEGRAM_BOT_TOKEN');
    expect(
      configError({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_URL: 'https://x.example/hook' }),
    ).toMatch(/TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set/);
    expect(
      configError({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'https://x',
        TELEGRAM_WEBHOOK_SECRET: 'bad secret!',
      }),
    ).toContain('TELEGRAM_WEBHOOK_SECRET');
    const short = configError({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_WEBHOOK_URL: 'https://x.example/hook',
      TELEGRAM_WEBHOOK_SECRET: 'a'.repeat(31),
    });
    expect(short).toMatch(/TELEGRAM_WEBHOOK_SECRET: is shorter than 32 characters/);
    expect(
      parseTelegramConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_URL: 'https://x.example/hook',
        TELEGRAM_WEBHOOK_SECRET: 'A'.repeat(256),
      })?.webhookSecret,
    ).toHaveLength(256);
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'not a url' })).toContain(
      'TELEGRAM_API_ROOT',
    );
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_SALES_CHAT_ID: 'sales' })).toContain(
      'TELEGRAM_SALES_CHAT_ID',
    );
  });
});
