/**
 * Mode `direct` and the client `fetch` option, which the in-process bench (bench/telegram-inproc.ts)
 * relies on: updates enter only through `handleUpdate`, and every Bot API call goes through the
 * given fetch — no polling, no webhook, no HTTP.
 */
import { describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../../adapters/telegram/index.ts';
import type { InboundEvent } from '../../../src/core/events.ts';
import { FAKE_TOKEN } from '../../fakes/telegram-api.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';

const BOT = { id: 123456, is_bot: true, first_name: 'Leadbot', username: 'leadbot_test_bot' };

/** A Bot API in this process that records each call's method and JSON body. */
function recordingFetch() {
  const calls: { method: string; body: Record<string, unknown> }[] = [];
  const fetch = async (url: unknown, init?: { body?: unknown }) => {
    const method = String(url).split('/').pop()!;
    calls.push({ method, body: init?.body ? JSON.parse(String(init.body)) : {} });
    const result =
      method === 'getMe'
        ? BOT
        : method === 'sendMessage'
          ? { message_id: calls.length, date: 0, chat: { id: 42, type: 'private' }, text: '' }
          : true;
    return { ok: true, status: 200, json: async () => ({ ok: true, result }) };
  };
  return { calls, fetch: fetch as never };
}

describe('telegram adapter, mode direct', () => {
  it('hands an update given to handleUpdate to the core and replies through the given fetch only', async () => {
    const api = recordingFetch();
    const events: InboundEvent[] = [];
    const adapter = createTelegramAdapter(
      { token: FAKE_TOKEN, mode: 'direct', fetch: api.fetch },
      { logger: silentLogger, inbox: memoryInbox() },
    );
    await adapter.start(async (e) => {
      events.push(e);
      return [{ kind: 'info', text: 'Hello back' }];
    });
    await adapter.handleUpdate({
      update_id: 7,
      message: {
        message_id: 1,
        date: 0,
        from: { id: 42, is_bot: false, first_name: 'Ada' },
        chat: { id: 42, type: 'private', first_name: 'Ada' },
        text: 'hi',
      },
    });
    await adapter.stop();

    expect(events).toMatchObject([{ kind: 'message', text: 'hi', eventId: '7', isDirect: true }]);
    // getMe at start, then the reply: nothing polled, no webhook set or deleted.
    expect(api.calls.map((c) => c.method)).toEqual(['getMe', 'sendMessage']);
    expect(api.calls[1]!.body).toMatchObject({ chat_id: 42, text: 'Hello back' });
  });
});
