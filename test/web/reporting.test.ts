/**
 * Reporting contract: the same leads, qualified by the real engine from the shipped transcripts,
 * give the same funnel, drop-off and leads table on the memory store (repo-generic queries),
 * SQLite and PostgreSQL (Prisma queries).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFlowCatalog } from '../../src/app/flow-files.ts';
import { loadTranscript, runTranscript, type Transcript } from '../../src/app/transcripts.ts';
import { changeStage } from '../../src/core/lead-lifecycle.ts';
import { createRepoReporting } from '../../src/core/memory/memory-reporting.ts';
import type { LeadStore, Stage } from '../../src/core/ports/index.ts';
import {
  conversionRates,
  GROUP_LIMIT,
  type LeadQuery,
  type ReportFilter,
  type ReportingQueries,
  type SourceStats,
  STATS_LIMIT,
  tableCursor,
  toCsv,
} from '../../src/core/reporting.ts';
import { buildScoringReportFromTallies } from '../../src/core/scoring-report.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { ROLLUP_LIMIT } from '../../src/store/reporting-sql.ts';
import { insertBulkLeads } from '../helpers/bulk-leads.ts';
import { createTestClock, FLOWS_DIR, silentLogger } from '../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

const transcript = (name: string) => loadTranscript(join(FLOWS_DIR, 'transcripts', `${name}.yaml`));
const quitter: Transcript = {
  flow: 'default',
  steps: [{ command: 'start', args: [] }, { choose: ['evaluating'] }],
  expect: {},
} as unknown as Transcript;

/** Five leads: SQL (claimed, campaign), MQL, disqualified, one abandoned and one active at `company`. */
async function seed(store: LeadStore): Promise<void> {
  const flows = await loadFlowCatalog(FLOWS_DIR);
  const clock = createTestClock(new Date(Date.now() + 60_000));
  const deps = { store, flows, clock, logger: silentLogger };
  const strong = await runTranscript(await transcript('strong-prospect'), { ...deps, userId: 'strong' });
  expect(strong.stage).toBe('SQL');
  const id = (await store.findIdentity({ platform: 'console', workspaceId: '', userId: 'strong' }))!.leadId;
  await store.updateLead(id, { ownerId: 'slack:U1' });
  expect((await runTranscript(await transcript('early-prospect'), { ...deps, userId: 'early' })).stage).toBe(
    'MQL',
  );
  expect((await runTranscript(await transcript('student'), { ...deps, userId: 'student' })).stage).toBe(
    'disqualified',
  );
  await runTranscript(quitter, { ...deps, userId: 'quitter-1' });
  clock.advance(86_400_000);
  expect(await store.abandonIdleConversations(clock.now())).toBe(1);
  await runTranscript(quitter, { ...deps, userId: 'quitter-2' });
}

const backends = storeBackends();
const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened.splice(0)) await o.cleanup();
});

