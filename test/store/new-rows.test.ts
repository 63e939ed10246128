/**
 * Leads, accounts and conversations a transaction creates are inserted with its other writes at
 * the end (src/store/new-rows.ts): inside the transaction they read and are referred to as if
 * stored, changes to them land in the inserted rows, an account another instance created
 * meanwhile rejects the transaction with DUPLICATE and leaves nothing behind, and on PostgreSQL
 * a new person's first event costs the statements a known person's does. Every backend; the
 * memory store is the reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLeadbotError } from '../../src/core/errors.ts';
import type { IdentityKey, LeadStore } from '../../src/core/ports/index.ts';
import { directStatementCount } from '../../src/store/direct-raw.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestEngine, dm, silentLogger } from '../helpers/engine.ts';
import { conversationInput, type OpenedStore, storeBackends } from '../helpers/stores.ts';

let n = 0;
const key = (): IdentityKey => ({ platform: 'slack', workspaceId: 'T1', userId: `N${++n}-${Math.random()}` });
for (const backend of storeBackends()) {
  describe(`new rows on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    beforeAll(async () => {
      opened = await backend.open();
      if (opened) store = opened.store;
    }, 60_000);
    afterAll(async () => opened?.cleanup());

    it('a new lead, its account and conversation read, change and take references before they are stored', async (ctx) => {
      if (!opened) return ctx.skip();
      const k = key();
      const inside = await store.transaction(async (tx) => {
        const lead = await tx.createLead({ name: 'Ada' }, { ...k, username: 'ada' });
        const conv = await tx.createConversation(conversationInput(lead.id));
        const moved = await tx.updateConversation(conv, { currentStep: 'b', variables: { n: 1 } });
        await tx.updateLead(lead.id, { score: 7, company: 'Acme' });
        await tx.addAnswer({
          conversationId: conv.id,
          stepId: 'a',
          value: 'x',
          rawText: 'x',
          attempt: 1,
          accepted: true,
        });
        expect(await tx.findLeadByIdentity(k)).toMatchObject({ id: lead.id, score: 7, company: 'Acme' });
        expect(await tx.findIdentity(k)).toMatchObject({ leadId: lead.id, username: 'ada' });
        expect(await tx.findOpenConversation(lead.id)).toEqual(moved);
        // Statements the view does not answer itself see the new rows (inserted first).
        expect((await tx.listIdentities(lead.id)).map((i) => i.userId)).toEqual([k.userId]);
        const note = await tx.addNote({ leadId: lead.id, author: 'U1', text: 'met at the booth' });
        expect(note.leadId).toBe(lead.id);
        const later = await tx.updateConversation(moved, { currentStep: 'c' });
        expect(await tx.listConversations(lead.id)).toEqual([later]);
        return { lead, later };
      });
      expect(await store.getLead(inside.lead.id)).toMatchObject({ name: 'Ada', score: 7, company: 'Acme' });
      expect(await store.getConversation(inside.later.id)).toEqual(inside.later);
      expect(await store.listAnswers(inside.later.id)).toHaveLength(1);
      expect(await store.findLeadByIdentity(k)).toMatchObject({ id: inside.lead.id });
    });

    // Two instances: the SQL stores.
    const sqlStore = backend.name !== 'memory';
    if (sqlStore)
      it('an account another instance created meanwhile rejects the transaction with DUPLICATE; nothing stays', async (ctx) => {
        if (!opened?.url) return ctx.skip();
        const other = await openStore(opened.url, { logger: silentLogger });
        try {
          const k = key();
          const outcome = await store
            .transaction(async (tx) => {
              const lead = await tx.createLead({ name: 'mine' }, k);
              await tx.createConversation(conversationInput(lead.id));
              await other.createLead({ name: 'theirs' }, k); // committed before this one ends
              return lead;
            })
            .then(
              (lead) => ({ lead }),
              (error: unknown) => ({ error }),
            );
          expect('error' in outcome && isLeadbotError(outcome.error, 'DUPLICATE')).toBe(true);
          expect(await store.findLeadByIdentity(k)).toMatchObject({ name: 'theirs' });
          expect((await store.listLeads({})).items.some((l) => l.name === 'mine')).toBe(false);
        } finally {
          await other.close();
        }
      });

    if (backend.name === 'postgres')
      it("a new person's first event costs no more statements than their next (PostgreSQL: one round trip for all writes)", async (ctx) => {
        if (!opened) return ctx.skip();
        const { engine } = await createTestEngine({ store });
        await engine.handle(dm({ kind: 'command', name: 'start' }, { userId: 'warm', channelId: 'dm-warm' })); // flow snapshot stored
        const origin = { userId: `first-${Math.random()}`, channelId: 'dm-first' };
        const counted = async (e: Parameters<typeof engine.handle>[0]) => {
          const before = directStatementCount();
          await engine.handle(e);
          return directStatementCount() - before;
        };
        const first = await counted(dm({ kind: 'command', name: 'start' }, origin));
        const next = await counted(dm({ kind: 'message', text: 'Ada' }, origin));
        expect(first).toBeLessThanOrEqual(next);
      });
  });
}
