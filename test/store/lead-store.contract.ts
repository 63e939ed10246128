/**
 * The one behaviour every LeadStore must have. Run from memory.test.ts, sqlite.test.ts and
 * postgres.test.ts; an implementation is correct when it passes this whole suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, isLeadbotError } from '../../src/core/errors.ts';
import { changeStage } from '../../src/core/lead-lifecycle.ts';
import type { IdentityKey, LeadStore, Stage } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { bookingLinksContract } from './booking-links.contract.ts';
import { followUpStateContract } from './follow-up-state.contract.ts';
import { handoffStoreContract } from './handoff-store.contract.ts';
import { unitOfWorkContract } from './unit-of-work.contract.ts';

export type OpenStore = () => Promise<{ store: LeadStore; cleanup(): Promise<void> }>;

let counter = 0;
/** A fresh identity per call, so tests do not depend on each other. */
function ident(platform: 'slack' | 'discord' | 'telegram' = 'slack'): IdentityKey {
  counter++;
  return { platform, workspaceId: 'T1', userId: `U${counter}-${Math.random().toString(36).slice(2, 8)}` };
}

async function conversationFor(store: LeadStore) {
  const lead = await store.createLead({}, ident());
  const conv = await store.createConversation({
    leadId: lead.id,
    flowId: 'default',
    flowVersion: 'v1',
    currentStep: 'ask_name',
    platform: 'slack',
    workspaceId: 'T1',
    channelId: 'D1',
    variables: { lang: 'en' },
  });
  return { lead, conv };
}