describe.each(backends.map((b) => [b.name, b] as const))('reporting on %s', (name, backend) => {
  async function reportings(): Promise<{ label: string; r: ReportingQueries }[] | null> {
    const o = await backend.open();
    if (!o) return null;
    opened.push(o);
    await seed(o.store);
    const out = [{ label: 'repo-generic', r: createRepoReporting(o.store) }];
    if (o.store.reporting) out.push({ label: 'store', r: o.store.reporting });
    if (name !== 'memory') expect(o.store.reporting).toBeDefined();
    return out;
  }

  it('counts the funnel by reached stage, drop-off by step, and pages the leads table', async () => {
    const all = await reportings();
    if (!all) return;
    for (const { label, r } of all) {
      const funnel = await r.funnel({});
      expect(funnel.overall, label).toEqual({ leads: 5, mql: 2, sql: 1, claimed: 1, disqualified: 1 });
      expect(funnel.byPlatform, label).toEqual([
        { key: 'console', leads: 5, mql: 2, sql: 1, claimed: 1, disqualified: 1 },
      ]);
      expect(
        funnel.byCampaign.map((g) => [g.key, g.leads, g.sql]),
        label,
      ).toEqual([
        ['(none)', 4, 0],
        ['spring-campaign', 1, 1],
      ]);
      expect((await r.funnel({ campaign: 'spring-campaign' })).overall.sql, label).toBe(1);
      expect((await r.funnel({ since: new Date(Date.now() + 3_600_000) })).overall.leads, label).toBe(0);

      expect(await r.dropOff({}), label).toEqual([
        { flowId: 'default', stepId: 'company', active: 1, abandoned: 1 },
      ]);

      const byScore = await r.leads({ sort: 'score', order: 'desc', pageSize: 2, page: 1 });
      expect(byScore.total, label).toBe(5);
      expect(
        byScore.items.map((l) => l.score),
        label,
      ).toEqual([120, 40]);
      const last = await r.leads({ sort: 'score', order: 'desc', pageSize: 2, page: 3 });
      expect(last.items, label).toHaveLength(1);
      expect(
        (await r.leads({ stage: 'SQL' })).items.map((l) => l.company),
        label,
      ).toEqual(['Acme Corp']);
      expect(
        (await r.leads({ search: 'TINY' })).items.map((l) => l.company),
        label,
      ).toEqual(['Tiny Startup']);
      const byStage = await r.leads({ sort: 'stage', order: 'desc' });
      expect(byStage.items.map((l) => l.stage).slice(0, 2), label).toEqual(['SQL', 'MQL']);
      expect(byStage.items.at(-1)?.stage, label).toBe('disqualified');
    }
  });
});

/**
 * Leads made with the store port: names that try the case rule (A–Z fold, nothing else), a
 * lead disqualified after MQL, an SQL lead with an owner, one set to SQL without changeStage,
 * invited leads, several campaigns and platforms.
 */
async function seedMore(store: LeadStore): Promise<void> {
  const people: [string, string | null, string | null, string | null][] = [
    ['Zoë Adams', 'slack', 'autumn', 'slack:UMGR'],
    ['alice Brown', 'slack', 'autumn', 'slack:UMGR'],
    ['Bob Carter', 'discord', 'autumn', null],
    ['Émile Dupont', 'discord', null, 'slack:UOTHER'],
    ['émile Durand', 'telegram', '', null],
  ];
  const ids: string[] = [];
  for (const [name, platform, campaign, invitedBy] of people) {
    const lead = await store.createLead({
      name,
      company: `${name.split(' ')[1]} GmbH`,
      invitedBy,
      source: { platform, campaign },
    });
    ids.push(lead.id);
  }
  const move = (i: number, to: Stage) =>
    store.transaction((tx) =>
      changeStage(tx, NO_LEAD_EVENTS, {
        leadId: ids[i]!,
        to,
        reason: 'seed',
        actor: 'engine',
        now: new Date(),
      }),
    );
  await move(0, 'MQL');
  await move(0, 'disqualified'); // counts as MQL and disqualified
  await move(1, 'SQL');
  await store.updateLead(ids[1]!, { ownerId: 'slack:UREP' }); // claimed
  await store.verdicts?.record({ leadId: ids[1]!, verdict: 'claimed', actor: 'slack:UREP', reason: null });
  await store.updateLead(ids[2]!, { stage: 'SQL' }); // SQL now, without a stage change
  await move(3, 'MQL');
  await move(3, 'cold'); // back to cold: still reached MQL
}

const sorts: LeadQuery[] = (['createdAt', 'score', 'stage', 'name'] as const).flatMap((sort) =>
  (['asc', 'desc'] as const).map((order) => ({ sort, order })),
);

