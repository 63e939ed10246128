/**
 * The web chat through the durable inbox, as after a crash: an event stored by an instance that
 * died is taken over at once by the widget's retry (which gets the replies) and — when the poll
 * loop replayed it first — the retry gets the replies the replay kept. Another visitor reusing
 * the event id reads nothing of it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { webInboxKey } from '../../adapters/web/durable.ts';
import { toInboundEvent } from '../../adapters/web/inbound.ts';
import type { WebMessage } from '../../adapters/web/outbound.ts';
import { createInbox, type Inbox } from '../../src/core/inbox/inbox.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { createTestClock, silentLogger, type TestClock } from '../helpers/engine.ts';
import { newId, startWebHarness, type WebHarness } from './harness.ts';

let h: WebHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Setup {
  store: LeadStore;
  clock: TestClock;
  inbox: Inbox;
  /** An instance that stored events and died before processing them. */
  dead: Inbox;
}

function setup(): Setup {
  const store = createMemoryStore();
  const clock = createTestClock(new Date());
  const make = (workerId: string) =>
    createInbox({ store: store.inbox!, clock, logger: silentLogger, workerId, leaseMs: 30_000 });
  return { store, clock, inbox: make('alive'), dead: make('dead') };
}

/** Stores the widget body as the dead instance did; returns the body. */
async function storedByDeadInstance(s: Setup, body: Record<string, unknown>) {
  const raw = JSON.stringify(body);
  const event = toInboundEvent(body)!;
  expect(await s.dead.receive('web', webInboxKey(event), raw)).not.toBeNull();
  return raw;
}

async function post(hh: WebHarness, raw: string) {
  const res = await fetch(`${hh.base}/api/chat/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: raw,
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as { messages?: WebMessage[]; error?: string },
  };
}

describe('web chat with the durable inbox', () => {
  it('a retry takes over the event a dead instance stored, at once, and answers its replies', async () => {
    const s = setup();
    h = await startWebHarness({ store: s.store, inbox: s.inbox });
    // The first answer (a web start writes nothing: the lead comes with the first answer).
    const raw = await storedByDeadInstance(s, {
      kind: 'choice',
      stepId: 'need',
      values: ['evaluating'],
      visitorId: 'visitor_01',
      eventId: newId(),
    });
    // The dead instance's lease has not run out: the widget resends only what got no answer.
    const retry = await post(h, raw);
    expect(retry.status).toBe(200);
    expect(retry.body.messages?.length).toBeGreaterThan(0);
    // Answered once: the same retry again gets an empty answer, and the lead has one conversation.
    expect((await post(h, raw)).body.messages).toEqual([]);
    const lead = await s.store.findLeadByIdentity({ platform: 'web', workspaceId: '', userId: 'visitor_01' });
    expect(await s.store.listConversations(lead!.id)).toHaveLength(1);
  });

  it('a retry after the poll loop replayed the event gets the replies the replay kept', async () => {
    const s = setup();
    h = await startWebHarness({ store: s.store, inbox: s.inbox });
    const eventId = newId();
    const raw = await storedByDeadInstance(s, {
      kind: 'command',
      name: 'start',
      visitorId: 'visitor_02',
      eventId,
    });
    s.clock.advance(30_000);
    expect(await s.inbox.runOnce()).toMatchObject({ processed: 1 });
    const retry = await post(h, raw);
    expect(retry.status).toBe(200);
    expect(retry.body.messages?.[0]?.kind).toBeDefined();
    expect(retry.body.messages?.length).toBeGreaterThan(0);
    // Another visitor with the same event id is another inbox row: it takes over nothing of the first.
    const otherBody = { kind: 'command', name: 'start', visitorId: 'visitor_03', eventId } as const;
    expect((await post(h, JSON.stringify(otherBody))).status).toBe(200);
    const keys = [raw, JSON.stringify(otherBody)].map((r) => webInboxKey(toInboundEvent(JSON.parse(r))!));
    expect(keys[0]).not.toBe(keys[1]);
    expect(await s.store.inbox!.get('web', keys[1]!)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(keys.join()).not.toContain('visitor'); // hashed: no visitor id in the table
  });
});
