/**
 * The unit-of-work half of the LeadStore contract (`LeadStore.unitOfWork`): what a unit reads
 * and writes is what the database would give it, whatever the store loads up front from the
 * hints, batches with other units or defers to the commit; units that arrive together each get
 * their own outcome; a lost version race rejects the unit with ConflictError after a rollback.
 * Called by leadStoreContract for the memory store, SQLite and PostgreSQL.
 */
import { expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.ts';
import type { IdentityKey, LeadStore } from '../../src/core/ports/index.ts';
import { conversationInput } from '../helpers/stores.ts';

let counter = 0;
function ident(): IdentityKey {
  counter++;
  return {
    platform: 'slack',
    workspaceId: 'T1',
    userId: `W${counter}-${Math.random().toString(36).slice(2, 8)}`,
  };
}
const event = (eventId = `e-${Math.random()}`) => ({ platform: 'slack' as const, eventId });

async function openConversation(store: LeadStore, key: IdentityKey) {
  const lead = await store.createLead({}, key);
  const conv = await store.createConversation(conversationInput(lead.id));
  return { lead, conv };
}

/** Registers the unit-of-work tests on the store `get()` returns (opened by the caller's beforeAll). */
export function unitOfWorkContract(get: () => LeadStore): void {
  it('units of work answer events, leads and contributions as the database would, alone or together', async () => {
    const store = get();
    const known = ident();
    const unknown = ident();
    const lead = await store.createLead({ name: 'Ada' }, known);
    await store.replaceScoreContributions(lead.id, null, [
      { ruleId: 'm', stepId: null, points: 3, reason: 'm' },
    ]);
    const seen = event();
    await store.markEventProcessed(seen.platform, seen.eventId);
    const fresh = event();
    // Started together, so a store that batches may run them in one transaction.
    const [, created] = await Promise.all([
      store.unitOfWork({ event: fresh, person: known }, async (tx) => {
        expect(await tx.markEventProcessed('slack', fresh.eventId)).toBe(true);
        expect(await tx.markEventProcessed('slack', fresh.eventId)).toBe(false); // a repeat
        expect(await tx.findLeadByIdentity(known)).toMatchObject({ id: lead.id, name: 'Ada', score: 0 });
        expect(await tx.replaceScoreContributions(lead.id, null, [])).toBe(0);
        expect(await tx.listScoreContributions(lead.id)).toEqual([]);
        // Two updates of the lead: reads in the unit see both, the commit writes both.
        await tx.updateLead(lead.id, { score: 7, company: 'Acme' });
        const after = await tx.updateLead(lead.id, { stage: 'MQL', source: { campaign: 'spring' } });
        expect(after).toMatchObject({
          score: 7,
          company: 'Acme',
          stage: 'MQL',
          source: { campaign: 'spring' },
        });
        expect(await tx.getLead(lead.id)).toMatchObject({ score: 7, stage: 'MQL' });
        expect(await tx.findLeadByIdentity(known)).toMatchObject({ score: 7, stage: 'MQL' });
      }),
      store.unitOfWork({ event: seen, person: unknown }, async (tx) => {
        expect(await tx.markEventProcessed('slack', seen.eventId)).toBe(false); // recorded before
        expect(await tx.findLeadByIdentity(unknown)).toBeNull();
        const bo = await tx.createLead({ name: 'Bo' }, unknown);
        expect(await tx.findLeadByIdentity(unknown)).toMatchObject({ id: bo.id, name: 'Bo' });
        return bo;
      }),
    ]);
    expect(await store.getLead(lead.id)).toMatchObject({
      name: 'Ada',
      score: 7,
      company: 'Acme',
      stage: 'MQL',
      source: { campaign: 'spring' },
    });
    expect(await store.listScoreContributions(lead.id)).toEqual([]);
    expect(await store.markEventProcessed('slack', fresh.eventId)).toBe(false);
    expect(await store.findLeadByIdentity(unknown)).toMatchObject({ id: created.id, name: 'Bo' });
  });

  it("a unit of work lists a lead's accounts as the database would, as they are added and removed", async () => {
    const store = get();
    const one = ident();
    const two = ident();
    const solo = await store.createLead({ name: 'Solo' }, one);
    const duo = await store.createLead({ name: 'Duo' }, two);
    const third = ident();
    await store.addIdentity(duo.id, third);
    const users = (rows: { userId: string }[]) => rows.map((r) => r.userId).sort();
    await Promise.all([
      store.unitOfWork({ event: event(), person: one }, async (tx) => {
        expect(await tx.listIdentities(solo.id)).toEqual([await tx.findIdentity(one)]);
        expect(users(await tx.listIdentities(solo.id))).toEqual(users([one]));
        const fourth = ident();
        await tx.addIdentity(solo.id, fourth);
        expect(users(await tx.listIdentities(solo.id))).toEqual(users([one, fourth]));
        await tx.removeIdentity(one);
        expect(users(await tx.listIdentities(solo.id))).toEqual(users([fourth]));
      }),
      store.unitOfWork({ event: event(), person: two }, async (tx) => {
        // Two accounts, one of them loaded with the lead: the list is the stored one.
        expect(users(await tx.listIdentities(duo.id))).toEqual(users([two, third]));
      }),
    ]);
    expect(users(await store.listIdentities(solo.id))).toHaveLength(1);
    expect(await store.listIdentities(duo.id)).toHaveLength(2);
  });

  it('a unit of work answers open conversations and their answers as the database would', async () => {
    const store = get();
    const key = ident();
    const { lead, conv } = await openConversation(store, key);
    await store.addAnswer({
      conversationId: conv.id,
      stepId: 'a',
      value: 7,
      rawText: '7',
      attempt: 1,
      accepted: true,
    });
    await store.unitOfWork({ event: event(), person: key }, async (tx) => {
      expect(await tx.findOpenConversation(lead.id)).toEqual(conv);
      expect((await tx.listAnswers(conv.id)).map((a) => a.value)).toEqual([7]);
      await tx.addAnswer({
        conversationId: conv.id,
        stepId: 'b',
        value: 'x',
        rawText: 'x',
        attempt: 1,
        accepted: true,
      });
      expect((await tx.listAnswers(conv.id)).map((a) => a.value)).toEqual([7, 'x']);
      const next = await tx.updateConversation(conv, { currentStep: 'b', variables: { n: 1 } });
      expect(await tx.findOpenConversation(lead.id)).toEqual(next);
      expect(await tx.getConversation(conv.id)).toEqual(next);
      await tx.updateConversation(next, { status: 'completed', currentStep: null, endedAt: new Date() });
      expect(await tx.findOpenConversation(lead.id)).toBeNull();
    });
    expect(await store.getConversation(conv.id)).toMatchObject({
      status: 'completed',
      version: 2,
      variables: { n: 1 },
    });
    expect((await store.listAnswers(conv.id)).map((a) => a.value)).toEqual([7, 'x']);
  });

  it('a unit of work still reads its own answers and contributions after writing them out midway', async () => {
    const store = get();
    const key = ident();
    const { lead, conv } = await openConversation(store, key);
    const other = await store.createLead({});
    await store.unitOfWork({ person: key }, async (tx) => {
      await tx.addAnswer({
        conversationId: conv.id,
        stepId: 'a',
        value: 1,
        rawText: '1',
        attempt: 1,
        accepted: true,
      });
      await tx.replaceScoreContributions(lead.id, conv.id, [
        { ruleId: 'r', stepId: 'a', points: 5, reason: 'x' },
      ]);
      await tx.deleteLead(other.id); // a store that defers writes issues them before deleting
      expect((await tx.listAnswers(conv.id)).map((a) => a.value)).toEqual([1]);
      expect((await tx.listScoreContributions(lead.id)).map((c) => c.points)).toEqual([5]);
      expect(
        await tx.replaceScoreContributions(lead.id, conv.id, [
          { ruleId: 'r', stepId: 'a', points: 5, reason: 'x' },
        ]),
      ).toBe(5);
    });
    expect((await store.listAnswers(conv.id)).map((a) => a.value)).toEqual([1]);
    expect((await store.listScoreContributions(lead.id)).map((c) => c.points)).toEqual([5]);
  });

  it('a unit of work that fails leaves no event recorded and no lead changed', async () => {
    const store = get();
    const key = ident();
    const lead = await store.createLead({}, key);
    const e = event();
    await expect(
      store.unitOfWork({ event: e, person: key }, async (tx) => {
        await tx.markEventProcessed('slack', e.eventId);
        await tx.updateLead(lead.id, { score: 9 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await store.getLead(lead.id))?.score).toBe(0);
    expect(await store.markEventProcessed('slack', e.eventId)).toBe(true);
  });

  it('units that arrive together each get their own outcome: one failing unit takes no other down', async () => {
    const store = get();
    const boom = new Error('boom');
    const keys = Array.from({ length: 6 }, () => ident());
    const results = await Promise.allSettled(
      keys.map((key, i) =>
        store.unitOfWork({ event: event(), person: key }, async (tx) => {
          const lead = await tx.createLead({ name: `n${i}` }, key);
          if (i === 2) throw boom;
          return lead.name;
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect((results[2] as PromiseRejectedResult).reason).toBe(boom);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : null))).toEqual([
      'n0',
      'n1',
      null,
      'n3',
      'n4',
      'n5',
    ]);
    const found = await Promise.all(keys.map((k) => store.findLeadByIdentity(k)));
    expect(found.map((l) => l?.name ?? null)).toEqual(['n0', 'n1', null, 'n3', 'n4', 'n5']);
  });

  it('a lost version race rejects the unit of work with ConflictError after rolling it all back', async () => {
    const store = get();
    const key = ident();
    const { lead, conv } = await openConversation(store, key);
    await store.updateConversation(conv, { attempts: 1 }); // another writer moved it on
    const e = event();
    await expect(
      store.unitOfWork({ event: e, person: key }, async (tx) => {
        await tx.markEventProcessed('slack', e.eventId);
        await tx.addAnswer({
          conversationId: conv.id,
          stepId: 'a',
          value: 1,
          rawText: '1',
          attempt: 1,
          accepted: true,
        });
        await tx.updateLead(lead.id, { score: 4 });
        // A store may check now or at the commit; either way the unit rejects, not a later call.
        await tx.updateConversation(conv, { attempts: 2 });
      }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.listAnswers(conv.id)).toEqual([]);
    expect((await store.getLead(lead.id))?.score).toBe(0);
    expect(await store.getConversation(conv.id)).toMatchObject({ version: 1, attempts: 1 });
    // Nothing was kept, so running the unit again on fresh rows works.
    expect(await store.markEventProcessed('slack', e.eventId)).toBe(true);
  });
}
