/**
 * The adapter's own duties through the real grammY against the fake Bot API, with a scripted
 * core handler (the engine end-to-end runs are in e2e.test.ts): stateless multi-select
 * keyboards, the in-memory redelivery guard, 429 retries, webhook secret checks, start errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramAdapter } from '../../../adapters/telegram/index.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';
import type { InboundEvent, OutboundMessage } from '../../../src/core/events.ts';
import { startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';
import { type Harness, person, startHarness } from './harness.ts';

const QUESTION: OutboundMessage = {
  kind: 'question',
  text: 'What are you interested in?',
  stepId: 'interests',
  multiple: true,
  choices: [
    { value: 'analytics', label: 'Analytics' },
    { value: 'alerts', label: 'Alerts' },
    { value: 'crm', label: 'CRM sync' },
  ],
};

function scripted() {
  const events: InboundEvent[] = [];
  const handler = async (e: InboundEvent): Promise<OutboundMessage[]> => {
    events.push(e);
    if (e.kind === 'choice') return [{ kind: 'info', text: `Got ${e.values.join('+')}` }];
    return [QUESTION];
  };
  return { events, handler };
}

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.each(['polling', 'webhook'] as const)('telegram adapter (%s)', (mode) => {
  it('keeps multiple-choice ticks in the keyboard and sends every checked value on Done', async () => {
    const core = scripted();
    harness = await startHarness(mode, core.handler, silentLogger);
    const ada = person(harness);
    await ada.say('hi');
    const question = ada.last();
    for (const label of ['Analytics', 'CRM sync', 'Alerts', 'Analytics']) await ada.press(label);
    expect(question.reply_markup?.inline_keyboard.map((r) => r[0]?.text)).toEqual([
      'Analytics',
      '✓ Alerts',
      '✓ CRM sync',
      'Done',
    ]);
    expect(core.events).toHaveLength(1); // toggles never reach the core

    await ada.press('Done');
    expect(core.events[1]).toMatchObject({ kind: 'choice', stepId: 'interests', values: ['alerts', 'crm'] });
    expect(question.reply_markup).toBeUndefined();
    expect(question.text).toBe('What are you interested in?\n\n✓ Alerts, CRM sync');
    expect(ada.last().text).toBe('Got alerts+crm');
    expect(harness.api.calls.filter((c) => c.method === 'answerCallbackQuery')).toHaveLength(5);
  });

  it('processes a redelivered update once', async () => {
    const core = scripted();
    harness = await startHarness(mode, core.handler, silentLogger);
    const ada = person(harness);
    const update = ada.textUpdate('hello');
    await harness.deliver(update);
    await harness.redeliver(update);
    expect(core.events).toHaveLength(1);
    expect(harness.api.sent(ada.chat.id)).toHaveLength(1);
  });

  it('honours a 429 retry_after and still delivers the reply', async () => {
    const core = scripted();
    harness = await startHarness(mode, core.handler, silentLogger);
    const ada = person(harness);
    harness.api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    await ada.say('hello');
    const attempts = harness.api.calls.filter((c) => c.method === 'sendMessage');
    expect(attempts).toHaveLength(2);
    expect(attempts[1]?.payload).toEqual(attempts[0]?.payload);
    expect(harness.api.sent(ada.chat.id).map((m) => m.text)).toEqual([QUESTION.text]);
  });
});

describe('telegram webhook security', () => {
  it('answers 401 to a wrong or missing secret and processes nothing', async () => {
    const core = scripted();
    harness = await startHarness('webhook', core.handler, silentLogger);
    expect(harness.api.webhook).toMatchObject({ secret: 'webhook_secret-123' });
    expect(harness.api.webhook?.url).toMatch(/\/telegram\/webhook$/);
    const ada = person(harness);
    expect(await harness.api.deliver(ada.textUpdate('forged'), 'wrong-secret')).toBe(401);
    expect(await harness.api.deliver(ada.textUpdate('forged'), null)).toBe(401);
    expect(core.events).toHaveLength(0);
    expect(harness.api.sent()).toHaveLength(0);
    expect(await harness.api.deliver(ada.textUpdate('genuine'))).toBe(200);
    expect(core.events).toHaveLength(1);
  });
});

describe('telegram adapter start', () => {
  it('fails with PLATFORM_ERROR naming the token when Telegram refuses it', async () => {
    const api = await startFakeTelegramApi();
    const adapter = createTelegramAdapter(
      { token: '999:wrong', apiRoot: api.apiRoot, mode: 'polling' },
      { logger: silentLogger, inbox: memoryInbox() },
    );
    try {
      await adapter.start(async () => []);
      expect.unreachable();
    } catch (err) {
      expect(isLeadbotError(err, 'PLATFORM_ERROR')).toBe(true);
      expect((err as Error & { userMessage: string }).userMessage).toContain('TELEGRAM_BOT_TOKEN');
    } finally {
      await adapter.stop();
      await api.close();
    }
  });

  it('refuses webhook mode without the app HTTP server', async () => {
    const api = await startFakeTelegramApi();
    const adapter = createTelegramAdapter(
      {
        token: api.token,
        apiRoot: api.apiRoot,
        mode: 'webhook',
        webhookUrl: 'https://x.example/h',
        webhookSecret: 's',
      },
      { logger: silentLogger, inbox: memoryInbox() },
    );
    await expect(adapter.start(async () => [])).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await api.close();
  });
});
