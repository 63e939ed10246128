/**
 * Escalation of unclaimed alerts on every store (memory, SQLite, PostgreSQL), with a fake
 * clock: an alert delivered and left unclaimed gets one `alert_reminder` row after one
 * interval naming the next rep of the rotation, a second after two naming the manager, never a
 * third; a claim or a disqualification stops it; two instances running the job write one row
 * per round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changeStage, createLead } from '../../../src/core/lead-lifecycle.ts';
import { ALERT_REMINDER, type LeadStore, type ThreadPost } from '../../../src/core/ports/index.ts';
import { claimLead } from '../../../src/core/sales/claim-lead.ts';
import { type EscalationSettings, escalateAlerts } from '../../../src/core/sales/escalate-alerts.ts';
import { rejectLead } from '../../../src/core/sales/reject-lead.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { createTestClock, silentLogger } from '../../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../../helpers/stores.ts';

const MIN = 60_000;
const settings: EscalationSettings = {
  intervalMs: 10 * MIN,
  sink: 'slack',
  reps: ['UANA', 'UBEN', 'UCLEO'],
  counter: 'slack:sales-reps',
  escalateTo: 'SMANAGERS',
};

for (const backend of storeBackends()) {
  describe(`escalation of unclaimed alerts on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    // Rows are due from their insert time on the real clock: the fake one runs an hour ahead.
    const clock = createTestClock(new Date(Date.now() + 60 * MIN));
    const deps = () => ({ store, clock, logger: silentLogger });
    beforeAll(async () => {
      opened = await backend.open();
      if (!opened) return;
      store = opened.store;
      // The rotation gave the first lead to UANA: UBEN is next.
      await store.counters.next(settings.counter);
    });
    afterAll(async () => {
      await opened?.cleanup();
    });

    /** A lead that reached SQL and whose alert the sink posted now, as the dispatcher records it. */
    async function alertedLead(user: string) {
      const lead = await store.transaction(async (tx) => {
        const created = await createLead(
          tx,
          NO_LEAD_EVENTS,
          { stage: 'MQL', name: user },
          {
            platform: 'telegram',
            workspaceId: 'tg',
            userId: user,
          },
        );
        const now = clock.now();
        await changeStage(tx, NO_LEAD_EVENTS, {
          leadId: created.id,
          to: 'SQL',
          reason: 'score',
          actor: 'system',
          now,
        });
        return created;
      });
      const [row] = await store.outbox.claim({
        workerId: 'w',
        limit: 1,
        now: clock.now(),
        leaseMs: MIN,
        kinds: ['sales_alert'],
      });
      expect(row?.leadId).toBe(lead.id);
      await store.outbox.markDelivered(row!.id, 'w', `ts-${user}`, clock.now());
      return { lead, alertId: row!.id };
    }

    /** The reminder rows of one alert: key → payload. */
    async function reminders(alertId: string) {
      const rows = await store.outbox.list({ kind: ALERT_REMINDER });
      return Object.fromEntries(
        rows
          .filter((r) => r.idempotencyKey.includes(`:${alertId}:`))
          .map((r) => [r.idempotencyKey, r.payload as unknown as ThreadPost]),
      );
    }

    it('unclaimed: one reminder after 10 min naming the next rep, a second after 20 naming the manager, never a third', async (ctx) => {
      if (!opened) return ctx.skip();
      const { lead, alertId } = await alertedLead('UNCLAIMED');
      clock.advance(10 * MIN - 1000);
      await escalateAlerts(deps(), settings);
      expect(await reminders(alertId)).toEqual({});

      clock.advance(1000);
      await escalateAlerts(deps(), settings);
      await escalateAlerts(deps(), settings); // a second pass at the same time adds nothing
      expect(await reminders(alertId)).toEqual({
        [`alert_reminder:${alertId}:1`]: {
          leadId: lead.id,
          alert: { sink: 'slack', externalRef: 'ts-UNCLAIMED' },
          post: { kind: 'reminder', minutes: 10, mention: 'UBEN', round: 1 },
        },
      });
      // peek named UBEN without taking the turn: the next lead still goes to UBEN.
      expect(await store.counters.peek(settings.counter)).toBe(1);

      clock.advance(10 * MIN);
      await escalateAlerts(deps(), settings);
      const two = await reminders(alertId);
      expect(Object.keys(two).sort()).toEqual([`alert_reminder:${alertId}:1`, `alert_reminder:${alertId}:2`]);
      expect(two[`alert_reminder:${alertId}:2`]?.post).toEqual({
        kind: 'reminder',
        minutes: 20,
        mention: 'SMANAGERS',
        round: 2,
      });

      for (const later of [10 * MIN, 30 * MIN, 5 * 60 * MIN]) {
        clock.advance(later);
        await escalateAlerts(deps(), settings);
      }
      expect(Object.keys(await reminders(alertId))).toHaveLength(2);
    });

    it('claimed before 10 min: no reminder, ever', async (ctx) => {
      if (!opened) return ctx.skip();
      const { lead, alertId } = await alertedLead('CLAIMED');
      clock.advance(4 * MIN);
      await claimLead(
        { store, leadEvents: NO_LEAD_EVENTS, clock },
        { leadId: lead.id, rep: 'slack:UANA', event: { platform: 'slack', eventId: 'claim:esc' } },
      );
      for (const step of [6 * MIN, 10 * MIN, 10 * MIN]) {
        clock.advance(step);
        await escalateAlerts(deps(), settings);
      }
      expect(await reminders(alertId)).toEqual({});
    });

    it('disqualified (Not a fit): no reminder', async (ctx) => {
      if (!opened) return ctx.skip();
      const { lead, alertId } = await alertedLead('NOTAFIT');
      clock.advance(MIN);
      await rejectLead(
        { store, leadEvents: NO_LEAD_EVENTS, clock },
        {
          leadId: lead.id,
          rep: 'slack:UANA',
          reason: 'student',
          event: { platform: 'slack', eventId: 'nofit:esc' },
        },
      );
      clock.advance(25 * MIN);
      await escalateAlerts(deps(), settings);
      expect(await reminders(alertId)).toEqual({});
    });

    it('a rep already replying to the prospect in the thread (without a claim): no reminder', async (ctx) => {
      if (!opened) return ctx.skip();
      const { lead, alertId } = await alertedLead('REPLIED');
      clock.advance(3 * MIN);
      const handoff = await store.handoffs.open({
        leadId: lead.id,
        alert: { sink: 'slack', externalRef: 'ts-REPLIED' },
        prospect: { platform: 'telegram', workspaceId: 'tg', userId: 'REPLIED', channelId: 'REPLIED' },
        openedBy: 'slack:UBEN',
        openedByName: 'Ben',
        openedAt: clock.now(),
      });
      const line = { leadId: lead.id, handoffId: handoff.id, author: 'slack:UBEN', authorName: 'Ben' };
      await store.handoffs.addMessage({
        ...line,
        direction: 'notice',
        text: 'Ben joined',
        createdAt: clock.now(),
      });
      clock.advance(8 * MIN);
      await escalateAlerts(deps(), settings);
      // A notice is not a reply: the alert is still waiting for one.
      expect(Object.keys(await reminders(alertId))).toEqual([`alert_reminder:${alertId}:1`]);
      await store.handoffs.addMessage({
        ...line,
        direction: 'to_prospect',
        text: 'Hi!',
        createdAt: clock.now(),
      });
      clock.advance(10 * MIN);
      await escalateAlerts(deps(), settings);
      expect(Object.keys(await reminders(alertId))).toEqual([`alert_reminder:${alertId}:1`]);
    });

    it('two instances running the job at once: still one row per round', async (ctx) => {
      if (!opened) return ctx.skip();
      const other = opened.url ? await openStore(opened.url, { logger: silentLogger }) : store;
      try {
        const { alertId } = await alertedLead('TWICE');
        const both = () =>
          Promise.all([
            escalateAlerts(deps(), settings),
            escalateAlerts({ store: other, clock, logger: silentLogger }, settings),
          ]);
        clock.advance(10 * MIN);
        const [a, b] = await both();
        expect(a.written + b.written).toBeGreaterThanOrEqual(1);
        expect(Object.keys(await reminders(alertId))).toEqual([`alert_reminder:${alertId}:1`]);
        clock.advance(10 * MIN);
        await both();
        clock.advance(10 * MIN);
        await both();
        expect(Object.keys(await reminders(alertId)).sort()).toEqual([
          `alert_reminder:${alertId}:1`,
          `alert_reminder:${alertId}:2`,
        ]);
      } finally {
        if (other !== store) await other.close();
      }
    });

    it('a job that was down past two intervals posts the second reminder only; a day-old alert none', async (ctx) => {
      if (!opened) return ctx.skip();
      const late = await alertedLead('LATE');
      clock.advance(25 * MIN);
      await escalateAlerts(deps(), { ...settings, escalateTo: null });
      expect(await reminders(late.alertId)).toEqual({
        [`alert_reminder:${late.alertId}:2`]: expect.objectContaining({
          post: { kind: 'reminder', minutes: 25, mention: 'UBEN', round: 2 },
        }),
      });
      // Nobody to name (no rotation, no manager): the reminder still goes out, mentioning nobody.
      const nobody = await alertedLead('NOBODY');
      clock.advance(10 * MIN);
      await escalateAlerts(deps(), { ...settings, reps: [], escalateTo: null });
      expect(Object.values(await reminders(nobody.alertId)).map((p) => p.post)).toEqual([
        { kind: 'reminder', minutes: 10, mention: null, round: 1 },
      ]);
      const stale = await alertedLead('STALE');
      clock.advance(25 * 60 * MIN);
      await escalateAlerts(deps(), settings);
      expect(await reminders(stale.alertId)).toEqual({});
    });
  });
}
