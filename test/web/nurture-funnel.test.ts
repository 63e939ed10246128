/**
 * The funnel by "nurtured by email / chat / none" (#21): one SQL aggregate on SQLite and
 * PostgreSQL, the same figures as the port-generic reference on every backend.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { overviewPage } from '../../src/app/web/overview-page.ts';
import { parseQuery } from '../../src/app/web/query.ts';
import { createRepoReporting } from '../../src/core/memory/memory-reporting.ts';
import type { LeadStore, NewScheduledMessage, SentVia } from '../../src/core/ports/index.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened.splice(0)) await o.cleanup();
});

const T = new Date('2030-01-01T00:00:00Z');

/** Plans a follow-up and ends it the way the runner would. */
async function followUp(
  store: LeadStore,
  leadId: string,
  row: Partial<NewScheduledMessage> & { key: string },
  end: { status: 'sent' | 'skipped'; via?: SentVia },
) {
  await store.schedules.plan({
    leadId,
    kind: 'nurture',
    platform: 'telegram',
    workspaceId: '',
    channelId: 'c',
    sequence: 0,
    dueAt: T,
    ...row,
  });
  const [claimed] = await store.schedules.claim({ workerId: 'w', limit: 1, now: T, leaseMs: 60_000 });
  await store.schedules.finish(claimed!.id, 'w', end.status, end.status, T, end.via);
}

describe.each(storeBackends().map((b) => [b.name, b] as const))('nurture funnel on %s', (_name, backend) => {
  it('counts leads by how they were nurtured, and how many of each reached SQL', async (ctx) => {
    const o = await backend.open();
    if (!o) return ctx.skip();
    opened.push(o);
    const { store } = o;
    const lead = (stage: 'cold' | 'MQL' | 'SQL') =>
      store.createLead({ stage, ...(stage === 'SQL' ? { reachedSqlAt: T, reachedMqlAt: T } : {}) });
    const emailed = await lead('SQL');
    await followUp(store, emailed.id, { key: 'a', channel: 'email' }, { status: 'sent', via: 'email' });
    // Nurtured both ways: email wins.
    const both = await lead('MQL');
    await followUp(store, both.id, { key: 'b1' }, { status: 'sent', via: 'chat' });
    await followUp(
      store,
      both.id,
      { key: 'b2', channel: 'chat-then-email' },
      { status: 'sent', via: 'email' },
    );
    const chatted = await lead('SQL');
    await followUp(store, chatted.id, { key: 'c', kind: 'reengage' }, { status: 'sent', via: 'chat' });
    // A reminder belongs to the qualification, and a skipped email reached no one.
    const reminded = await lead('MQL');
    await followUp(store, reminded.id, { key: 'd', kind: 'reminder' }, { status: 'sent', via: 'chat' });
    const bounced = await lead('MQL');
    await followUp(store, bounced.id, { key: 'e', channel: 'email' }, { status: 'skipped' });
    await lead('cold');

    const generic = createRepoReporting(store);
    const r = store.reporting ?? generic;
    const rows = await r.nurtureFunnel({});
    expect(rows.map((g) => [g.key, g.leads, g.sql])).toEqual([
      ['email', 2, 1],
      ['chat', 1, 1],
      ['none', 3, 0],
    ]);
    expect(rows).toEqual(await generic.nurtureFunnel({}));
    // The dashboard shows it as a breakdown, with each group's conversion to SQL.
    const page = overviewPage({
      query: parseQuery('/dashboard'),
      report: await r.funnel({}),
      dropOff: [],
      nurture: rows,
      options: { platforms: [], campaigns: [] },
    }).value;
    expect(page).toMatch(/<caption>By nurture<\/caption>.*<td>email<\/td><td>2<\/td><td>2<\/td><td>1<\/td>/s);
    expect(await r.nurtureFunnel({ since: new Date(Date.now() + 3_600_000) })).toEqual(
      await generic.nurtureFunnel({ since: new Date(Date.now() + 3_600_000) }),
    );
  });
});
