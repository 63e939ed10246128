/**
 * `leadbot scoring report [--json]`: claimed vs rejected SQLs per question, answer and rule,
 * counted by the store's reporting queries (GROUP BY in the database).
 * `leadbot scoring backtest --flow <file> [--json]`: which leads a changed flow's scoring would
 * move to another stage, replayed from stored answers, before the change ships.
 */
import type { Command } from 'commander';
import { backtest, formatBacktest } from '../../core/backtest.ts';
import { type LeadScoringData, readScoringData } from '../../core/scoring-data.ts';
import { buildScoringReportFromTallies, formatScoringReport } from '../../core/scoring-report.ts';
import { type CliContext, withStore } from '../cli-context.ts';
import { loadFlowFile } from '../flow-files.ts';

async function readAll(ctx: CliContext): Promise<LeadScoringData[]> {
  return withStore(ctx, async (store) => {
    const data: LeadScoringData[] = [];
    for await (const d of readScoringData(store)) data.push(d);
    return data;
  });
}

const json = (v: unknown) =>
  `${JSON.stringify(v, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x), 2)}\n`;

export function register(program: Command, ctx: CliContext): void {
  const scoring = program
    .command('scoring')
    .description('tune scoring: rep feedback per answer, backtests of flow changes');
  scoring
    .command('report')
    .description('per question and answer: how many SQLs reps claimed vs rejected (precision)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const tallies = await withStore(ctx, (store) => store.reporting.scoringTallies());
      const report = buildScoringReportFromTallies(tallies);
      process.stdout.write(opts.json ? json(report) : `${formatScoringReport(report)}\n`);
    });
  scoring
    .command('backtest')
    .description("replay stored answers against a changed flow's scoring; list leads that would change stage")
    .requiredOption('--flow <file>', 'the changed flow file (YAML or JSON)')
    .option('--json', 'print JSON')
    .action(async (opts: { flow: string; json?: boolean }) => {
      const flow = await loadFlowFile(opts.flow);
      const result = backtest(flow, await readAll(ctx));
      process.stdout.write(opts.json ? json(result) : `${formatBacktest(result)}\n`);
    });
}
