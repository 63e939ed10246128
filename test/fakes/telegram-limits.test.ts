/**
 * The strict Telegram fake refuses what the Bot API refuses, with the API's own answers
 * (test/fakes/telegram/limits.ts), so adapter tests against it see what users would meet.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegramApi, startFakeTelegramApi } from './telegram-api.ts';

let api: FakeTelegramApi;
beforeEach(async () => {
  api = await startFakeTelegramApi();
  api.startedBy(7001);
});
afterEach(async () => {
  await api.close();
});

async function call(method: string, body: Record<string, unknown>) {
  const res = await fetch(`${api.apiRoot}/bot${api.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as {
    ok: boolean;
    error_code?: number;
    description?: string;
    result?: { message_id: number };
  };
}
const refusal = async (method: string, body: Record<string, unknown>) => {
  const r = await call(method, body);
  return r.ok ? 'ok' : `${r.error_code} ${r.description}`;
};

describe('the strict Telegram fake', () => {
  it('counts text after entity parsing: 4,096 fits, 4,097 is too long, nothing is empty', async () => {
    expect(await refusal('sendMessage', { chat_id: 7001, text: 'x'.repeat(4096) })).toBe('ok');
    expect(await refusal('sendMessage', { chat_id: 7001, text: 'x'.repeat(4097) })).toBe(
      '400 Bad Request: message is too long',
    );
    // Tags do not count, entities count as one character.
    const html = `<b>${'&amp;'.repeat(4096)}</b>`;
    expect(await refusal('sendMessage', { chat_id: 7001, text: html, parse_mode: 'HTML' })).toBe('ok');
    expect(await refusal('sendMessage', { chat_id: 7001, text: ' \n ' })).toBe(
      '400 Bad Request: message text is empty',
    );
    expect(await refusal('sendMessage', { chat_id: 7001, text: '<b>open', parse_mode: 'HTML' })).toMatch(
      /^400 Bad Request: can't parse entities: /,
    );
    expect(await refusal('sendMessage', { chat_id: 7001, text: '<x>y</x>', parse_mode: 'HTML' })).toMatch(
      /Unsupported start tag "x"/,
    );
    expect(await refusal('sendPhoto', { chat_id: 7001, photo: 'id', caption: 'c'.repeat(1025) })).toBe(
      '400 Bad Request: message caption is too long',
    );
  });

  it('checks buttons: callback_data 1-64 bytes, a label, an action', async () => {
    const kb = (button: Record<string, unknown>) => ({
      chat_id: 7001,
      text: 'q',
      reply_markup: { inline_keyboard: [[button]] },
    });
    expect(await refusal('sendMessage', kb({ text: 'A', callback_data: 'é'.repeat(32) }))).toBe('ok');
    expect(await refusal('sendMessage', kb({ text: 'A', callback_data: `${'é'.repeat(32)}x` }))).toBe(
      '400 Bad Request: BUTTON_DATA_INVALID',
    );
    expect(await refusal('sendMessage', kb({ text: 'A', callback_data: '' }))).toBe(
      '400 Bad Request: BUTTON_DATA_INVALID',
    );
    expect(await refusal('sendMessage', kb({ text: '', callback_data: 'a' }))).toBe(
      '400 Bad Request: BUTTON_TEXT_INVALID',
    );
    expect(await refusal('sendMessage', kb({ text: 'A' }))).toBe(
      '400 Bad Request: text buttons are unallowed in the inline keyboard',
    );
    expect(await refusal('answerCallbackQuery', { callback_query_id: '1', text: 'x'.repeat(201) })).toBe(
      '400 Bad Request: MESSAGE_TOO_LONG',
    );
  });

  it('answers what the chat state forbids: not started, blocked, not modified, 409s', async () => {
    expect(await refusal('sendMessage', { chat_id: 7002, text: 'hi' })).toBe(
      "403 Forbidden: bot can't initiate conversation with a user",
    );
    api.block(7001);
    expect(await refusal('sendMessage', { chat_id: 7001, text: 'hi' })).toBe(
      '403 Forbidden: bot was blocked by the user',
    );
    const sent = await call('sendMessage', { chat_id: -100, text: 'same' });
    expect(
      await refusal('editMessageText', { chat_id: -100, message_id: sent.result!.message_id, text: 'same' }),
    ).toMatch(/^400 Bad Request: message is not modified/);
    expect(await refusal('editMessageText', { chat_id: -100, message_id: 1, text: 'x' })).toBe(
      '400 Bad Request: message to edit not found',
    );
    await call('setWebhook', { url: 'https://bot.example.com/telegram/webhook' });
    expect(await refusal('getUpdates', { timeout: 0 })).toMatch(
      /^409 Conflict: can't use getUpdates method while webhook is active/,
    );
    await call('deleteWebhook', {});
    const held = call('getUpdates', { timeout: 5 });
    await api.waitForCall((c) => c.method === 'getUpdates' && c.payload.timeout === 5);
    const second = call('getUpdates', { timeout: 0 });
    expect(await held).toMatchObject({
      ok: false,
      error_code: 409,
      description: expect.stringContaining('terminated by other getUpdates'),
    });
    expect((await second).ok).toBe(true);
    api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 3',
      parameters: { retry_after: 3 },
    });
    expect(await call('sendMessage', { chat_id: -100, text: 'x' })).toMatchObject({
      error_code: 429,
      parameters: { retry_after: 3 },
    });
  });
});
