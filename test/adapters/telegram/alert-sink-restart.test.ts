/**
 * The documented limit of the Telegram sink, pinned down so nobody mistakes it for a bug or
 * "fixes" the docs instead: a bot cannot search the sales chat, so a new process (a restart
 * after a crash between posting and marking) posts the same key again. Within one process
 * the key is honoured.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramAlertSink } from '../../../adapters/telegram/alert-sink.ts';
import type { AlertPayload } from '../../../src/core/ports/index.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { silentLogger } from '../../helpers/engine.ts';

const alert: AlertPayload = {
  leadId: 'lead-1',
  name: 'Jane',
  company: 'Acme',
  email: null,
  platform: 'telegram',
  source: { platform: 'telegram', workspaceId: '', channelId: '7001', campaign: null },
  stage: 'SQL',
  score: 90,
  reason: 'Score reached 60',
  answers: [],
  breakdown: [],
  conversationId: null,
};

let api: FakeTelegramApi;
beforeEach(async () => {
  api = await startFakeTelegramApi();
});
afterEach(() => api.close());

describe('telegram sales alert sink across a restart', () => {
  it('is at-least-once: a new process posts a key the crashed one had already posted', async () => {
    const make = () =>
      createTelegramAlertSink(
        { token: api.token, apiRoot: api.apiRoot, salesChatId: '-100555' },
        { logger: silentLogger },
      );
    const before = make();
    await before.deliver(alert, 'sales_alert:1');
    await before.deliver(alert, 'sales_alert:1');
    expect(api.sent(-100555)).toHaveLength(1);
    // The process died before markDelivered; the next one cannot find the earlier message.
    await make().deliver(alert, 'sales_alert:1');
    expect(api.sent(-100555)).toHaveLength(2);
  });
});
