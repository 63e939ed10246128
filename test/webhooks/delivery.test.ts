/**
 * Lead events reach a loopback receiver through the outbox: signed, retried with backoff,
 * never lost while the receiver is down, and written by the lead lifecycle in the same
 * transaction as the change.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { assignOwner, changeStage, createLead, forgetLead } from '../../src/core/lead-lifecycle.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import type { LeadEvents, LeadStore, NewLead } from '../../src/core/ports/index.ts';
import type { LeadEvent } from '../../src/core/webhooks/events.ts';
import { createWebhookLeadEvents, WEBHOOK_KIND } from '../../src/core/webhooks/lead-events.ts';
import { SIGNATURE_HEADER, verifyWebhook } from '../../src/core/webhooks/sign.ts';
import { createWebhookSink } from '../../src/core/webhooks/sink.ts';
import { createTestClock, createTestEngine, dm, silentLogger } from '../helpers/engine.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const SECRET = 'test-secret-0123456789';
let receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function setup(urls?: string[], format: 'leadbot' | 'hubspot' = 'leadbot') {
  const receiver = await startReceiver();
  receivers.push(receiver);
  const clock = createTestClock(new Date('2030-01-07T09:00:00Z'));
  const store = createMemoryStore();
  const events = createWebhookLeadEvents({ urls: urls ?? [receiver.url], format }, clock);
  const dispatcher = createOutboxDispatcher({
    store,
    sinks: { [WEBHOOK_KIND]: createWebhookSink({ secret: SECRET, clock }) },
    clock,
    logger: silentLogger,
    workerId: 'w1',
    random: () => 0,
    backoff: { baseMs: 1000, maxMs: 60_000 },
  });
  return { receiver, clock, store, events, dispatcher, ...lifecycle(store, events) };
}

/** The lifecycle's create and forget on `store`, each in a transaction of its own. */
function lifecycle(store: LeadStore, events: LeadEvents) {
  return {
    create: (input: NewLead) => store.transaction((tx) => createLead(tx, events, input)),
    forget: (id: string) => store.transaction((tx) => forgetLead(tx, events, id)),
  };
}

const events = (r: Receiver) => r.received.map((x) => JSON.parse(x.body) as LeadEvent);

async function qualifyToSql(store: LeadStore, events: LeadEvents, clock: ReturnType<typeof createTestClock>) {
  const { engine } = await createTestEngine({ store, clock, leadEvents: events });
  const say = (text: string) => engine.handle(dm({ kind: 'message', text }, { userId: 'u-sql' }));
  const pick = (v: string) => engine.handle(dm({ kind: 'choice', values: [v] }, { userId: 'u-sql' }));
  await say('hi');
  await pick('evaluating');
  await say('Acme');
  await pick('exec');
  await say('60');
  await pick('approved');
  await pick('month');
  await say('ann@acme.example');
  await say('yes');
  await say('yes');
}

