/**
 * Claim and Not a fit as use cases, on every store (memory, SQLite, PostgreSQL): each is one
 * transaction — owner or stage change, note, verdict, the lead event's webhook row and the
 * click's event id together — so a replay changes nothing twice and a failure part way leaves
 * nothing behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadRepo, LeadStore } from '../../../src/core/ports/index.ts';
import { claimLead } from '../../../src/core/sales/claim-lead.ts';
import { rejectionReason, rejectLead } from '../../../src/core/sales/reject-lead.ts';
import { createWebhookLeadEvents, WEBHOOK_KIND } from '../../../src/core/webhooks/lead-events.ts';
import { createTestClock } from '../../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../../helpers/stores.ts';

const clock = createTestClock(new Date('2026-03-02T12:00:00.000Z'));
/** One endpoint: each claim or disqualification announced becomes one webhook outbox row. */
const leadEvents = createWebhookLeadEvents({ urls: ['https://crm.example/hook'], format: 'leadbot' }, clock);

/** The store, with the transaction's verdict log failing: the last write of both use cases. */
function failingVerdicts(store: LeadStore): LeadStore {
  const broken = {
    record: async () => {
      throw new Error('verdict log away');
    },
    list: async () => [],
    listForLead: async () => [],
  };
  return {
    ...store,
    transaction: <T>(fn: (tx: LeadRepo) => Promise<T>) =>
      store.transaction((tx) => fn({ ...tx, verdicts: broken })),
  };
}

for (const backend of storeBackends()) {
  describe(`sales use cases on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    beforeAll(async () => {
      opened = await backend.open();
      if (opened) store = opened.store;
    });
    afterAll(async () => {
      await opened?.cleanup();
    });
    const skip = () => opened === null;
    const sqlLead = (userId: string) =>
      store.createLead({ stage: 'SQL', name: userId }, { platform: 'slack', workspaceId: 'T1', userId });
    const click = (id: string) => ({ platform: 'slack', eventId: id });
    /** The webhook event types queued for the lead, oldest first. */
    const announced = async (leadId: string) =>
      (await store.outbox.list({ kind: WEBHOOK_KIND }))
        .filter((row) => row.leadId === leadId)
        .map((row) => (row.payload as { event: { type: string } }).event.type);

    it('claimLead: owner, note and verdict in one transaction; a replayed click changes nothing', async () => {
      if (skip()) return;
      const lead = await sqlLead('UCLAIM');
      const input = { leadId: lead.id, rep: 'slack:UREP', event: click('claim:1') };
      const first = await claimLead({ store, leadEvents, clock }, input);
      expect(first).toMatchObject({ outcome: 'claimed', lead: { id: lead.id, ownerId: 'slack:UREP' } });
      expect(await claimLead({ store, leadEvents, clock }, input)).toEqual({ outcome: 'replayed' });
      expect((await store.getLead(lead.id))?.ownerId).toBe('slack:UREP');
      expect((await store.listNotes(lead.id)).map((n) => n.text)).toEqual(['Owner set to slack:UREP']);
      const verdicts = await store.verdicts.listForLead(lead.id);
      expect(verdicts.map((v) => [v.verdict, v.actor])).toEqual([['claimed', 'slack:UREP']]);
      expect(await announced(lead.id)).toEqual(['lead.claimed']);
    });

    it('claimLead: a failure part way leaves nothing, and the same click can be retried', async () => {
      if (skip()) return;
      const lead = await sqlLead('UCLAIM2');
      const input = { leadId: lead.id, rep: 'slack:UREP', event: click('claim:2') };
      await expect(claimLead({ store: failingVerdicts(store), leadEvents, clock }, input)).rejects.toThrow(
        'verdict log away',
      );
      expect((await store.getLead(lead.id))?.ownerId).toBeNull();
      expect(await store.listNotes(lead.id)).toEqual([]);
      expect(await announced(lead.id)).toEqual([]);
      expect(await claimLead({ store, leadEvents, clock }, input)).toMatchObject({ outcome: 'claimed' });
    });

    it('claimLead: a lead erased meanwhile is not_found, and the click is not spent', async () => {
      if (skip()) return;
      const input = { leadId: 'no-such-lead', rep: 'slack:UREP', event: click('claim:3') };
      expect(await claimLead({ store, leadEvents, clock }, input)).toEqual({ outcome: 'not_found' });
      expect(await store.markEventProcessed('slack', 'claim:3')).toBe(true);
    });

    it('rejectLead: audited stage change, note and verdict together; replay changes nothing', async () => {
      if (skip()) return;
      const lead = await sqlLead('UREJECT');
      const input = {
        leadId: lead.id,
        rep: 'discord:42',
        reason: '  no budget\u0000 ',
        event: click('nofit:1'),
      };
      const first = await rejectLead({ store, leadEvents, clock }, input);
      expect(first).toMatchObject({
        outcome: 'rejected',
        reason: 'no budget',
        lead: { stage: 'disqualified' },
      });
      expect(await rejectLead({ store, leadEvents, clock }, input)).toEqual({
        outcome: 'replayed',
        reason: 'no budget',
      });
      const changes = await store.listStageChanges(lead.id);
      expect(changes.map((c) => [c.from, c.to, c.reason, c.actor])).toEqual([
        ['SQL', 'disqualified', 'Not a fit: no budget', 'discord:42'],
      ]);
      expect((await store.listNotes(lead.id)).map((n) => n.text)).toEqual(['Not a fit: no budget']);
      const verdicts = await store.verdicts.listForLead(lead.id);
      expect(verdicts.map((v) => [v.verdict, v.reason])).toEqual([['rejected', 'no budget']]);
      expect(await announced(lead.id)).toEqual(['lead.stage_changed', 'lead.disqualified']);
    });

    it('rejectLead: the verdict is part of the transaction — if it fails, the stage and note do not change', async () => {
      if (skip()) return;
      const lead = await sqlLead('UREJECT2');
      const input = { leadId: lead.id, rep: 'slack:UREP', reason: 'wrong size', event: click('nofit:2') };
      await expect(rejectLead({ store: failingVerdicts(store), leadEvents, clock }, input)).rejects.toThrow(
        'verdict log away',
      );
      expect((await store.getLead(lead.id))?.stage).toBe('SQL');
      expect(await store.listStageChanges(lead.id)).toEqual([]);
      expect(await store.listNotes(lead.id)).toEqual([]);
      expect(await announced(lead.id)).toEqual([]);
      expect(await rejectLead({ store, leadEvents, clock }, input)).toMatchObject({ outcome: 'rejected' });
    });

    it('rejectLead: a reason with nothing visible is asked again; an erased lead is not_found', async () => {
      if (skip()) return;
      const lead = await sqlLead('UREJECT3');
      const blank = { leadId: lead.id, rep: 'slack:UREP', reason: ' \u200b\u0007 ', event: click('nofit:3') };
      expect(await rejectLead({ store, leadEvents, clock }, blank)).toEqual({ outcome: 'reason_required' });
      expect(rejectionReason(' \u200b ')).toBeNull();
      expect((await store.getLead(lead.id))?.stage).toBe('SQL');
      const gone = { leadId: 'no-such-lead', rep: 'slack:UREP', reason: 'x', event: click('nofit:4') };
      expect(await rejectLead({ store, leadEvents, clock }, gone)).toEqual({ outcome: 'not_found' });
    });
  });
}
