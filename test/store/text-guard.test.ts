/**
 * The store's own text guard, behind the core's hygiene: strings holding NUL and lone
 * surrogates, written straight to the Prisma store (as an adapter writing a rep's verdict, or
 * a future caller, could) on SQLite and PostgreSQL. Nothing may fail (PostgreSQL answers
 * 22021/22P02/22P05 without the guard), and every value the database holds — read below
 * Prisma — is valid UTF-8 without NUL.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { badTexts, storedTexts } from '../helpers/stored-text.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened) await o.cleanup();
});

/** Every write path a person's text can reach, each given NUL and a lone surrogate. */
async function writeHostileText(store: LeadStore): Promise<{ leadId: string; conversationId: string }> {
  const key = { platform: 'web' as const, workspaceId: '', userId: 'visitor\u0000' };
  const lead = await store.createLead(
    {
      name: 'Ada\u0000\ud800',
      source: { platform: 'web', workspaceId: '', channelId: 'c', campaign: 'spring\u0000' },
    },
    { ...key, username: 'ada\udfff', chatId: 'chat\u0000' },
  );
  await store.updateLead(lead.id, { company: '\ud800Acme\u0000', phone: '+1\u00005' });
  const conversationId = await store.transaction(async (tx) => {
    expect(await tx.markEventProcessed('web', 'event\u0000\ud800')).toBe(true);
    const conv = await tx.createConversation({
      leadId: lead.id,
      flowId: 'default',
      flowVersion: 'v1',
      currentStep: 'company',
      platform: 'web',
      workspaceId: '',
      channelId: 'c\u0000',
      variables: { 'company\u0000': 'Ac\u0000me', nested: ['\ud800', { x: 'y\u0000' }] },
    });
    await tx.addAnswer({
      conversationId: conv.id,
      stepId: 'company',
      value: { text: 'Ac\u0000me\udc00' },
      rawText: 'Ac\u0000me\udc00',
      attempt: 1,
      accepted: true,
      createdAt: new Date(),
    });
    await tx.updateConversation(conv, { variables: { company: '\ud800\u0000' } });
    await tx.updateLead(lead.id, { name: 'Grace\u0000' });
    return conv.id;
  });
  await store.addNote({ leadId: lead.id, author: 'slack:U1\u0000', text: 'Not a fit: \u0000\ud800' });
  await store.verdicts?.record({
    leadId: lead.id,
    verdict: 'rejected',
    actor: 'slack:U1',
    reason: 'r\u0000\ud800',
  });
  await store.enqueueOutbox({
    kind: 'webhook',
    idempotencyKey: 'k\u0000',
    leadId: lead.id,
    payload: { a: '\u0000\ud800' },
  });
  return { leadId: lead.id, conversationId };
}

describe.each(storeBackends().filter((b) => b.name !== 'memory'))('store text guard ($name)', (backend) => {
  it('stores NUL and lone surrogates as valid UTF-8 without NUL, and finds them again', async (ctx) => {
    const o = await backend.open();
    if (!o) return ctx.skip();
    opened.push(o);
    const { leadId, conversationId } = await writeHostileText(o.store);

    // Reads with the same hostile strings find the rows (the guard cleans queries too).
    const identity = await o.store.findIdentity({
      platform: 'web',
      workspaceId: '',
      userId: 'visitor\u0000',
    });
    expect(identity).toMatchObject({ leadId, userId: 'visitor', username: 'ada\ufffd', chatId: 'chat' });
    expect(
      (await o.store.findLeadByIdentity({ platform: 'web', workspaceId: '', userId: 'visitor\u0000' }))?.id,
    ).toBe(leadId);
    expect((await o.store.listLeads({ source: 'spring\u0000' })).items.map((l) => l.id)).toEqual([leadId]);
    expect(await o.store.markEventProcessed('web', 'event\u0000\ud800')).toBe(false);

    expect(await o.store.getLead(leadId)).toMatchObject({
      name: 'Grace',
      company: '\ufffdAcme',
      phone: '+15',
      source: { campaign: 'spring' },
    });
    const [answer] = await o.store.listAnswers(conversationId);
    expect(answer).toMatchObject({ rawText: 'Acme\ufffd', value: { text: 'Acme\ufffd' } });
    expect((await o.store.getConversation(conversationId))?.variables).toEqual({ company: '\ufffd' });
    expect((await o.store.listNotes(leadId)).map((n) => n.text)).toEqual(['Not a fit: \ufffd']);
    expect((await o.store.verdicts?.listForLead(leadId))?.map((v) => v.reason)).toEqual(['r\ufffd']);

    const texts = await storedTexts(o.url!);
    console.log(
      `[text guard] ${backend.name}: ${texts.length} stored text values read below Prisma, ${badTexts(texts).length} invalid`,
    );
    expect(texts.length).toBeGreaterThan(20);
    expect(badTexts(texts)).toEqual([]);
  });
});
