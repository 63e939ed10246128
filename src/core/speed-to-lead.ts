/**
 * Speed to lead: how long after a lead reached SQL a rep claimed it, and how long until a rep's
 * first reply reached the prospect in the handoff (the first transcript line `to_prospect`), as
 * the median and the 90th percentile per rep and per platform. A lead counts once, with its
 * first claim (or first reply) and that rep; one recorded before the lead reached SQL (a
 * manager claimed a cold lead) is not a response time.
 * Percentiles are nearest-rank (the ⌈p·n⌉-th smallest), so the figure is a time that occurred;
 * the database computes the same with window functions (src/store/speed-sql.ts).
 */
import { compareText } from './reporting-rules.ts';

/** What is timed from SQL: the first claim, or the first reply to the prospect. */
export type SpeedOf = 'claim' | 'reply';

/** One row of the report: a rep (`slack:U…`) or a platform, and its response times. */
export interface SpeedRow {
  key: string;
  /** Leads counted (claimed, or replied to). */
  leads: number;
  medianMs: number;
  p90Ms: number;
}

export interface SpeedReport {
  /** Per rep who claimed (replied) first, most leads first (ties by key); at most {@link SPEED_LIMIT}. */
  byRep: SpeedRow[];
  /** Per source platform of the lead, ordered the same way. */
  byPlatform: SpeedRow[];
}

/** At most this many rows per section (a chat message). */
export const SPEED_LIMIT = 20;

/** One lead: who claimed it (replied) first, its platform, and the time from SQL to that. */
export interface SpeedSample {
  rep: string;
  platform: string;
  ms: number;
}

/** ⌈p·n⌉ for n ≥ 1 (at least 1): the nearest rank; `tenths` is p·10, so the arithmetic is integer. */
export const rankOf = (n: number, tenths: number): number => Math.max(1, Math.floor((tenths * n + 9) / 10));

/** The ⌈p·n⌉-th smallest of `sorted` (n ≥ 1). */
export function nearestRank(sorted: number[], tenths: number): number {
  return sorted[rankOf(sorted.length, tenths) - 1]!;
}

function rows(samples: SpeedSample[], keyOf: (s: SpeedSample) => string): SpeedRow[] {
  const groups = new Map<string, number[]>();
  for (const s of samples) groups.set(keyOf(s), [...(groups.get(keyOf(s)) ?? []), s.ms]);
  return [...groups]
    .map(([key, times]) => {
      const sorted = [...times].sort((a, b) => a - b);
      return { key, leads: sorted.length, medianMs: nearestRank(sorted, 5), p90Ms: nearestRank(sorted, 9) };
    })
    .sort((a, b) => b.leads - a.leads || compareText(a.key, b.key))
    .slice(0, SPEED_LIMIT);
}

/** The report from every lead's sample (the memory store's way; the database groups itself). */
export function speedReport(samples: SpeedSample[]): SpeedReport {
  return { byRep: rows(samples, (s) => s.rep), byPlatform: rows(samples, (s) => s.platform) };
}

/** `4m 05s`, `1h 02m`, `850ms`: a response time for people. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