describe.each(backends.map((b) => [b.name, b] as const))(
  'SQL and port-generic reporting agree on %s',
  (_n, backend) => {
    it('every query gives the same figures, groups and rows', async () => {
      const o = await backend.open();
      if (!o) return;
      opened.push(o);
      await seed(o.store);
      await seedMore(o.store);
      const generic = createRepoReporting(o.store);
      const r = o.store.reporting ?? generic;
      const ids = (t: { items: { id: string }[] }) => t.items.map((l) => l.id);
      const filters: ReportFilter[] = [
        {},
        { platform: 'slack' },
        { campaign: 'autumn' },
        { since: new Date(Date.now() - 3_600_000) },
        { until: new Date(Date.now() - 3_600_000) },
      ];
      for (const f of filters) {
        const label = JSON.stringify(f);
        expect(await r.funnel(f), label).toEqual(await generic.funnel(f));
        expect(await r.dropOff(f), label).toEqual(await generic.dropOff(f));
        expect(await r.filterOptions(f), label).toEqual(await generic.filterOptions(f));
      }
      const queries: LeadQuery[] = [
        ...sorts,
        ...sorts.map((s) => ({ ...s, pageSize: 3, page: 2 })),
        { search: 'ÉMILE' },
        { search: 'émile', sort: 'name', order: 'asc' },
        { search: ' dup ' },
        { search: 'gmbh', stage: 'SQL' },
        { platform: 'discord', sort: 'name' },
        { stage: 'cold', sort: 'score', order: 'asc' },
        { ownerId: 'slack:UREP' },
        { source: 'slack' },
        { source: 'spring', stage: 'SQL' },
      ];
      for (const q of queries) {
        const [a, b] = [await r.leads(q), await generic.leads(q)];
        expect(ids(a), JSON.stringify(q)).toEqual(ids(b));
        expect(a.total, JSON.stringify(q)).toBe(b.total);
      }
      // "Next" continues after the last row shown (keyset): the same rows as page by page.
      for (const order of ['desc', 'asc'] as const)
        for (const rq of [r, generic]) {
          const byOffset: string[] = [];
          const byCursor: string[] = [];
          let after: string | undefined;
          for (let page = 1; page <= 4; page++) {
            byOffset.push(...ids(await rq.leads({ order, pageSize: 2, page })));
            const t = await rq.leads({ order, pageSize: 2, page, ...(after ? { after } : {}) });
            byCursor.push(...ids(t));
            const last = t.items.at(-1);
            after = last ? tableCursor(last) : undefined;
          }
          expect(byCursor, order).toEqual(byOffset);
          expect(byCursor.length, order).toBeGreaterThan(4);
        }
      const pages = async (rq: typeof r, q: LeadQuery) => {
        const out: string[][] = [];
        for await (const page of rq.leadPages(q, 3)) out.push(page.map((l) => l.id));
        return out.flat();
      };
      for (const q of [{}, { platform: 'slack' }, { search: 'e' }, { source: 'spring' }] as LeadQuery[])
        expect(await pages(r, q), JSON.stringify(q)).toEqual(await pages(generic, q));
      expect(await r.stats()).toEqual(await generic.stats());
      const scoring = buildScoringReportFromTallies(await r.scoringTallies());
      expect(scoring).toEqual(buildScoringReportFromTallies(await generic.scoringTallies()));
      // Bob, set to SQL without a stage change, never "reached" SQL for the scoring report.
      expect([scoring.total.sqls, scoring.total.claimed, scoring.total.open]).toEqual([2, 1, 1]);
      expect(scoring.rules.length).toBeGreaterThan(0);

      // What the figures are, whichever store computed them.
      const funnel = await r.funnel({});
      expect(funnel.overall).toEqual({ leads: 10, mql: 6, sql: 3, claimed: 2, disqualified: 2 });
      expect(funnel.byInviter.map((g) => [g.key, g.leads, g.mql, g.sql, g.claimed])).toEqual([
        ['invited by slack:UMGR', 2, 2, 1, 1],
        ['invited by slack:UOTHER', 1, 1, 0, 0],
      ]);
      expect(funnel.byCampaign.find((g) => g.key === '(none)')?.leads).toBe(6); // '' counts as none
      expect(await r.filterOptions({})).toEqual({
        platforms: ['console', 'discord', 'slack', 'telegram'],
        campaigns: ['autumn', 'spring-campaign'],
      });
      // The case rule: A–Z fold, É and é stay apart; names sort by code point after folding.
      const names = async (q: LeadQuery) => (await r.leads(q)).items.map((l) => l.name);
      expect(await names({ search: 'ÉMILE' })).toEqual(['Émile Dupont']);
      expect(await names({ search: 'ÉMILE DU' })).toEqual(['Émile Dupont']);
      expect(await names({ search: 'émile' })).toEqual(['émile Durand']);
      expect((await names({ sort: 'name', order: 'asc' })).filter(Boolean)).toEqual([
        'alice Brown',
        'Bob Carter',
        'Zoë Adams',
        'Émile Dupont',
        'émile Durand',
      ]);
      const stats = await r.stats();
      expect(stats.perStage).toEqual({ cold: 4, MQL: 1, SQL: 3, disqualified: 2 });
      const row = (s: SourceStats) => [s.source, s.leads, s.reachedMql, s.reachedSql];
      // Most leads first (among equals the newest lead's source: leads made in the same
      // millisecond make that order a matter of timing, so only the set is checked there).
      expect(stats.bySource.slice(0, 2).map(row)).toEqual([
        ['console', 4, 1, 0],
        ['slack/autumn', 2, 2, 1],
      ]);
      expect(stats.bySource.slice(2).map(row).sort()).toEqual([
        ['console/spring-campaign', 1, 1, 1],
        ['discord', 1, 1, 0],
        ['discord/autumn', 1, 1, 1],
        ['telegram', 1, 0, 0],
      ]);
      expect(stats.bySource.at(-1)?.source).toBe('console/spring-campaign'); // the first lead seeded
      // The CSV of the dashboard streams these pages: every matching lead once, newest first.
      const all = await pages(r, {});
      expect(new Set(all).size).toBe(10);
    });
  },
);

