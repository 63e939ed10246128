/**
 * The inbox service over the memory store with a fake clock: processing at once, retries with
 * backoff after a failure, giving up, the replay of rows an instance left behind (at start and
 * by the poll loop), several instances sharing the rows, and what a resending client finds.
 */
import { describe, expect, it } from 'vitest';
import { createInbox, type Inbox } from '../../src/core/inbox/inbox.ts';
import { MemoryInbox } from '../../src/core/memory/memory-inbox.ts';
import type { InboxStore, JsonValue } from '../../src/core/ports/index.ts';
import { createTestClock, silentLogger, type TestClock } from '../helpers/engine.ts';

const SECOND = 1000;

function setup(store: InboxStore = new MemoryInbox(), clock: TestClock = createTestClock(), workerId = 'w1') {
  const seen: string[] = [];
  let failures = 0;
  const inbox = createInbox({
    store,
    clock,
    logger: silentLogger,
    workerId,
    leaseMs: 30 * SECOND,
    maxAttempts: 3,
    random: () => 0, // backoff without jitter: 1 s, 2 s, …
  });
  inbox.handle('slack', async (payload) => {
    if (failures > 0) {
      failures -= 1;
      throw new Error('database away');
    }
    seen.push(payload);
    return { echoed: JSON.parse(payload) as JsonValue };
  });
  return {
    inbox,
    store,
    clock,
    seen,
    failNext(n: number) {
      failures = n;
    },
  };
}

const receive = async (inbox: Inbox, id: string) => {
  const entry = await inbox.receive('slack', id, JSON.stringify({ id }));
  if (!entry) throw new Error('duplicate');
  return entry;
};

