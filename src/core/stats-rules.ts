/**
 * What the manager command `stats` counts, as pure functions: leads per stage, and per source
 * (`platform/campaign`) and inviting manager how many reached MQL and SQL. The Prisma store rolls
 * up its GROUP BY cells with {@link rollUpStats}; the memory store counts leads with
 * {@link buildStats}.
 */
import type { Lead, Stage } from './ports/index.ts';
import type { SourceStats, Stats } from './reporting.ts';
import { STATS_LIMIT } from './reporting.ts';
import { compareText, inviterKey, reachedMql, reachedSql } from './reporting-rules.ts';

/** The source a lead is counted under by `stats`: `platform/campaign`. */
export function sourceKey(source: { platform: string | null; campaign: string | null }): string {
  return `${source.platform ?? 'unknown'}${source.campaign ? `/${source.campaign}` : ''}`;
}

/** `stats` counts of the leads sharing a platform, campaign, inviter and stage (one lead: {@link statsCell}). */
export interface StatsCell {
  platform: string | null;
  campaign: string | null;
  inviter: string | null;
  stage: Stage;
  leads: number;
  mql: number;
  sql: number;
  /** When the newest of them was created (ms). */
  newest: number;
}

export function statsCell(l: Lead): StatsCell {
  return {
    platform: l.source.platform,
    campaign: l.source.campaign,
    inviter: l.invitedBy,
    stage: l.stage,
    leads: 1,
    mql: reachedMql(l) ? 1 : 0,
    sql: reachedSql(l) ? 1 : 0,
    newest: l.createdAt.getTime(),
  };
}

/** Rows most leads first; among equals the one with the newest lead, then by name. */
export function topSources(rows: (SourceStats & { newest: number })[]): {
  rows: SourceStats[];
  more: number;
} {
  const sorted = rows.sort(
    (a, b) => b.leads - a.leads || b.newest - a.newest || compareText(a.source, b.source),
  );
  return {
    rows: sorted.slice(0, STATS_LIMIT).map(({ newest: _n, ...s }) => s),
    more: Math.max(0, sorted.length - STATS_LIMIT),
  };
}

/** The `stats` figures, from cells. */
export function rollUpStats(cells: Iterable<StatsCell>): Stats {
  const perStage: Record<Stage, number> = { cold: 0, MQL: 0, SQL: 0, disqualified: 0 };
  type Row = SourceStats & { newest: number };
  const by = new Map<string, Row>();
  const invited = new Map<string, Row>();
  const add = (map: Map<string, Row>, key: string, c: StatsCell) => {
    const s = map.get(key) ?? { source: key, leads: 0, reachedMql: 0, reachedSql: 0, newest: 0 };
    map.set(key, s);
    s.leads += c.leads;
    s.reachedMql += c.mql;
    s.reachedSql += c.sql;
    s.newest = Math.max(s.newest, c.newest);
  };
  for (const c of cells) {
    perStage[c.stage] += c.leads;
    add(by, sourceKey(c), c);
    const inviter = inviterKey({ invitedBy: c.inviter });
    if (inviter) add(invited, inviter, c);
  }
  const source = topSources([...by.values()]);
  const inviter = topSources([...invited.values()]);
  return {
    perStage,
    bySource: source.rows,
    byInviter: inviter.rows,
    more: { bySource: source.more, byInviter: inviter.more },
  };
}

/** The `stats` figures of a set of leads. */
export function buildStats(leads: Iterable<Lead>): Stats {
  return rollUpStats([...leads].map(statsCell));
}
