/**
 * Reporting contract: the same leads, qualified by the real engine from the shipped transcripts,
 * give the same funnel, drop-off and leads table on the memory store (repo-generic queries),
 * SQLite and PostgreSQL (Prisma queries).
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFlowCatalog } from '../../src/app/flow-files.ts';
import { loadTranscript, runTranscript, type Transcript } from '../../src/app/transcripts.ts';
import { createRepoReporting } from '../../src/core/memory/memory-reporting.ts';
import type { LeadStore } from '../../src/core/ports.ts';
import { conversionRates, type ReportingQueries, toCsv } from '../../src/core/reporting.ts';
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
