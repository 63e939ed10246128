/**
 * `stats`: leads per stage, and conversion cold → MQL → SQL per source and per inviting
 * manager (leads who accepted a manager's `qualify`), and speed to lead (SQL → claim and SQL →
 * the rep's first reply in the handoff, median and p90 per rep and platform). Counted by the store's reporting queries
 * (GROUP BY in the database), so the command costs the same at any number of leads.
 */
import { STAGES } from '../ports/index.ts';
import type { SourceStats } from '../reporting.ts';
import { formatDuration, type SpeedOf, type SpeedReport, type SpeedRow } from '../speed-to-lead.ts';
import type { CommandDeps, CommandReply } from './types.ts';

export type { SourceStats, Stats } from '../reporting.ts';

const pct = (n: number, d: number) => (d === 0 ? '–' : `${Math.round((100 * n) / d)}%`);

const SPEED_WORDS: Record<SpeedOf, { title: string; done: string }> = {
  claim: { title: 'claim', done: 'claimed' },
  reply: { title: 'first reply', done: 'replied to' },
};

/** Speed to lead: SQL → first claim (first reply) per rep and per platform (nothing while none). */
function speedLines(speed: SpeedReport, of: SpeedOf): string[] {
  const words = SPEED_WORDS[of];
  const row = (r: SpeedRow) =>
    `  ${r.key}: median ${formatDuration(r.medianMs)}, p90 ${formatDuration(r.p90Ms)} (${r.leads} ${words.done})`;
  if (speed.byRep.length === 0) return [];
  return [
    `Speed to lead, SQL → ${words.title}, per rep:`,
    ...speed.byRep.map(row),
    'Per platform:',
    ...speed.byPlatform.map(row),
  ];
}

export async function stats(deps: CommandDeps): Promise<Omit<CommandReply, 'private'>> {
  const s = await deps.store.reporting.stats();
  const row = (b: SourceStats) =>
    `  ${b.source}: ${b.leads} leads, ${pct(b.reachedMql, b.leads)} to MQL, ${pct(b.reachedSql, b.reachedMql)} to SQL`;
  const more = (n: number, what: string) => (n > 0 ? [`  … and ${n} more ${what}`] : []);
  const lines = [
    `Per stage: ${STAGES.map((st) => `${st} ${s.perStage[st]}`).join(' · ')}`,
    'Conversion by source (cold→MQL, MQL→SQL):',
    ...(s.bySource.length ? s.bySource.map(row) : ['  (no leads yet)']),
    ...more(s.more.bySource, 'sources'),
    ...s.byInviter.map(row),
    ...more(s.more.byInviter, 'inviting managers'),
    ...speedLines(await deps.store.reporting.speedToLead('claim'), 'claim'),
    ...speedLines(await deps.store.reporting.speedToLead('reply'), 'reply'),
  ];
  return { text: lines.join('\n') };
}