describe.each(backends.filter((b) => b.name !== 'memory').map((b) => [b.name, b] as const))(
  'reporting on %s with a campaign per lead',
  (_n, backend) => {
    it('counts past the rollup limit with a statement per breakdown, the largest groups first', async () => {
      const o = await backend.open();
      if (!o?.url) return;
      opened.push(o);
      const n = ROLLUP_LIMIT + 500;
      await insertBulkLeads(o.url, n, new Date(), { campaignPerLead: true });
      const generic = createRepoReporting(o.store);
      const r = o.store.reporting!;
      const funnel = await r.funnel({});
      expect(funnel).toEqual(await generic.funnel({}));
      expect(funnel.overall.leads).toBe(n);
      expect(funnel.byCampaign).toHaveLength(GROUP_LIMIT);
      expect(funnel.more.byCampaign).toBe(n - GROUP_LIMIT);
      expect(funnel.byPlatform.map((g) => g.leads)).toEqual([n / 4, n / 4, n / 4, n / 4]);
      const stats = await r.stats();
      expect(stats).toEqual(await generic.stats());
      expect(stats.more.bySource).toBe(n - STATS_LIMIT);
      expect(await r.filterOptions({})).toEqual(await generic.filterOptions({}));
    }, 60_000);
  },
);

describe('reporting helpers', () => {
  it('computes conversion rates without dividing by zero', () => {
    expect(conversionRates({ leads: 0, mql: 0, sql: 0, claimed: 0, disqualified: 0 })).toEqual({
      mql: 0,
      sql: 0,
      claimed: 0,
      overall: 0,
    });
    expect(conversionRates({ leads: 4, mql: 2, sql: 1, claimed: 1, disqualified: 0 })).toEqual({
      mql: 0.5,
      sql: 0.5,
      claimed: 1,
      overall: 0.25,
    });
  });

  it('quotes CSV cells and neutralises formulas', () => {
    expect(toCsv([['a,b', 'say "hi"', '=1+1', '-2', 3, -4, null, true]])).toBe(
      `"a,b","say ""hi""",'=1+1,'-2,3,-4,,true\r\n`,
    );
  });
});