describe('webhooks', () => {
  it('delivers signed lead events for a qualification, in order', async () => {
    const { receiver, clock, store, events: leadEvents, dispatcher } = await setup();
    await qualifyToSql(store, leadEvents, clock);
    while ((await dispatcher.runOnce()).delivered > 0);
    const got = events(receiver);
    expect(got.map((e) => `${e.type}${e.change ? `:${e.change.to}` : ''}`)).toEqual([
      'lead.created',
      'lead.stage_changed:MQL',
      'lead.stage_changed:SQL',
    ]);
    expect(got[2]!.lead).toMatchObject({ stage: 'SQL', company: 'Acme', email: 'ann@acme.example' });
    for (const r of receiver.received) {
      expect(verifyWebhook(SECRET, r.body, r.headers[SIGNATURE_HEADER] as string, clock.now())).toBe(true);
      expect(verifyWebhook('wrong-secret', r.body, r.headers[SIGNATURE_HEADER] as string, clock.now())).toBe(
        false,
      );
      expect(r.headers['x-leadbot-delivery']).toMatch(/^webhook:/);
    }
    const tampered = receiver.received[0]!.body.replace('lead.created', 'lead.claimed');
    expect(
      verifyWebhook(SECRET, tampered, receiver.received[0]!.headers[SIGNATURE_HEADER] as string, clock.now()),
    ).toBe(false);
    const late = new Date(clock.now().getTime() + 10 * 60_000);
    expect(
      verifyWebhook(
        SECRET,
        receiver.received[0]!.body,
        receiver.received[0]!.headers[SIGNATURE_HEADER] as string,
        late,
      ),
    ).toBe(false);
  });

  it('retries 5xx with backoff and keeps each attempt on the row', async () => {
    const { receiver, clock, store, create, dispatcher } = await setup();
    receiver.script.push(500, 503);
    await create({ name: 'Ann' });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect((await dispatcher.runOnce()).retried).toBe(0); // not due yet (backoff 500 ms)
    clock.advance(600);
    expect((await dispatcher.runOnce()).retried).toBe(1);
    clock.advance(1100);
    expect((await dispatcher.runOnce()).delivered).toBe(1);
    const [row] = await store.outbox.list({ kind: WEBHOOK_KIND });
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, externalRef: 'HTTP 200' });
    expect(row!.lastError).toContain('HTTP 503');
    // Same event id on every retry, so the receiver can de-duplicate.
    expect(new Set(events(receiver).map((e) => e.id)).size).toBe(1);
  });

  it('loses nothing while the receiver is down', async () => {
    const first = await startReceiver();
    const url = first.url;
    const port = Number(new URL(url).port);
    await first.close();
    const { clock, create, dispatcher } = await setup([url]);
    await create({ name: 'Ann' });
    await create({ name: 'Bob' });
    expect((await dispatcher.runOnce()).retried).toBe(2);
    clock.advance(60_000);
    expect((await dispatcher.runOnce()).retried).toBe(2);
    const back = await startReceiver(port);
    receivers.push(back);
    clock.advance(60_000);
    expect((await dispatcher.runOnce()).delivered).toBe(2);
    expect(
      events(back)
        .map((e) => e.lead?.name)
        .sort(),
    ).toEqual(['Ann', 'Bob']);
  });

  it('gives up at once on a 4xx refusal and waits for Retry-After on 429', async () => {
    const { receiver, clock, store, create, dispatcher } = await setup();
    receiver.script.push(429, 410);
    await create({ name: 'Ann' });
    expect((await dispatcher.runOnce()).retried).toBe(1);
    const [waiting] = await store.outbox.list({ kind: WEBHOOK_KIND });
    expect(waiting!.nextAttemptAt.getTime() - clock.now().getTime()).toBe(30_000);
    clock.advance(30_000);
    expect((await dispatcher.runOnce()).failed).toBe(1);
    expect((await store.outbox.list({ kind: WEBHOOK_KIND }))[0]).toMatchObject({ status: 'failed' });
  });

  it('announces claims, disqualifications and forgotten leads; the forgotten event carries no personal data', async () => {
    const { receiver, clock, store, events: leadEvents, create, forget, dispatcher } = await setup();
    const a = await create({ name: 'Ann', email: 'ann@example.com' });
    await store.transaction((tx) => assignOwner(tx, leadEvents, a.id, 'slack:U1', 'slack:U1', clock.now()));
    await store.transaction((tx) =>
      changeStage(tx, leadEvents, {
        leadId: a.id,
        to: 'disqualified',
        reason: 'Not a fit: student',
        actor: 'slack:U1',
        now: clock.now(),
      }),
    );
    while ((await dispatcher.runOnce()).delivered > 0);
    await forget(a.id);
    while ((await dispatcher.runOnce()).delivered > 0);
    const got = events(receiver);
    expect(got.map((e) => e.type)).toEqual([
      'lead.created',
      'lead.claimed',
      'lead.stage_changed',
      'lead.disqualified',
      'lead.forgotten',
    ]);
    expect(got[1]!.ownerId).toBe('slack:U1');
    expect(got[3]!.change).toMatchObject({ to: 'disqualified', actor: 'slack:U1' });
    expect(got[4]).toEqual({
      id: `forgotten:${a.id}`,
      type: 'lead.forgotten',
      leadId: a.id,
      occurredAt: expect.any(String),
    });
    expect(receiver.received[4]!.body).not.toContain('ann@example.com');
  });

  it('writes the rows in the change transaction: a rollback leaves none', async () => {
    const { store, events: leadEvents } = await setup();
    await expect(
      store.transaction(async (tx) => {
        await createLead(tx, leadEvents, { name: 'Ann' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.outbox.list({ kind: WEBHOOK_KIND })).toEqual([]);
  });

  it('maps events to HubSpot contact properties when asked', async () => {
    const { receiver, create, dispatcher } = await setup(undefined, 'hubspot');
    await create({
      name: 'Ann Lee',
      email: 'ann@example.com',
      company: 'Acme',
      source: { campaign: 'spring' },
    });
    await dispatcher.runOnce();
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({
      idProperty: 'email',
      id: 'ann@example.com',
      properties: {
        firstname: 'Ann',
        lastname: 'Lee',
        email: 'ann@example.com',
        company: 'Acme',
        lifecyclestage: 'subscriber',
        hs_lead_status: 'NEW',
        leadbot_campaign: 'spring',
      },
      event: { type: 'lead.created' },
    });
  });

  it('one row per endpoint: a failing endpoint does not hold back another', async () => {
    const other = await startReceiver();
    receivers.push(other);
    const { create, dispatcher } = await setup([other.url, 'http://127.0.0.1:1/nothing']);
    await create({ name: 'Ann' });
    expect(await dispatcher.runOnce()).toMatchObject({ delivered: 1, retried: 1 });
    expect(events(other)).toHaveLength(1);
  });

  it('without URLs the lifecycle writes no webhook row', async () => {
    const store = createMemoryStore();
    const clock = createTestClock();
    const none = createWebhookLeadEvents({ urls: [], format: 'leadbot' }, clock);
    const { create, forget } = lifecycle(store, none);
    const a = await create({ name: 'Ann' });
    await store.transaction((tx) => assignOwner(tx, none, a.id, 'slack:U1', 'slack:U1', clock.now()));
    await store.transaction((tx) =>
      changeStage(tx, none, {
        leadId: a.id,
        to: 'disqualified',
        reason: 'x',
        actor: 'slack:U1',
        now: clock.now(),
      }),
    );
    await forget(a.id);
    expect(await store.outbox.list({ kind: WEBHOOK_KIND })).toEqual([]);
  });
});

describe('webhooks on SQLite', () => {
  it('forgetting a lead drops its undelivered events and announces only its id', async () => {
    const { storeBackends } = await import('../helpers/stores.ts');
    const opened = (await storeBackends()
      .find((b) => b.name === 'sqlite')!
      .open())!;
    const clock = createTestClock(new Date('2030-01-07T09:00:00Z'));
    const store = opened.store;
    const leadEvents = createWebhookLeadEvents({ urls: ['http://127.0.0.1:1/x'], format: 'leadbot' }, clock);
    const { create, forget } = lifecycle(store, leadEvents);
    try {
      const lead = await create({ name: 'Ann', email: 'ann@example.com' });
      await store.transaction((tx) =>
        changeStage(tx, leadEvents, {
          leadId: lead.id,
          to: 'MQL',
          reason: 'test',
          actor: 'engine',
          now: clock.now(),
        }),
      );
      expect((await store.outbox.list({ kind: WEBHOOK_KIND })).map((r) => r.idempotencyKey)).toHaveLength(2);
      await forget(lead.id);
      const rows = await store.outbox.list({ kind: WEBHOOK_KIND });
      expect(rows.map((r) => r.idempotencyKey)).toEqual([`webhook:forgotten:${lead.id}:0`]);
      expect(JSON.stringify(rows[0]!.payload)).not.toContain('ann@example.com');
    } finally {
      await opened.cleanup();
    }
  });
});
