/**
 * Speed to lead (SQL → first claim, SQL → the rep's first reply in the handoff), median and p90
 * per rep and per platform: the database's window-function statement (SQLite, PostgreSQL) and
 * the memory store's rule give the same figures for the same claims and transcripts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createRepoReporting } from '../../src/core/memory/memory-reporting.ts';
import type { LeadStore, TranscriptDirection } from '../../src/core/ports/index.ts';
import { formatDuration, nearestRank } from '../../src/core/speed-to-lead.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

/** A lead that reached SQL at T0 (or never), from `platform`, with these verdicts. */
async function lead(
  store: LeadStore,
  platform: string,
  verdicts: { actor: string; afterS: number; verdict?: 'claimed' | 'rejected' }[],
  reachedSql: Date | null = T0,
): Promise<void> {
  const l = await store.createLead({ source: { platform }, stage: 'SQL', reachedSqlAt: reachedSql });
  for (const v of verdicts)
    await store.verdicts.record({
      leadId: l.id,
      verdict: v.verdict ?? 'claimed',
      actor: v.actor,
      reason: null,
      createdAt: at(v.afterS),
    });
}

async function seed(store: LeadStore): Promise<void> {
  await lead(store, 'telegram', [{ actor: 'slack:U1', afterS: 60 }]);
  await lead(store, 'slack', [{ actor: 'slack:U1', afterS: 120 }]);
  await lead(store, 'telegram', [{ actor: 'slack:U1', afterS: 300 }]);
  await lead(store, 'telegram', [{ actor: 'slack:U1', afterS: 600 }]);
  // The first claim counts; a later re-claim by another rep does not.
  await lead(store, 'slack', [
    { actor: 'slack:U2', afterS: 30 },
    { actor: 'slack:U1', afterS: 5000 },
  ]);
  // Not response times: a rejection, a claim before SQL, a claim of a lead that never reached SQL.
  await lead(store, 'discord', [{ actor: 'slack:U3', afterS: 10, verdict: 'rejected' }]);
  await lead(store, 'discord', [{ actor: 'slack:U3', afterS: -60 }]);
  await lead(store, 'discord', [{ actor: 'slack:U3', afterS: 60 }], null);
}

/**
 * A lead that reached SQL at T0 (or never), from `platform`, and its transcript: each line's
 * direction, author and seconds after T0 (notices and the prospect's lines are no replies).
 */
async function handoffLead(
  store: LeadStore,
  platform: string,
  lines: { direction: TranscriptDirection; author: string; afterS: number }[],
  reachedSql: Date | null = T0,
): Promise<void> {
  const l = await store.createLead({ source: { platform }, stage: 'SQL', reachedSqlAt: reachedSql });
  const h = await store.handoffs.open({
    leadId: l.id,
    alert: { sink: 'slack', externalRef: `1700.${l.id}` },
    prospect: { platform, workspaceId: '', userId: `P-${l.id}`, channelId: 'dm' },
    openedBy: 'slack:U1',
    openedByName: 'Ana',
    openedAt: T0,
  });
  for (const line of lines)
    await store.handoffs.addMessage({
      leadId: l.id,
      handoffId: h.id,
      direction: line.direction,
      author: line.author,
      authorName: null,
      text: 'hi',
      createdAt: at(line.afterS),
    });
}

async function seedReplies(store: LeadStore): Promise<void> {
  const rep = (author: string, afterS: number) => ({ direction: 'to_prospect' as const, author, afterS });
  // The joined notice and the prospect's words come first: the rep's first reply is what counts.
  await handoffLead(store, 'telegram', [
    { direction: 'notice', author: 'slack:U1', afterS: 10 },
    { direction: 'from_prospect', author: 'telegram:P', afterS: 20 },
    rep('slack:U1', 45),
    rep('slack:U2', 50),
  ]);
  await handoffLead(store, 'telegram', [rep('slack:U1', 240), rep('slack:U1', 250)]);
  await handoffLead(store, 'discord', [rep('slack:U2', 900)]);
  await handoffLead(store, 'telegram', [rep('slack:U1', 60)]);
  // Not response times: no reply yet, a reply before SQL, a lead that never reached SQL.
  await handoffLead(store, 'discord', [{ direction: 'from_prospect', author: 'discord:P', afterS: 5 }]);
  await handoffLead(store, 'discord', [rep('slack:U3', -30)]);
  await handoffLead(store, 'discord', [rep('slack:U3', 30)], null);
}

const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened.splice(0)) await o.cleanup();
});

describe('nearest-rank percentiles', () => {
  it('pick a time that occurred', () => {
    expect(nearestRank([5], 5)).toBe(5);
    expect(nearestRank([1, 2], 5)).toBe(1);
    expect(nearestRank([1, 2, 3], 5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 9)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 9)).toBe(10);
    expect(formatDuration(245_000)).toBe('4m 05s');
  });
});

describe.each(storeBackends().map((b) => [b.name, b] as const))('speed to lead on %s', (_name, backend) => {
  it('median and p90 of SQL → first claim, per rep and per platform', async () => {
    const o = await backend.open();
    if (!o) return;
    opened.push(o);
    await seed(o.store);
    for (const [label, r] of [
      ['store', o.store.reporting],
      ['rule', createRepoReporting(o.store)],
    ] as const) {
      const speed = await r.speedToLead();
      expect(speed.byRep, label).toEqual([
        { key: 'slack:U1', leads: 4, medianMs: 120_000, p90Ms: 600_000 },
        { key: 'slack:U2', leads: 1, medianMs: 30_000, p90Ms: 30_000 },
      ]);
      expect(speed.byPlatform, label).toEqual([
        { key: 'telegram', leads: 3, medianMs: 300_000, p90Ms: 600_000 },
        { key: 'slack', leads: 2, medianMs: 30_000, p90Ms: 120_000 },
      ]);
    }
  });

  it('median and p90 of SQL → first reply to the prospect, per rep and per platform', async () => {
    const o = await backend.open();
    if (!o) return;
    opened.push(o);
    await seedReplies(o.store);
    for (const [label, r] of [
      ['store', o.store.reporting],
      ['rule', createRepoReporting(o.store)],
    ] as const) {
      const speed = await r.speedToLead('reply');
      expect(speed.byRep, label).toEqual([
        { key: 'slack:U1', leads: 3, medianMs: 60_000, p90Ms: 240_000 },
        { key: 'slack:U2', leads: 1, medianMs: 900_000, p90Ms: 900_000 },
      ]);
      expect(speed.byPlatform, label).toEqual([
        { key: 'telegram', leads: 3, medianMs: 60_000, p90Ms: 240_000 },
        { key: 'discord', leads: 1, medianMs: 900_000, p90Ms: 900_000 },
      ]);
      // The claim figures do not count replies.
      expect((await r.speedToLead('claim')).byRep, label).toEqual([]);
    }
  });
});
