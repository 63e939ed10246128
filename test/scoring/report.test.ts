/** `scoring report` and `scoring backtest` figures on the seeded data set (seed.ts). */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { backtest, formatBacktest } from '../../src/core/backtest.ts';
import { parseFlow } from '../../src/core/flow/validate.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { type LeadScoringData, readScoringData } from '../../src/core/scoring-data.ts';
import { buildScoringReport, formatScoringReport } from '../../src/core/scoring-report.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { ROOT, runCli } from '../app/run-cli.ts';
import { FLOWS_DIR } from '../helpers/engine.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { seedScoringData } from './seed.ts';

async function seeded() {
  const store = createMemoryStore();
  const ids = await seedScoringData(store, store.verdicts!);
  const data: LeadScoringData[] = [];
  for await (const d of readScoringData(store)) data.push(d);
  return { ids, data };
}

/** The default flow with a lower SQL threshold (105) and no demo_request hard rule. */
function changedFlowDefinition() {
  const def = parse(readFileSync(join(FLOWS_DIR, 'default.yaml'), 'utf8'));
  def.scoring.thresholds.sql = 105;
  def.scoring.hard = def.scoring.hard.filter((h: { id: string }) => h.id !== 'demo_request');
  return def;
}

const tally = (t: {
  sqls: number;
  claimed: number;
  rejected: number;
  open: number;
  precision: number | null;
}) => [
  t.sqls,
  t.claimed,
  t.rejected,
  t.open,
  t.precision === null ? null : Math.round(t.precision * 1000) / 1000,
];

describe('scoring report', () => {
  it('counts claimed vs rejected SQLs per answer and per rule', async () => {
    const { data } = await seeded();
    const r = buildScoringReport(data);
    expect(tally(r.total)).toEqual([5, 2, 2, 1, 0.5]);
    const row = (stepId: string, value: string) => {
      const found = r.answers.find((a) => a.stepId === stepId && a.value === value);
      return found ? tally(found) : undefined;
    };
    expect(row('need', 'evaluating')).toEqual([4, 2, 1, 1, 0.667]);
    expect(row('need', 'exploring')).toEqual([1, 0, 1, 0, 0]);
    expect(row('role', 'exec')).toEqual([2, 2, 0, 0, 1]);
    expect(row('role', 'manager')).toEqual([2, 0, 1, 1, 0]);
    expect(row('budget', 'planned')).toEqual([1, 0, 1, 0, 0]);
    expect(row('demo', 'true')).toEqual([4, 1, 2, 1, 0.333]);
    expect(row('demo', 'false')).toEqual([1, 1, 0, 0, 1]);
    // Free-text and number answers are not tallied; E (MQL) is not counted anywhere.
    expect(r.answers.some((a) => ['company', 'team_size', 'email'].includes(a.stepId))).toBe(false);
    expect(r.answers.find((a) => a.stepId === 'demo' && a.value === 'true')?.answer).toBe('yes');
    const rule = (id: string) => tally(r.rules.find((x) => x.ruleId === id)!);
    expect(rule('hard:demo_request')).toEqual([4, 1, 2, 1, 0.333]);
    expect(rule('rule:large_team')).toEqual([3, 2, 0, 1, 1]);
    expect(rule('option:role=exec')).toEqual([2, 2, 0, 0, 1]);
    const text = formatScoringReport(r);
    expect(text).toContain('SQL leads: 5   claimed: 2   rejected: 2   no verdict: 1   precision: 50%');
    expect(text).toMatch(/Founder or executive\s+2\s+2\s+0\s+0\s+100%/);
  });

  it('orders answers by the flow and skips leads that never reached SQL', async () => {
    const { data } = await seeded();
    const steps = [...new Set(buildScoringReport(data).answers.map((a) => a.stepId))];
    expect(steps).toEqual(['need', 'role', 'budget', 'timeline', 'consent', 'demo']);
    expect(buildScoringReport(data.filter((d) => !d.reachedSql)).total.sqls).toBe(0);
  });
});

describe('scoring backtest', () => {
  it('lists the leads a changed flow would move, with before and after', async () => {
    const { ids, data } = await seeded();
    const result = backtest(parseFlow(changedFlowDefinition()), data);
    expect(result.replayed).toBe(6);
    expect(result.transitions).toEqual({ 'SQL→MQL': 2, 'MQL→SQL': 1 });
    const changed = Object.fromEntries(result.changed.map((c) => [c.leadId, c]));
    expect(Object.keys(changed).sort()).toEqual([ids.B, ids.C, ids.E].sort());
    expect(changed[ids.B!]).toMatchObject({
      before: { stage: 'SQL', score: 75 },
      after: { stage: 'MQL', score: 75 },
    });
    expect(changed[ids.C!]).toMatchObject({
      before: { stage: 'SQL' },
      after: { stage: 'MQL', score: 30 },
      verdict: 'rejected',
    });
    expect(changed[ids.E!]).toMatchObject({
      current: 'MQL',
      before: { stage: 'MQL', score: 110 },
      after: { stage: 'SQL' },
    });
    expect(formatBacktest(result)).toContain('6 conversations replayed, 3 leads would change stage');
  });

  it('the unchanged flow changes nothing', async () => {
    const { data } = await seeded();
    const def = parse(readFileSync(join(FLOWS_DIR, 'default.yaml'), 'utf8'));
    const result = backtest(parseFlow(def), data);
    expect(result).toMatchObject({ replayed: 6, changed: [] });
  });
});

describe('leadbot scoring (CLI on SQLite)', () => {
  it('prints the report and the backtest', async () => {
    const db = tempSqliteUrl();
    try {
      const logger = pino({ level: 'silent' });
      await migrateDatabase(db.url, { logger });
      const store = await openStore(db.url, { logger });
      const ids = await seedScoringData(store, store.verdicts!);
      await store.close();
      const env = { DATABASE_URL: db.url, FLOWS_DIR: join(ROOT, 'flows'), LOG_LEVEL: 'warn' };
      const report = await runCli(['scoring', 'report'], env, db.dir);
      expect(report.stderr).toBe('');
      expect(report.code).toBe(0);
      expect(report.stdout).toContain(
        'SQL leads: 5   claimed: 2   rejected: 2   no verdict: 1   precision: 50%',
      );

      const flowFile = join(db.dir, 'new.yaml');
      writeFileSync(flowFile, stringify(changedFlowDefinition()));
      const bt = await runCli(['scoring', 'backtest', '--flow', flowFile, '--json'], env, db.dir);
      expect(bt.code).toBe(0);
      const result = JSON.parse(bt.stdout);
      expect(result).toMatchObject({
        flowId: 'default',
        replayed: 6,
        transitions: { 'SQL→MQL': 2, 'MQL→SQL': 1 },
      });
      expect(result.changed.map((c: { leadId: string }) => c.leadId).sort()).toEqual(
        [ids.B, ids.C, ids.E].sort(),
      );
    } finally {
      db.cleanup();
    }
    // Spawns the real CLI twice: generous on a loaded two-core machine.
  }, 90_000);
});