describe('inbox', () => {
  it('processes a received event once and drops its payload; a redelivery is refused', async () => {
    const t = setup();
    const entry = await receive(t.inbox, 'e1');
    expect(await t.inbox.receive('slack', 'e1', '{}')).toBeNull();
    expect(await t.inbox.run(entry)).toEqual({ echoed: { id: 'e1' } });
    expect(await t.store.get('slack', 'e1')).toMatchObject({
      status: 'processed',
      payload: null,
      result: null,
    });
    expect(t.seen).toEqual(['{"id":"e1"}']);
    expect(await t.inbox.runOnce()).toMatchObject({ processed: 0 });
  });

  it('retries a failed event after its backoff, keeps what the replay answered, and gives up after the last attempt', async () => {
    const t = setup();
    const entry = await receive(t.inbox, 'e2');
    t.failNext(1);
    await expect(t.inbox.run(entry)).rejects.toThrow('database away');
    const waiting = await t.store.get('slack', 'e2');
    expect(waiting).toMatchObject({ status: 'pending', lockedBy: null, lastError: 'Error: database away' });
    expect(waiting!.nextAttemptAt.getTime() - t.clock.now().getTime()).toBe(SECOND); // half of 2 s, no jitter
    expect(await t.inbox.runOnce()).toMatchObject({ processed: 0 }); // not due yet
    t.clock.advance(SECOND);
    expect(await t.inbox.runOnce()).toMatchObject({ processed: 1 });
    expect(await t.store.get('slack', 'e2')).toMatchObject({
      status: 'processed',
      attempts: 2,
      result: { echoed: { id: 'e2' } },
    });

    const doomed = await receive(t.inbox, 'e3');
    t.failNext(10);
    await expect(t.inbox.run(doomed)).rejects.toThrow();
    t.clock.advance(SECOND);
    expect(await t.inbox.runOnce()).toMatchObject({ retried: 1 });
    t.clock.advance(2 * SECOND);
    expect(await t.inbox.runOnce()).toMatchObject({ failed: 1 });
    expect(await t.store.get('slack', 'e3')).toMatchObject({
      status: 'failed',
      attempts: 3,
      payload: '{"id":"e3"}',
    });
    t.clock.advance(60 * SECOND);
    expect(await t.inbox.runOnce()).toMatchObject({ processed: 0, retried: 0, failed: 0 });
  });

  it('replays what a dead instance received once its lease ran out, each row on one instance', async () => {
    const store = new MemoryInbox();
    const clock = createTestClock();
    const dead = setup(store, clock, 'dead');
    for (let i = 0; i < 30; i++) await receive(dead.inbox, `d${i}`); // acknowledged, never processed
    const x = setup(store, clock, 'x');
    const y = setup(store, clock, 'y');
    expect(await x.inbox.runOnce()).toMatchObject({ processed: 0 }); // still leased to "dead"
    clock.advance(30 * SECOND);
    x.inbox.start(); // the start-up round runs at once
    y.inbox.start();
    await y.inbox.runOnce();
    for (let i = 0; i < 50 && x.seen.length + y.seen.length < 30; i++)
      await new Promise((r) => setTimeout(r, 10));
    await Promise.all([x.inbox.stop(), y.inbox.stop()]);
    const all = [...x.seen, ...y.seen].map((p) => JSON.parse(p).id as string).sort();
    expect(all).toEqual(Array.from({ length: 30 }, (_, i) => `d${i}`).sort());
    expect(x.seen.length).toBeGreaterThan(0);
    // One instance processes a person's replayed events in the order they were received.
    const order = x.seen.map((p) => Number(JSON.parse(p).id.slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('tells a resending client whether to process, wait, or take the stored answer', async () => {
    const t = setup();
    const other = setup(t.store, t.clock, 'w2');
    const entry = await receive(t.inbox, 'r1');
    expect(await other.inbox.retake('slack', 'r1')).toEqual({ kind: 'busy' });
    expect(await other.inbox.retake('slack', 'nope')).toEqual({ kind: 'missing' });
    t.clock.advance(31 * SECOND); // the receiver died
    const taken = await other.inbox.retake('slack', 'r1');
    expect(taken).toMatchObject({ kind: 'claimed', entry: { id: entry.id, lockedBy: 'w2' } });
    if (taken.kind !== 'claimed') throw new Error('unreachable');
    expect(await other.inbox.run(taken.entry)).toEqual({ echoed: { id: 'r1' } });
    expect(await t.inbox.retake('slack', 'r1')).toEqual({ kind: 'processed', result: null });
    // The late original finishing changes nothing.
    await t.store.markProcessed(entry.id, t.clock.now(), 'late');
    expect((await t.store.get('slack', 'r1'))?.result).toBeNull();
  });

  it('leaves a row whose lease ran out before the work began to the instance that took it', async () => {
    const t = setup();
    const other = setup(t.store, t.clock, 'w2');
    const stalled = await receive(t.inbox, 's1');
    t.clock.advance(31 * SECOND);
    expect(await other.inbox.runOnce()).toMatchObject({ processed: 1 }); // the poll loop took it
    expect(await t.inbox.run(stalled)).toEqual({ echoed: { id: 's1' } }); // what the replay kept
    expect([t.seen.length, other.seen.length]).toEqual([0, 1]);
    // Nobody took this one: the late receiver takes it back and processes it.
    const late = await receive(t.inbox, 's2');
    t.clock.advance(31 * SECOND);
    expect(await t.inbox.run(late)).toEqual({ echoed: { id: 's2' } });
    expect(await t.store.get('slack', 's2')).toMatchObject({ status: 'processed', attempts: 2 });
  });

  it('waits INBOX_TEST_DELAY_MS before processing a received event (the crash tests’ window)', async () => {
    const store = new MemoryInbox();
    const inbox = createInbox({
      store,
      clock: createTestClock(),
      logger: silentLogger,
      workerId: 'w',
      delayMs: 150,
    });
    let done = false;
    inbox.handle('web', async () => {
      done = true;
      return undefined;
    });
    const started = Date.now();
    const run = inbox.run((await inbox.receive('web', 'x', '{}'))!);
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    await run;
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(done).toBe(true);
  });
});
