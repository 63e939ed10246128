/**
 * The handoff relay's delivery side (src/app/handoff-wiring.ts) on every store: rows written by
 * the real use cases are routed by the dispatcher to the messenger of the person's platform and
 * the thread of the alert's sink that adapters registered; a crash between delivering and
 * marking delivers once (the parts find their own key); a row whose part nobody registered
 * fails for good, saying what is missing; the web chat's transcript messenger is the fallback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandoffChannels, createHandoffWiring, handoffSinks } from '../../src/app/handoff-wiring.ts';
import { relayRepMessage } from '../../src/core/handoff/relay-rep-message.ts';
import { SALES_ALERT } from '../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher, type OutboxDispatcherOptions } from '../../src/core/outbox/dispatcher.ts';
import {
  ALERT_REMINDER,
  HANDOFF_TO_PROSPECT,
  HANDOFF_TO_SALES,
  type LeadStore,
  type ProspectDelivery,
  type ProspectMessenger,
  type SalesThread,
  type ThreadPost,
} from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { createTestClock, createTestEngine, dm, silentLogger } from '../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

/** A messenger that, like Slack's metadata search, finds what it delivered under a key. */
function fakeMessenger(platform: string) {
  const sent = new Map<string, ProspectDelivery>();
  let calls = 0;
  const messenger: ProspectMessenger = {
    platform,
    async deliver(delivery, key) {
      calls++;
      if (!sent.has(key)) sent.set(key, delivery);
      return { externalRef: `${platform}-msg-${key}` };
    },
  };
  return { messenger, sent, calls: () => calls };
}

function fakeThread(sink: string) {
  const posted = new Map<string, ThreadPost>();
  const thread: SalesThread = {
    sink,
    async post(post, key) {
      if (!posted.has(key)) posted.set(key, post);
      return { externalRef: `${sink}-reply-${key}` };
    },
  };
  return { thread, posted };
}

