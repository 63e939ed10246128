import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramAlertSink } from '../../../adapters/telegram/alert-sink.ts';
import type { AlertPayload } from '../../../src/core/ports/index.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { silentLogger } from '../../helpers/engine.ts';

const alert: AlertPayload = {
  leadId: 'lead-1',
  name: '<b>Jane</b> @everyone',
  company: 'Acme [x](https://evil.example)',
  email: 'jane@acme.example',
  platform: 'telegram',
  source: { platform: 'telegram', workspaceId: '', channelId: '7001', campaign: 'webinar_nov' },
  stage: 'SQL',
  score: 120,
  reason: 'Score reached 115',
  answers: [{ stepId: 'budget', question: 'Is there a budget for this?', answer: 'Yes, approved' }],
  breakdown: [{ ruleId: 'budget', points: 25, reason: 'Budget approved' }],
  conversationId: 'c-1',
};

let api: FakeTelegramApi;
beforeEach(async () => {
  api = await startFakeTelegramApi();
});
afterEach(async () => {
  await api.close();
});

describe('telegram sales alert sink', () => {
  it('posts the alert as inert plain text to the sales chat, once per key', async () => {
    const sink = createTelegramAlertSink(
      { token: api.token, apiRoot: api.apiRoot, salesChatId: '-100555' },
      { logger: silentLogger },
    );
    const first = await sink.deliver(alert, 'alert:lead-1');
    const again = await sink.deliver(alert, 'alert:lead-1');
    expect(again).toEqual(first);
    const sent = api.sent(-100555);
    expect(sent).toHaveLength(1);
    expect(first.externalRef).toBe(`-100555:${sent[0]?.message_id}`);
    expect(sent[0]?.payload).not.toHaveProperty('parse_mode');
    expect(sent[0]?.text).toContain('<b>Jane</b>');
    expect(sent[0]?.text).not.toMatch(/@[a-z]/);
    expect(sent[0]?.text).toContain('webinar_nov');
    expect(sent[0]?.text).toContain('+25 Budget approved');
  });

  it('turns a refusal into PLATFORM_ERROR', async () => {
    api.failNext('sendMessage', {
      error_code: 403,
      description: 'Forbidden: bot is not a member of the chat',
    });
    const sink = createTelegramAlertSink(
      { token: api.token, apiRoot: api.apiRoot, salesChatId: '-100555' },
      { logger: silentLogger },
    );
    await expect(sink.deliver(alert, 'k')).rejects.toMatchObject({ code: 'PLATFORM_ERROR' });
  });

  it('leaves a 429 to the outbox dispatcher with its retry_after', async () => {
    api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    const sink = createTelegramAlertSink(
      { token: api.token, apiRoot: api.apiRoot, salesChatId: '-100555' },
      { logger: silentLogger },
    );
    await expect(sink.deliver(alert, 'k')).rejects.toMatchObject({ retryAfterMs: 7000, permanent: false });
    expect(api.sent(-100555)).toHaveLength(0); // no retry inside the sink
  });
});