export function leadStoreContract(name: string, open: OpenStore): void {
  describe(`LeadStore contract: ${name}`, () => {
    let store: LeadStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await open());
    });
    afterAll(async () => cleanup?.());

    unitOfWorkContract(() => store);
    bookingLinksContract(() => store);
    followUpStateContract(() => store);

    it('creates a lead with its first identity and finds it by identity', async () => {
      const key = ident('telegram');
      const lead = await store.createLead(
        { name: 'Ada', email: 'ada@example.com', source: { platform: 'telegram', campaign: 'spring' } },
        { ...key, username: 'ada', chatId: 'C9' },
      );
      expect(lead).toMatchObject({ stage: 'cold', score: 0, name: 'Ada', consent: false, consentAt: null });
      expect(lead.source).toEqual({
        platform: 'telegram',
        workspaceId: null,
        channelId: null,
        campaign: 'spring',
        workspaceName: null,
        channelName: null,
      });
      expect(lead.createdAt).toBeInstanceOf(Date);
      const found = await store.findIdentity(key);
      expect(found).toMatchObject({
        ...key,
        leadId: lead.id,
        username: 'ada',
        displayName: null,
        profileUrl: null,
        chatId: 'C9',
      });
      expect(await store.findIdentity(ident())).toBeNull();
      expect(await store.getLead(lead.id)).toEqual(lead);
      expect(await store.getLead('missing')).toBeNull();
      expect(await store.findLeadByIdentity(key)).toEqual(lead);
      expect(await store.findLeadByIdentity(ident())).toBeNull();
    });

    it("keeps who the person is: the account's profile and the source's names", async () => {
      const key = ident('telegram');
      const source = {
        platform: 'telegram',
        workspaceId: '-100123',
        channelId: '-100123',
        campaign: null,
        workspaceName: 'Acme Users 🚀',
        channelName: null,
      };
      const profile = { username: 'ana_s', displayName: 'Ana Souza', profileUrl: 'https://t.me/ana_s' };
      const lead = await store.createLead(
        { name: 'Ana Souza', source },
        { ...key, ...profile, chatId: '42' },
      );
      expect(lead.source).toEqual(source);
      expect((await store.getLead(lead.id))?.source).toEqual(source);
      expect(await store.findIdentity(key)).toMatchObject({ ...key, ...profile });
      const second = ident('discord');
      await store.addIdentity(lead.id, { ...second, displayName: 'Ana', username: 'ana.s' });
      const accounts = await store.listIdentities(lead.id);
      expect(accounts.map((i) => [i.displayName, i.username, i.profileUrl])).toEqual([
        ['Ana Souza', 'ana_s', 'https://t.me/ana_s'],
        ['Ana', 'ana.s', null],
      ]);
    });

    it('adds identities; a taken identity is DUPLICATE', async () => {
      const first = ident();
      const lead = await store.createLead({}, first);
      const second = ident('discord');
      await store.addIdentity(lead.id, { ...second, username: 'ada#1' });
      const all = await store.listIdentities(lead.id);
      expect(all.map((i) => i.userId)).toEqual([first.userId, second.userId]);
      const other = await store.createLead({});
      await expect(store.addIdentity(other.id, first)).rejects.toSatisfy((e) =>
        isLeadbotError(e, 'DUPLICATE'),
      );
      // A new lead for a taken identity: DUPLICATE, and no lead left behind without it.
      const marker = `dup-${Math.random()}`;
      await expect(store.createLead({ name: marker }, first)).rejects.toSatisfy((e) =>
        isLeadbotError(e, 'DUPLICATE'),
      );
      expect((await store.listLeads({ limit: 20 })).items.some((l) => l.name === marker)).toBe(false);
    });

    it('updates a lead (partial source) and refuses a missing one', async () => {
      const lead = await store.createLead({ source: { platform: 'slack', channelId: 'C1' } });
      const consentAt = new Date('2026-01-02T03:04:05.678Z');
      const updated = await store.updateLead(lead.id, {
        stage: 'MQL',
        score: 42,
        consent: true,
        consentAt,
        company: 'Acme',
        source: { campaign: 'x' },
      });
      expect(updated).toMatchObject({ stage: 'MQL', score: 42, consent: true, company: 'Acme' });
      expect(updated.consentAt?.toISOString()).toBe(consentAt.toISOString());
      expect(updated.source).toEqual({
        platform: 'slack',
        workspaceId: null,
        channelId: 'C1',
        campaign: 'x',
        workspaceName: null,
        channelName: null,
      });
      expect(await store.getLead(lead.id)).toEqual(updated);
      await expect(store.updateLead('missing', { score: 1 })).rejects.toSatisfy((e) =>
        isLeadbotError(e, 'NOT_FOUND'),
      );
    });

    it('stores flow versions immutably', async () => {
      const flowId = `flow-${Math.random()}`;
      await store.saveFlowVersion(flowId, '1', { steps: [{ id: 'a' }] });
      await store.saveFlowVersion(flowId, '1', { steps: [] });
      expect(await store.getFlowVersion(flowId, '1')).toEqual({ steps: [{ id: 'a' }] });
      expect(await store.getFlowVersion(flowId, '2')).toBeNull();
    });

    it('keeps the key order of a stored flow (the first step is the first key)', async () => {
      // PostgreSQL's jsonb orders object keys by length, then bytes: a flow whose steps are
      // `welcome, qualification, budget` would come back as `budget, welcome, qualification`.
      const flowId = `flow-${Math.random()}`;
      const definition = {
        id: flowId,
        steps: { welcome: { a: 1 }, qualification: { b: 2 }, budget: { c: 3 } },
      };
      await store.saveFlowVersion(flowId, '1', definition);
      const back = (await store.getFlowVersion(flowId, '1')) as typeof definition;
      expect(back).toEqual(definition);
      expect(Object.keys(back.steps)).toEqual(['welcome', 'qualification', 'budget']);
      expect(Object.keys(back)).toEqual(['id', 'steps']);
    });

    it('updates conversations with an optimistic version check', async () => {
      const { lead, conv } = await conversationFor(store);
      expect(conv).toMatchObject({
        status: 'active',
        version: 0,
        attempts: 0,
        variables: { lang: 'en' },
        endedAt: null,
      });
      expect(await store.findOpenConversation(lead.id)).toEqual(conv);
      const v1 = await store.updateConversation(conv, {
        currentStep: 'ask_email',
        variables: { lang: 'en', n: 1 },
      });
      expect(v1).toMatchObject({ version: 1, currentStep: 'ask_email', variables: { lang: 'en', n: 1 } });
      await expect(store.updateConversation(conv, { attempts: 3 })).rejects.toBeInstanceOf(ConflictError);
      expect((await store.getConversation(conv.id))?.attempts).toBe(0);
      const ended = new Date('2026-03-01T00:00:00.000Z');
      const done = await store.updateConversation(v1, {
        status: 'completed',
        currentStep: null,
        endedAt: ended,
      });
      expect(done).toMatchObject({ version: 2, status: 'completed', currentStep: null });
      expect(done.endedAt?.toISOString()).toBe(ended.toISOString());
      expect(await store.findOpenConversation(lead.id)).toBeNull();
      expect((await store.listConversations(lead.id)).map((c) => c.id)).toEqual([conv.id]);
      expect(await store.getConversation('missing')).toBeNull();
    });

    it('abandons idle active conversations only', async () => {
      const { lead, conv } = await conversationFor(store);
      const old = new Date('2020-01-01T00:00:00.000Z');
      await store.updateConversation(conv, { lastActivityAt: old });
      const n = await store.abandonIdleConversations(new Date('2020-06-01T00:00:00.000Z'));
      expect(n).toBeGreaterThanOrEqual(1);
      const after = await store.getConversation(conv.id);
      expect(after).toMatchObject({ status: 'abandoned', version: 2 });
      // Abandoned is resumable.
      expect((await store.findOpenConversation(lead.id))?.id).toBe(conv.id);
      expect(await store.abandonIdleConversations(new Date('2020-06-01T00:00:00.000Z'))).toBe(0);
    });

    it('keeps answers, accepted or not', async () => {
      const { conv } = await conversationFor(store);
      await store.addAnswer({
        conversationId: conv.id,
        stepId: 'email',
        value: null,
        rawText: 'nope',
        attempt: 1,
        accepted: false,
      });
      await store.addAnswer({
        conversationId: conv.id,
        stepId: 'email',
        value: { email: 'a@b.co' },
        rawText: 'a@b.co',
        attempt: 2,
        accepted: true,
      });
      const answers = await store.listAnswers(conv.id);
      expect(answers.map((a) => [a.value, a.accepted, a.attempt])).toEqual([
        [null, false, 1],
        [{ email: 'a@b.co' }, true, 2],
      ]);
    });

    it('keeps whether an answer was inferred and its evidence, in and out of units of work', async () => {
      const key = ident();
      const lead = await store.createLead({}, key);
      const conv = await store.createConversation({
        leadId: lead.id,
        flowId: 'default',
        flowVersion: 'v1',
        currentStep: 'email',
        platform: 'slack',
        workspaceId: 'T1',
        channelId: 'D1',
      });
      const evidence = 'we’re ~40 people — «budget» approved 👍';
      await store.transaction(async (tx) => {
        await tx.addAnswer({
          conversationId: conv.id,
          stepId: 'team_size',
          value: 40,
          rawText: `${evidence}, live next month`,
          attempt: 1,
          accepted: true,
          inferred: true,
          evidence,
        });
        await tx.addAnswer({
          conversationId: conv.id,
          stepId: 'company',
          value: 'Acme',
          rawText: 'Acme',
          attempt: 1,
          accepted: true,
        });
      });
      const shape = (list: { stepId: string; inferred: boolean; evidence: string | null }[]) =>
        list.map((a) => [a.stepId, a.inferred, a.evidence]);
      const expected = [
        ['team_size', true, evidence],
        ['company', false, null],
      ];
      expect(shape(await store.listAnswers(conv.id))).toEqual(expected);
      // A unit of work about this person reads them from what it loaded up front.
      const seen = await store.unitOfWork(
        { event: { platform: 'slack', eventId: `e-${Math.random()}` }, person: key },
        (tx) => tx.listAnswers(conv.id),
      );
      expect(shape(seen)).toEqual(expected);
    });

    it('replaces the score contributions of one conversation', async () => {
      const { lead, conv } = await conversationFor(store);
      await store.replaceScoreContributions(lead.id, null, [
        { ruleId: 'manual', stepId: null, points: 5, reason: 'm' },
      ]);
      await store.replaceScoreContributions(lead.id, conv.id, [
        { ruleId: 'a', stepId: 's1', points: 10, reason: 'r1' },
        { ruleId: 'b', stepId: 's2', points: 20, reason: 'r2' },
      ]);
      const replaced = await store.replaceScoreContributions(lead.id, conv.id, [
        { ruleId: 'c', stepId: 's3', points: 7, reason: 'r3' },
      ]);
      expect(replaced).toBe(12); // 7 from the conversation + 5 manual
      const all = await store.listScoreContributions(lead.id);
      expect(all.map((c) => c.ruleId).sort()).toEqual(['c', 'manual']);
      expect(all.find((c) => c.ruleId === 'c')).toMatchObject({
        leadId: lead.id,
        conversationId: conv.id,
        points: 7,
      });
    });

    it('records stage changes and notes in order', async () => {
      const lead = await store.createLead({});
      await store.addStageChange({
        leadId: lead.id,
        from: null,
        to: 'cold',
        reason: 'created',
        actor: 'engine',
      });
      await store.addStageChange({
        leadId: lead.id,
        from: 'cold',
        to: 'SQL',
        reason: 'budget',
        actor: 'slack:U1',
      });
      expect((await store.listStageChanges(lead.id)).map((c) => [c.from, c.to, c.actor])).toEqual([
        [null, 'cold', 'engine'],
        ['cold', 'SQL', 'slack:U1'],
      ]);
      await store.addNote({ leadId: lead.id, author: 'slack:U1', text: 'first' });
      await store.addNote({ leadId: lead.id, author: 'slack:U1', text: 'second' });
      expect((await store.listNotes(lead.id)).map((n) => n.text)).toEqual(['first', 'second']);
    });

    it('keeps when a lead first reached MQL and SQL, through changeStage, in and out of a unit of work', async () => {
      const key = ident();
      const lead = await store.createLead({ name: 'Reacher' }, key);
      expect(lead).toMatchObject({ reachedMqlAt: null, reachedSqlAt: null });
      const t1 = new Date('2026-02-01T10:00:00.123Z');
      const t2 = new Date('2026-02-02T10:00:00.456Z');
      const t3 = new Date('2026-02-03T10:00:00.789Z');
      const move = (to: Stage, now: Date) =>
        changeStage(store, NO_LEAD_EVENTS, { leadId: lead.id, to, reason: 'test', actor: 'engine', now });
      await move('MQL', t1);
      // Inside a unit of work a store may defer the lead write to the commit (Prisma's write buffer).
      await store.unitOfWork({ person: key }, async (tx) => {
        const found = await tx.findLeadByIdentity(key);
        const r = await changeStage(tx, NO_LEAD_EVENTS, {
          leadId: lead.id,
          to: 'SQL',
          reason: 'test',
          actor: 'engine',
          now: t2,
          current: found!,
        });
        expect(r.lead).toMatchObject({ stage: 'SQL', reachedSqlAt: t2 });
      });
      await move('disqualified', t3);
      await move('MQL', t3);
      await move('SQL', t3);
      const stored = await store.getLead(lead.id);
      expect(stored).toMatchObject({ stage: 'SQL' });
      // First arrivals only: going back to MQL and SQL later changes neither.
      expect(stored?.reachedMqlAt?.toISOString()).toBe(t1.toISOString());
      expect(stored?.reachedSqlAt?.toISOString()).toBe(t2.toISOString());
      const changes = await store.listStageChanges(lead.id);
      expect(changes.find((c) => c.to === 'SQL')?.createdAt.toISOString()).toBe(t2.toISOString());
      // A plain update carries them too (what a migration backfill or an import would write).
      const other = await store.createLead({});
      const updated = await store.updateLead(other.id, { reachedMqlAt: t1 });
      expect(updated.reachedMqlAt?.toISOString()).toBe(t1.toISOString());
      expect((await store.getLead(other.id))?.reachedMqlAt?.toISOString()).toBe(t1.toISOString());
      expect((await store.getLead(other.id))?.reachedSqlAt).toBeNull();
    });

    it('de-duplicates platform events and outbox keys', async () => {
      const id = `evt-${Math.random()}`;
      expect(await store.markEventProcessed('slack', id)).toBe(true);
      expect(await store.markEventProcessed('slack', id)).toBe(false);
      expect(await store.markEventProcessed('discord', id)).toBe(true);
      const key = `key-${Math.random()}`;
      expect(await store.enqueueOutbox({ kind: 'dedup', idempotencyKey: key, payload: { n: 1 } })).toBe(true);
      expect(await store.enqueueOutbox({ kind: 'dedup', idempotencyKey: key, payload: { n: 2 } })).toBe(
        false,
      );
      const rows = (await store.outbox.list({ kind: 'dedup' })).filter((r) => r.idempotencyKey === key);
      expect(rows.map((r) => r.payload)).toEqual([{ n: 1 }]);
    });

    it('a duplicate inside a transaction does not spoil the transaction', async () => {
      const id = `evt-${Math.random()}`;
      await store.markEventProcessed('telegram', id);
      const key = `key-${Math.random()}`;
      await store.enqueueOutbox({ kind: 'tx-dup', idempotencyKey: key, payload: {} });
      const lead = await store.transaction(async (tx) => {
        expect(await tx.markEventProcessed('telegram', id)).toBe(false);
        expect(await tx.enqueueOutbox({ kind: 'tx-dup', idempotencyKey: key, payload: {} })).toBe(false);
        return tx.createLead({ name: 'after duplicate' });
      });
      expect((await store.getLead(lead.id))?.name).toBe('after duplicate');
    });

    it('commits a transaction as a whole and rolls everything back on throw', async () => {
      const key = ident();
      const evt = `evt-${Math.random()}`;
      const okey = `key-${Math.random()}`;
      let leadId = '';
      await expect(
        store.transaction(async (tx) => {
          const lead = await tx.createLead({ name: 'Rollback' }, key);
          leadId = lead.id;
          await tx.addNote({ leadId: lead.id, author: 'x', text: 'y' });
          await tx.markEventProcessed('slack', evt);
          await tx.enqueueOutbox({ kind: 'rb', idempotencyKey: okey, leadId: lead.id, payload: {} });
          expect((await tx.getLead(lead.id))?.name).toBe('Rollback');
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await store.getLead(leadId)).toBeNull();
      expect(await store.findIdentity(key)).toBeNull();
      expect(await store.markEventProcessed('slack', evt)).toBe(true);
      expect((await store.outbox.list({ kind: 'rb' })).length).toBe(0);

      const committed = await store.transaction(async (tx) => {
        const lead = await tx.createLead({ name: 'Commit' }, key);
        await tx.enqueueOutbox({
          kind: 'commit',
          idempotencyKey: `k-${lead.id}`,
          leadId: lead.id,
          payload: { id: lead.id },
        });
        return lead;
      });
      expect((await store.findIdentity(key))?.leadId).toBe(committed.id);
      expect((await store.outbox.list({ kind: 'commit' })).map((o) => o.leadId)).toContain(committed.id);
    });

    it("inside a transaction, reads see the transaction's own answers, contributions and conversation updates", async () => {
      const { lead, conv } = await conversationFor(store);
      await store.transaction(async (tx) => {
        const answer = await tx.addAnswer({
          conversationId: conv.id,
          stepId: 'ask_name',
          value: 42,
          rawText: '42',
          attempt: 1,
          accepted: true,
        });
        expect((await tx.listAnswers(conv.id)).map((a) => a.id)).toEqual([answer.id]);
        expect(
          await tx.replaceScoreContributions(lead.id, conv.id, [
            { ruleId: 'r', stepId: 's', points: 4, reason: 'x' },
          ]),
        ).toBe(4);
        expect(
          await tx.replaceScoreContributions(lead.id, conv.id, [
            { ruleId: 'q', stepId: 's', points: 6, reason: 'y' },
          ]),
        ).toBe(6);
        expect((await tx.listScoreContributions(lead.id)).map((c) => c.ruleId)).toEqual(['q']);
        const v1 = await tx.updateConversation(conv, {
          currentStep: 'ask_email',
          variables: { lang: 'en', n: 1 },
        });
        const v2 = await tx.updateConversation(v1, { attempts: 2 });
        expect(v2).toMatchObject({ version: 2, currentStep: 'ask_email', attempts: 2 });
        expect(await tx.getConversation(conv.id)).toMatchObject({
          version: 2,
          currentStep: 'ask_email',
          attempts: 2,
        });
        expect(await tx.findOpenConversation(lead.id)).toMatchObject({ id: conv.id, version: 2 });
        await tx.addStageChange({ leadId: lead.id, from: 'cold', to: 'MQL', reason: 'r', actor: 'engine' });
        expect((await tx.listStageChanges(lead.id)).map((c) => c.to)).toEqual(['MQL']);
      });
      expect(await store.getConversation(conv.id)).toMatchObject({
        version: 2,
        currentStep: 'ask_email',
        attempts: 2,
        variables: { lang: 'en', n: 1 },
      });
      expect((await store.listAnswers(conv.id)).map((a) => a.value)).toEqual([42]);
      expect((await store.listScoreContributions(lead.id)).map((c) => [c.ruleId, c.points])).toEqual([
        ['q', 6],
      ]);
      expect((await store.listStageChanges(lead.id)).map((c) => [c.from, c.to])).toEqual([['cold', 'MQL']]);
    });

    it('updates of several conversations in one transaction commit together, or not at all', async () => {
      const a = await conversationFor(store);
      const b = await conversationFor(store);
      await store.transaction(async (tx) => {
        await tx.updateConversation(a.conv, { currentStep: 'a2', status: 'completed', endedAt: new Date() });
        await tx.updateConversation(b.conv, { currentStep: 'b2' });
      });
      expect(await store.getConversation(a.conv.id)).toMatchObject({
        version: 1,
        currentStep: 'a2',
        status: 'completed',
      });
      expect(await store.getConversation(b.conv.id)).toMatchObject({
        version: 1,
        currentStep: 'b2',
        status: 'active',
      });
      const freshA = (await store.getConversation(a.conv.id))!;
      // b is updated from its version-0 copy: stale, so the whole transaction fails
      await expect(
        store.transaction(async (tx) => {
          await tx.updateConversation(freshA, { currentStep: 'a3' });
          await tx.addAnswer({
            conversationId: a.conv.id,
            stepId: 's',
            value: 'x',
            rawText: 'x',
            attempt: 1,
            accepted: true,
          });
          await tx.updateConversation(b.conv, { currentStep: 'b3' });
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.getConversation(a.conv.id)).toMatchObject({ version: 1, currentStep: 'a2' });
      expect(await store.getConversation(b.conv.id)).toMatchObject({ version: 1, currentStep: 'b2' });
      expect(await store.listAnswers(a.conv.id)).toEqual([]);
    });

    it('a conflict inside a transaction rolls it back', async () => {
      const { conv } = await conversationFor(store);
      await store.updateConversation(conv, { attempts: 1 });
      await expect(
        store.transaction(async (tx) => {
          await tx.addAnswer({
            conversationId: conv.id,
            stepId: 's',
            value: 1,
            rawText: '1',
            attempt: 1,
            accepted: true,
          });
          return tx.updateConversation(conv, { attempts: 2 });
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await store.listAnswers(conv.id)).toEqual([]);
    });

    it('pages leads newest first with filters and a cursor', async () => {
      const campaign = `camp-${Math.random()}`;
      const owner = `owner-${Math.random()}`;
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const lead = await store.createLead({
          stage: i % 2 === 0 ? 'MQL' : 'cold',
          ownerId: i < 3 ? owner : null,
          source: { platform: 'discord', campaign },
        });
        ids.push(lead.id);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const page = await store.listLeads({ source: campaign, limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((l) => l.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect(seen).toEqual([...ids].reverse());
      const mql = await store.listLeads({ source: campaign, stage: 'MQL', limit: 100 });
      expect(mql.items.map((l) => l.id).sort()).toEqual([ids[0], ids[2], ids[4], ids[6]].sort());
      expect(mql.nextCursor).toBeNull();
      const owned = await store.listLeads({ ownerId: owner });
      expect(owned.items.map((l) => l.id).sort()).toEqual(ids.slice(0, 3).sort());
      const since = await store.listLeads({ source: campaign, since: new Date(Date.now() + 60_000) });
      expect(since.items).toEqual([]);
      await expect(store.listLeads({ cursor: 'garbage' })).rejects.toSatisfy((e) =>
        isLeadbotError(e, 'BAD_INPUT'),
      );
    });

    it('deleteLead erases the lead and everything of it, and only that', async () => {
      const key = ident();
      const { lead, conv } = await conversationFor(store);
      await store.addIdentity(lead.id, key);
      await store.addAnswer({
        conversationId: conv.id,
        stepId: 's',
        value: 'x',
        rawText: 'x',
        attempt: 1,
        accepted: true,
      });
      await store.replaceScoreContributions(lead.id, conv.id, [
        { ruleId: 'r', stepId: 's', points: 1, reason: 'r' },
      ]);
      await store.addStageChange({ leadId: lead.id, from: null, to: 'cold', reason: 'r', actor: 'engine' });
      await store.addNote({ leadId: lead.id, author: 'a', text: 't' });
      await store.enqueueOutbox({
        kind: 'del',
        idempotencyKey: `del-${lead.id}`,
        leadId: lead.id,
        payload: {},
      });
      const keep = await store.createLead({}, ident());
      await store.enqueueOutbox({
        kind: 'del',
        idempotencyKey: `del-${keep.id}`,
        leadId: keep.id,
        payload: {},
      });

      await store.deleteLead(lead.id);
      expect(await store.getLead(lead.id)).toBeNull();
      expect(await store.findIdentity(key)).toBeNull();
      expect(await store.listIdentities(lead.id)).toEqual([]);
      expect(await store.getConversation(conv.id)).toBeNull();
      expect(await store.listConversations(lead.id)).toEqual([]);
      expect(await store.listAnswers(conv.id)).toEqual([]);
      expect(await store.listScoreContributions(lead.id)).toEqual([]);
      expect(await store.listStageChanges(lead.id)).toEqual([]);
      expect(await store.listNotes(lead.id)).toEqual([]);
      expect((await store.outbox.list({ kind: 'del' })).map((o) => o.leadId)).toEqual([keep.id]);
      await store.deleteLead(lead.id); // erasing twice is fine
      expect(await store.getLead(keep.id)).not.toBeNull();
    });

    describe('outbox', () => {
      const t0 = new Date('2030-01-01T00:00:00.000Z');
      const at = (ms: number) => new Date(t0.getTime() + ms);

      it('claims due rows with a lease; only the holder can finish them', async () => {
        const kind = `alert-${Math.random()}`;
        await store.enqueueOutbox({ kind, idempotencyKey: `${kind}-1`, payload: { n: 1 } });
        await store.enqueueOutbox({ kind, idempotencyKey: `${kind}-2`, payload: { n: 2 } });
        const claimed = await store.outbox.claim({
          workerId: 'w1',
          limit: 10,
          now: t0,
          leaseMs: 30_000,
          kinds: [kind],
        });
        expect(claimed.map((c) => c.payload)).toEqual([{ n: 1 }, { n: 2 }]);
        expect(claimed.every((c) => c.status === 'sending' && c.attempts === 1)).toBe(true);
        // Leased: nobody else gets them before the lease ends.
        expect(
          await store.outbox.claim({
            workerId: 'w2',
            limit: 10,
            now: at(29_000),
            leaseMs: 30_000,
            kinds: [kind],
          }),
        ).toEqual([]);
        const [a, b] = claimed as [(typeof claimed)[0], (typeof claimed)[0]];
        // Not the holder: ignored.
        await store.outbox.markDelivered(a.id, 'w2', 'ref', at(1000));
        expect(await store.outbox.get(a.id)).toMatchObject({ status: 'sending', externalRef: null });
        await store.outbox.markDelivered(a.id, 'w1', 'msg-1', at(1000));
        expect(await store.outbox.get(a.id)).toMatchObject({ status: 'delivered', externalRef: 'msg-1' });
        expect((await store.outbox.get(a.id))?.deliveredAt?.toISOString()).toBe(at(1000).toISOString());
        await store.outbox.markFailed(a.id, 'w1', 'late', null);
        expect(await store.outbox.get(a.id)).toMatchObject({ status: 'delivered', lastError: null });

        // Retry later: back to pending, due at retryAt.
        await store.outbox.markFailed(b.id, 'w1', 'HTTP 500', at(60_000));
        expect(await store.outbox.get(b.id)).toMatchObject({ status: 'pending', lastError: 'HTTP 500' });
        expect(
          await store.outbox.claim({
            workerId: 'w1',
            limit: 10,
            now: at(59_000),
            leaseMs: 1000,
            kinds: [kind],
          }),
        ).toEqual([]);
        const again = await store.outbox.claim({
          workerId: 'w1',
          limit: 10,
          now: at(60_000),
          leaseMs: 1000,
          kinds: [kind],
        });
        expect(again.map((c) => [c.id, c.attempts])).toEqual([[b.id, 2]]);
        await store.outbox.markFailed(b.id, 'w1', 'gone', null);
        expect(await store.outbox.get(b.id)).toMatchObject({ status: 'failed', lastError: 'gone' });
        expect((await store.outbox.list({ status: 'failed', kind })).map((o) => o.id)).toEqual([b.id]);
        expect(await store.outbox.get('missing')).toBeNull();
      });

      it('an expired lease can be taken over; the old holder then loses the row', async () => {
        const kind = `lease-${Math.random()}`;
        await store.enqueueOutbox({ kind, idempotencyKey: kind, payload: {} });
        const [first] = await store.outbox.claim({
          workerId: 'w1',
          limit: 1,
          now: t0,
          leaseMs: 1000,
          kinds: [kind],
        });
        expect(first).toBeDefined();
        const [taken] = await store.outbox.claim({
          workerId: 'w2',
          limit: 1,
          now: at(1000),
          leaseMs: 1000,
          kinds: [kind],
        });
        expect(taken?.id).toBe(first?.id);
        expect(taken?.attempts).toBe(2);
        // The old holder's late answers are ignored.
        await store.outbox.markFailed(taken!.id, 'w1', 'stale', null);
        await store.outbox.markDelivered(taken!.id, 'w1', 'stale-ref', at(1200));
        expect(await store.outbox.get(taken!.id)).toMatchObject({
          status: 'sending',
          lastError: null,
          externalRef: null,
        });
        await store.outbox.markDelivered(taken!.id, 'w2', null, at(1500));
        expect((await store.outbox.get(taken!.id))?.status).toBe('delivered');
      });

      it('respects limit and kinds, and rows not yet due', async () => {
        const kind = `lim-${Math.random()}`;
        for (let i = 0; i < 5; i++)
          await store.enqueueOutbox({ kind, idempotencyKey: `${kind}-${i}`, payload: i });
        expect(
          await store.outbox.claim({ workerId: 'w', limit: 2, now: t0, leaseMs: 1000, kinds: [kind] }),
        ).toHaveLength(2);
        expect(
          await store.outbox.claim({
            workerId: 'w',
            limit: 10,
            now: t0,
            leaseMs: 1000,
            kinds: ['other-kind'],
          }),
        ).toEqual([]);
        expect(
          await store.outbox.claim({
            workerId: 'w',
            limit: 10,
            now: new Date('2000-01-01T00:00:00Z'),
            leaseMs: 1000,
            kinds: [kind],
          }),
        ).toEqual([]);
        expect(
          await store.outbox.claim({ workerId: 'w', limit: 10, now: t0, leaseMs: 1000, kinds: [kind] }),
        ).toHaveLength(3);
      });

      it('two concurrent claimers never get the same row', async () => {
        const kind = `race-${Math.random()}`;
        const total = 40;
        for (let i = 0; i < total; i++)
          await store.enqueueOutbox({ kind, idempotencyKey: `${kind}-${i}`, payload: i });
        const claimer = async (workerId: string) => {
          const got: string[] = [];
          for (;;) {
            const batch = await store.outbox.claim({
              workerId,
              limit: 3,
              now: t0,
              leaseMs: 60_000,
              kinds: [kind],
            });
            if (batch.length === 0) return got;
            got.push(...batch.map((b) => b.id));
          }
        };
        const [a, b] = await Promise.all([claimer('A'), claimer('B')]);
        expect(new Set([...a, ...b]).size).toBe(a.length + b.length);
        expect(a.length + b.length).toBe(total);
      });
    });

    // Last: it claims the sales_alert rows the tests above left pending.
    handoffStoreContract(() => store);

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

/**
 * Two store instances (two processes in production) on one database claim concurrently:
 * no row may be handed to both.
 */
export async function twoInstancesNeverClaimTheSameRow(a: LeadStore, b: LeadStore): Promise<void> {
  const kind = `instances-${Math.random()}`;
  const total = 60;
  for (let i = 0; i < total; i++) await a.enqueueOutbox({ kind, idempotencyKey: `${kind}-${i}`, payload: i });
  const now = new Date('2030-01-01T00:00:00.000Z');
  const drain = async (store: LeadStore, workerId: string) => {
    const got: string[] = [];
    for (;;) {
      const batch = await store.outbox.claim({ workerId, limit: 4, now, leaseMs: 60_000, kinds: [kind] });
      if (batch.length === 0) return got;
      got.push(...batch.map((r) => r.id));
    }
  };
  const [x, y] = await Promise.all([drain(a, 'A'), drain(b, 'B')]);
  expect(new Set([...x, ...y]).size).toBe(total);
  expect(x.length + y.length).toBe(total);
}
