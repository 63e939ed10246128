/**
 * The Telegram webhook through the real adapter and grammY: what is refused before the inbox
 * (secret, size, shape), and an update stored before the 200 whose failed processing is
 * retried from the inbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent, OutboundMessage } from '../../../src/core/events.ts';
import { createInbox } from '../../../src/core/inbox/inbox.ts';
import { createMemoryStore } from '../../../src/core/memory/memory-store.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { type Harness, person, SECRET, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function post(h: Harness, body: string, secret: string | null = SECRET) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
  const res = await fetch(h.api.webhook!.url, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}

describe('telegram webhook input', () => {
  it('refuses what is not one update, too large or without the secret, and stays up', async () => {
    const events: InboundEvent[] = [];
    const handler = async (e: InboundEvent) => {
      events.push(e);
      return [];
    };
    harness = await startHarness('webhook', handler, silentLogger);
    const h = harness;
    const refused: Record<string, number> = {};
    for (const body of ['null', '[]', '"x"', '{}', '{"update_id":"7"}', '{"update_id":1.5}', '{']) {
      refused[body] = await post(h, body);
    }
    refused['50 MB'] = await post(h, JSON.stringify({ update_id: 9, pad: 'x'.repeat(50 * 1024 * 1024) }));
    refused['wrong secret'] = await post(h, '{"update_id":10}', `${SECRET}x`);
    refused['no secret'] = await post(h, '{"update_id":11}', null);
    console.log(`[telegram-webhook] refused: ${JSON.stringify(refused)}`);
    expect(refused).toEqual({
      null: 400,
      '[]': 400,
      '"x"': 400,
      '{}': 400,
      '{"update_id":"7"}': 400,
      '{"update_id":1.5}': 400,
      '{': 400,
      '50 MB': 413,
      'wrong secret': 401,
      'no secret': 401,
    });
    expect(events).toHaveLength(0);
    const ada = person(h);
    expect(await ada.say('still here')).toBe(200);
    expect(events).toHaveLength(1);
  });

  it('stores an update before processing it and retries it from the inbox when processing failed', async () => {
    const store = createMemoryStore();
    const clock = createTestClock(new Date());
    const inbox = createInbox({
      store: store.inbox!,
      clock,
      logger: silentLogger,
      workerId: 'tg',
      random: () => 0,
    });
    let failures = 1;
    const leases: (string | null)[] = [];
    const reply: OutboundMessage[] = [{ kind: 'info', text: 'noted' }];
    harness = await startHarness(
      'webhook',
      async (e) => {
        leases.push((await store.inbox!.get('telegram', e.eventId))?.lockedBy ?? null);
        if (failures-- > 0) throw new Error('database away');
        return reply;
      },
      silentLogger,
      { deps: { inbox } },
    );
    const ada = person(harness);
    const update = ada.textUpdate('hello');
    expect(await harness.deliver(update)).toBe(200);
    const id = String(update.update_id);
    expect(await store.inbox!.get('telegram', id)).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('database away'),
    });
    expect(harness.api.sent(ada.chat.id)).toHaveLength(0);
    // A redelivery is answered 200 and not processed a second time.
    expect(await harness.deliver(update)).toBe(200);
    expect(leases).toHaveLength(1);
    clock.advance(1000);
    expect(await inbox.runOnce()).toMatchObject({ processed: 1 });
    expect(await store.inbox!.get('telegram', id)).toMatchObject({ status: 'processed', attempts: 2 });
    expect(harness.api.sent(ada.chat.id).map((m) => m.text)).toEqual(['noted']);
    expect(leases).toEqual(['tg', 'tg']);
  });
});