for (const backend of storeBackends()) {
  describe(`handoff delivery on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    beforeAll(async () => {
      opened = await backend.open();
      if (opened) store = opened.store;
    });
    afterAll(async () => opened?.cleanup());

    it('delivers each row once across a crash between delivering and marking it delivered', async () => {
      if (!opened) return;
      // A Telegram prospect with a delivered alert in Slack, claimed by the rep.
      const clock = createTestClock(new Date(Date.now() + 60_000)); // rows are due at wall-clock time
      const { engine } = await createTestEngine({ store, clock });
      const from = {
        platform: 'telegram',
        workspaceId: '',
        channelId: '4242',
        userId: 'P42',
        displayName: 'Pat',
      };
      await engine.handle(dm({ kind: 'command', name: 'start' }, from));
      const lead = (await store.findLeadByIdentity(from))!;
      await store.enqueueOutbox({
        kind: SALES_ALERT,
        idempotencyKey: 'sales_alert:w1',
        leadId: lead.id,
        payload: {},
      });
      const [alertRow] = await store.outbox.claim({
        workerId: 'a',
        limit: 1,
        now: clock.now(),
        leaseMs: 1,
        kinds: [SALES_ALERT],
      });
      await store.outbox.markDelivered(alertRow!.id, 'a', '1700.000200', clock.now());
      await store.updateLead(lead.id, { ownerId: 'slack:UREP' });
      const alert = { sink: 'slack', externalRef: '1700.000200' };
      const deps = { store, leadEvents: NO_LEAD_EVENTS, clock };
      const input = {
        alert,
        rep: 'slack:UREP',
        repName: 'Ana',
        text: 'Hi Pat',
        event: { platform: 'slack', eventId: 'r1' },
      };
      expect((await relayRepMessage(deps, input)).outcome).toBe('relayed');
      await engine.handle(dm({ kind: 'message', text: 'Hello Ana' }, from));
      const reminder: ThreadPost = {
        leadId: lead.id,
        alert,
        post: { kind: 'reminder', minutes: 10, mention: null, round: 1 },
      };
      await store.enqueueOutbox({
        kind: ALERT_REMINDER,
        idempotencyKey: 'alert_reminder:w1',
        leadId: lead.id,
        payload: reminder as never,
      });

      const channels = createHandoffChannels();
      const telegram = fakeMessenger('telegram');
      const slack = fakeThread('slack');
      channels.register(telegram.messenger);
      channels.register(slack.thread);
      const run = (over: Partial<OutboxDispatcherOptions>) =>
        createOutboxDispatcher({
          store,
          sinks: handoffSinks(channels),
          clock,
          logger: silentLogger,
          workerId: 'w',
          leaseMs: 30_000,
          ...over,
        }).runOnce();
      const o = store.outbox;
      const dying = {
        outbox: {
          ...o,
          claim: o.claim.bind(o),
          markFailed: o.markFailed.bind(o),
          markDelivered: async () => {
            throw new Error('killed before markDelivered');
          },
        },
      };
      await run({ store: dying, workerId: 'dead' });
      expect(telegram.sent.size).toBe(2);
      expect(slack.posted.size).toBe(2);
      expect(await run({ workerId: 'w2' })).toEqual({ delivered: 0, retried: 0, failed: 0 }); // still leased
      clock.advance(30_001);
      expect(await run({ workerId: 'w2' })).toEqual({ delivered: 4, retried: 0, failed: 0 });
      expect(telegram.calls()).toBe(4); // asked twice, delivered once each
      expect([...telegram.sent.values()].map((d) => d.message)).toEqual([
        { kind: 'joined', repName: 'Ana' },
        { kind: 'rep', repName: 'Ana', text: 'Hi Pat' },
      ]);
      expect([...telegram.sent.values()][1]?.to).toEqual({
        platform: 'telegram',
        workspaceId: '',
        userId: 'P42',
        channelId: '4242',
      });
      expect([...slack.posted.values()].map((p) => p.post.kind)).toEqual(['prospect', 'reminder']);
      const rows = (await store.outbox.list()).filter(
        (r) =>
          r.leadId === lead.id && [HANDOFF_TO_PROSPECT, HANDOFF_TO_SALES, ALERT_REMINDER].includes(r.kind),
      );
      expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
      expect(rows.find((r) => r.kind === HANDOFF_TO_SALES)?.externalRef).toMatch(
        /^slack-reply-handoff_to_sales:/,
      );
    });

    it('fails a row for good when no started adapter registered its part, saying which', async () => {
      if (!opened) return;
      const clock = createTestClock(new Date(Date.now() + 60_000));
      const payload: ProspectDelivery = {
        leadId: 'L-none',
        handoffId: 'H',
        messageId: 'M-none',
        to: { platform: 'discord', workspaceId: 'G', userId: 'U', channelId: 'U' },
        message: { kind: 'rep', repName: 'Ana', text: 'hi' },
      };
      await store.enqueueOutbox({
        kind: HANDOFF_TO_PROSPECT,
        idempotencyKey: 'handoff_to_prospect:M-none',
        leadId: null,
        payload: payload as never,
      });
      const sinks = handoffSinks(createHandoffChannels());
      const d = createOutboxDispatcher({ store, sinks, clock, logger: silentLogger, workerId: 'x' });
      expect((await d.runOnce()).failed).toBeGreaterThanOrEqual(1);
      const row = (await store.outbox.list({ kind: HANDOFF_TO_PROSPECT })).find((r) =>
        r.idempotencyKey.endsWith('M-none'),
      );
      expect(row).toMatchObject({ status: 'failed' });
      expect(row?.lastError).toContain('no handoff messenger for discord is registered');
    });
  });
}

it('hands the adapters the registry and HANDOFF_REPLIERS; only what an adapter registered is there', async () => {
  const wiring = createHandoffWiring({
    config: { handoffRepliers: 'channel' },
    store: (await import('../../src/core/memory/memory-store.ts')).createMemoryStore(),
    clock: createTestClock(),
    logger: silentLogger,
  });
  expect(wiring.deps.handoffRepliers).toBe('channel');
  const stop = wiring.start();
  expect(wiring.channels.messenger('web')).toBeUndefined();
  expect(wiring.channels.messenger('telegram')).toBeUndefined();
  await stop();
});
