/**
 * The Slack Request URL through the real adapter, bolt and engine: what is refused before the
 * inbox (signature, size, shape), Slack's handshakes, the event stored before the 200, a failure
 * of the core retried from the inbox, and the modal whose answer carries validation errors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../../src/core/inbox/inbox.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { dmEvent, type Harness, SIGNING_SECRET, sign, startHarness, TEAM } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const clock = createTestClock(new Date());

function newInbox(store: LeadStore): Inbox {
  return createInbox({ store: store.inbox!, clock, logger: silentLogger, workerId: 'test', random: () => 0 });
}

/** A signed POST with any body; returns status and body text. */
async function signed(hh: Harness, body: string, contentType = 'application/json') {
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(hh.url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(SIGNING_SECRET, ts, body),
    },
    body,
  });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

describe('Slack Request URL', () => {
  it('refuses bodies that are not one JSON object, too large or unsigned, before storing anything', async () => {
    h = await startHarness();
    const refused: Record<string, number> = {};
    for (const body of ['null', '[]', '"x"', '42', 'not json'])
      refused[body] = (await signed(h, body)).status;
    refused['payload=null'] = (await signed(h, 'payload=null', 'application/x-www-form-urlencoded')).status;
    refused['payload=[1]'] = (
      await signed(h, `payload=${encodeURIComponent('[1]')}`, 'application/x-www-form-urlencoded')
    ).status;
    const big = JSON.stringify({
      type: 'event_callback',
      event_id: 'EvBIG',
      pad: 'x'.repeat(5 * 1024 * 1024),
    });
    refused['5 MB'] = (await signed(h, big)).status;
    refused.unsigned = (
      await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).status;
    console.log(`[slack-route] refused: ${JSON.stringify(refused)}`);
    expect(refused).toEqual({
      null: 400,
      '[]': 400,
      '"x"': 400,
      '42': 400,
      'not json': 400,
      'payload=null': 400,
      'payload=[1]': 400,
      '5 MB': 413,
      unsigned: 401,
    });
    expect(h.fake.calls).toHaveLength(0);
    // Still serving.
    expect((await signed(h, JSON.stringify({ type: 'url_verification', challenge: 'c-1' }))).text).toBe(
      '{"challenge":"c-1"}',
    );
  });

  it('answers ssl_check without a signature and url_verification with the challenge', async () => {
    h = await startHarness();
    const ssl = await fetch(h.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'ssl_check=1&token=x',
    });
    expect(ssl.status).toBe(200);
    const challenge = await signed(
      h,
      JSON.stringify({ token: 't', challenge: 'abc123', type: 'url_verification' }),
    );
    expect(challenge).toMatchObject({ status: 200, text: '{"challenge":"abc123"}' });
    expect(challenge.type).toContain('application/json');
  });
});

describe('Slack Request URL with a durable inbox', () => {
  it('stores the event before processing it, keeps it when processing failed, and retries it', async () => {
    const { createMemoryStore } = await import('../../../src/core/memory/memory-store.ts');
    const store = createMemoryStore();
    const inbox = newInbox(store);
    let failures = 1;
    const stored: (string | null)[] = [];
    h = await startHarness({
      store,
      inbox,
      wrap: (handle) => async (event) => {
        // While the core runs, the event is in the inbox, leased to this instance.
        stored.push((await store.inbox!.get('slack', 'event:EvFAIL1'))?.lockedBy ?? null);
        if (failures-- > 0) throw new Error('database away');
        return handle(event);
      },
    });
    expect(await h.event(dmEvent('U0RETRY', 'start', '1700002000.000001'), 'EvFAIL1')).toBe(200);
    await h.adapter.idle();
    await inbox.idle();
    expect(await store.inbox!.get('slack', 'event:EvFAIL1')).toMatchObject({
      status: 'pending',
      lastError: expect.stringContaining('database away'),
    });
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(0);
    clock.advance(1000); // the backoff
    expect(await inbox.runOnce()).toMatchObject({ processed: 1 });
    expect(await store.inbox!.get('slack', 'event:EvFAIL1')).toMatchObject({
      status: 'processed',
      attempts: 2,
    });
    const replies = h.fake.callsTo('chat.postMessage').length;
    expect(replies).toBeGreaterThan(0);
    clock.advance(60_000);
    expect(await inbox.runOnce()).toMatchObject({ processed: 0 });
    expect(h.fake.callsTo('chat.postMessage')).toHaveLength(replies);
    expect(
      await store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0RETRY' }),
    ).not.toBeNull();
    expect(stored).toEqual(['test', 'test']);
  });

  it('answers a modal submission with what its listener acked (validation errors)', async () => {
    h = await startHarness();
    const submission = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: 'U0REP', team_id: TEAM },
      trigger_id: 'trigger-empty',
      view: {
        id: 'V9',
        team_id: TEAM,
        callback_id: 'lb_nofit_modal',
        private_metadata: JSON.stringify({ leadId: 'nope', channel: 'C1', ts: '1.1' }),
        state: { values: { reason: { reason: { type: 'plain_text_input', value: '   ' } } } },
      },
    };
    const res = await signed(
      h,
      `payload=${encodeURIComponent(JSON.stringify(submission))}`,
      'application/x-www-form-urlencoded',
    );
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({
      response_action: 'errors',
      errors: { reason: 'Please say why.' },
    });
  });
});
