/**
 * The handoff half of the LeadStore contract (`LeadRepo.handoffs`): at most one open handoff per
 * lead, the lead's `openHandoffId` kept with it (also as a unit of work's prefetch reads the
 * lead), transcripts in order, the alert found by its delivery's reference, everything taken back
 * by a rollback and erased with the lead. Called last by leadStoreContract (it claims
 * `sales_alert` rows) for the memory store, SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { isLeadbotError } from '../../src/core/errors.ts';
import { SALES_ALERT } from '../../src/core/lead-lifecycle.ts';
import {
  HANDOFF_TO_SALES,
  type Handoff,
  type IdentityKey,
  type LeadStore,
} from '../../src/core/ports/index.ts';

let counter = 0;
function ident(): IdentityKey {
  counter++;
  return {
    platform: 'telegram',
    workspaceId: '',
    userId: `H${counter}-${Math.random().toString(36).slice(2, 8)}`,
  };
}

const opened = (leadId: string, at = new Date('2030-02-01T10:00:00.000Z')) => ({
  leadId,
  alert: { sink: 'slack', externalRef: `17000.${Math.random().toString().slice(2, 8)}` },
  prospect: { platform: 'telegram', workspaceId: '', userId: 'P1', channelId: '42' },
  openedBy: 'slack:UREP',
  openedByName: 'Ana',
  openedAt: at,
});

export function handoffStoreContract(store: () => LeadStore): void {
  describe('handoffs', () => {
    it('opens one handoff per lead, marks the lead, and closes it (twice is harmless)', async () => {
      const s = store();
      const key = ident();
      const lead = await s.createLead({}, key);
      expect(lead.openHandoffId).toBeNull();
      const h = await s.transaction((tx) => tx.handoffs.open(opened(lead.id)));
      expect(h).toMatchObject({ leadId: lead.id, status: 'open', closedAt: null, openedByName: 'Ana' });
      expect(await s.handoffs.findOpen(lead.id)).toEqual(h);
      expect((await s.getLead(lead.id))?.openHandoffId).toBe(h.id);
      expect((await s.findLeadByIdentity(key))?.openHandoffId).toBe(h.id);

      const second = await s.handoffs.open(opened(lead.id)).catch((e: unknown) => e);
      expect(isLeadbotError(second, 'DUPLICATE')).toBe(true);

      const at = new Date('2030-02-01T10:05:00.000Z');
      await s.handoffs.close(h.id, 'slack:UREP', at);
      await s.handoffs.close(h.id, 'slack:OTHER', new Date('2030-02-01T11:00:00.000Z'));
      expect(await s.handoffs.findOpen(lead.id)).toBeNull();
      expect((await s.getLead(lead.id))?.openHandoffId).toBeNull();
      const again = await s.handoffs.open(opened(lead.id, new Date('2030-02-01T12:00:00.000Z')));
      const list = await s.handoffs.list(lead.id);
      expect(list.map((x: Handoff) => [x.id, x.status, x.closedBy])).toEqual([
        [h.id, 'closed', 'slack:UREP'],
        [again.id, 'open', null],
      ]);
      expect(list[0]?.closedAt?.toISOString()).toBe(at.toISOString());
      expect(list[0]?.openedAt.toISOString()).toBe('2030-02-01T10:00:00.000Z');
    });

    it("a unit of work about the person sees the lead's open handoff, and its own writes", async () => {
      const s = store();
      const key = ident();
      const lead = await s.createLead({}, key);
      const h = await s.handoffs.open(opened(lead.id));
      const event = { platform: 'telegram', eventId: `h-${Math.random()}` };
      const seen = await s.unitOfWork({ event, person: key }, async (tx) => {
        const before = (await tx.findLeadByIdentity(key))?.openHandoffId;
        await tx.handoffs.close(h.id, 'slack:UREP', new Date());
        const after = (await tx.findLeadByIdentity(key))?.openHandoffId;
        return { before, after };
      });
      expect(seen).toEqual({ before: h.id, after: null });
      expect((await s.getLead(lead.id))?.openHandoffId).toBeNull();
    });

    it('keeps the transcript in order, after a message and within a limit', async () => {
      const s = store();
      const lead = await s.createLead({}, ident());
      const h = await s.handoffs.open(opened(lead.id));
      const base = { leadId: lead.id, handoffId: h.id, authorName: null };
      const rows = [];
      for (const [i, direction] of (['notice', 'to_prospect', 'from_prospect'] as const).entries())
        rows.push(
          await s.handoffs.addMessage({
            ...base,
            direction,
            author: 'slack:UREP',
            text: `m${i} ünïcode 🙂`,
            createdAt: new Date(`2030-02-01T10:0${i}:00.000Z`),
          }),
        );
      expect((await s.handoffs.listMessages(lead.id)).map((m) => m.text)).toEqual([
        'm0 ünïcode 🙂',
        'm1 ünïcode 🙂',
        'm2 ünïcode 🙂',
      ]);
      expect(await s.handoffs.listMessages(lead.id, { after: rows[0]!.id, limit: 1 })).toEqual([rows[1]]);
      expect(rows[2]).toMatchObject({ direction: 'from_prospect', leadId: lead.id, handoffId: h.id });
      expect(await s.handoffs.listMessages(lead.id, { after: rows[2]!.id })).toEqual([]);
    });

    it('a rolled-back transaction leaves no handoff, transcript or mark on the lead', async () => {
      const s = store();
      const lead = await s.createLead({}, ident());
      const failed = s.transaction(async (tx) => {
        const h = await tx.handoffs.open(opened(lead.id));
        await tx.handoffs.addMessage({
          leadId: lead.id,
          handoffId: h.id,
          direction: 'notice',
          author: 'x',
          authorName: null,
          text: 'joined',
          createdAt: new Date(),
        });
        throw new Error('boom');
      });
      await expect(failed).rejects.toThrow('boom');
      expect(await s.handoffs.list(lead.id)).toEqual([]);
      expect(await s.handoffs.listMessages(lead.id)).toEqual([]);
      expect((await s.getLead(lead.id))?.openHandoffId).toBeNull();
    });

    it('erases handoffs and transcripts with the lead', async () => {
      const s = store();
      const lead = await s.createLead({}, ident());
      const h = await s.handoffs.open(opened(lead.id));
      await s.handoffs.addMessage({
        leadId: lead.id,
        handoffId: h.id,
        direction: 'from_prospect',
        author: 'telegram:P1',
        authorName: 'Pat',
        text: 'hello',
        createdAt: new Date(),
      });
      await s.deleteLead(lead.id);
      expect(await s.handoffs.list(lead.id)).toEqual([]);
      expect(await s.handoffs.listMessages(lead.id)).toEqual([]);
      expect(await s.handoffs.findOpen(lead.id)).toBeNull();
    });

    it('finds the lead of a delivered sales alert by its reference only', async () => {
      const s = store();
      const lead = await s.createLead({}, ident());
      const ref = `-100${Math.floor(Math.random() * 1e9)}:77`;
      const key = `${SALES_ALERT}:contract-${Math.random()}`;
      await s.enqueueOutbox({ kind: SALES_ALERT, idempotencyKey: key, leadId: lead.id, payload: { n: 1 } });
      const alert = { sink: 'telegram', externalRef: ref };
      expect(await s.handoffs.findAlertLead(alert)).toBeNull(); // not delivered yet
      const now = new Date('2031-01-01T00:00:00.000Z');
      const claimed = await s.outbox.claim({
        workerId: 'hc',
        limit: 500,
        now,
        leaseMs: 60_000,
        kinds: [SALES_ALERT],
      });
      const row = claimed.find((r) => r.idempotencyKey === key);
      expect(row).toBeDefined();
      await s.outbox.markDelivered(row!.id, 'hc', ref, now);
      expect(await s.handoffs.findAlertLead(alert)).toBe(lead.id);
      expect(await s.handoffs.findAlertLead({ sink: 'telegram', externalRef: `${ref}0` })).toBeNull();
      // Another kind's row with the same reference names no alert.
      const other = `other:${Math.random()}`;
      await s.enqueueOutbox({ kind: 'webhook', idempotencyKey: other, leadId: null, payload: {} });
      const [w] = await s.outbox.claim({
        workerId: 'hc',
        limit: 1,
        now,
        leaseMs: 60_000,
        kinds: ['webhook'],
      });
      await s.outbox.markDelivered(w!.id, 'hc', `${ref}1`, now);
      expect(await s.handoffs.findAlertLead({ sink: 'telegram', externalRef: `${ref}1` })).toBeNull();
      // The bot's post in the alert's thread names the alert's lead (a rep may answer it instead).
      const post = `${HANDOFF_TO_SALES}:contract-${Math.random()}`;
      await s.enqueueOutbox({ kind: HANDOFF_TO_SALES, idempotencyKey: post, leadId: lead.id, payload: {} });
      const posts = await s.outbox.claim({
        workerId: 'hc',
        limit: 500,
        now,
        leaseMs: 60_000,
        kinds: [HANDOFF_TO_SALES],
      });
      const p = posts.find((r) => r.idempotencyKey === post);
      await s.outbox.markDelivered(p!.id, 'hc', `${ref}2`, now);
      expect(await s.handoffs.findAlertLead({ sink: 'telegram', externalRef: `${ref}2` })).toBe(lead.id);
    });
  });
}
