/**
 * {@link ReportingQueries} in the database: every figure is a GROUP BY / COUNT and every list a
 * LIMIT (statements in reporting-sql.ts and scoring-sql.ts), so the work per request does not
 * grow with the number of leads in the process, only in the database. Without a time range or
 * a search the funnel, the filter menus and the table's total come from LeadTally (and the
 * drop-off without any filter from StepTally), which
 * triggers keep (the migration lead_tally): a few hundred rows instead of a scan of every lead. Statements run through
 * a {@link SqlReader} (a worker thread on SQLite); the rows of a table page are then read by id.
 */
import type { Lead, Stage } from '../core/ports/index.ts';
import {
  type DropOffRow,
  type FunnelCounts,
  type FunnelGroup,
  GROUP_LIMIT,
  type LeadQuery,
  NURTURE_KEYS,
  type ReportFilter,
  type ReportingQueries,
  type SourceStats,
  STATS_LIMIT,
} from '../core/reporting.ts';
import { pageOf, rollUpFunnel, sortDropOff } from '../core/reporting-rules.ts';
import type { SpeedRow } from '../core/speed-to-lead.ts';
import { rollUpStats } from '../core/stats-rules.ts';
import { readLeadPage } from './lead-pages.ts';
import { rawLead, toLead } from './mappers.ts';
import type { Db, Dialect } from './prisma-types.ts';
import * as q from './reporting-sql.ts';
import { scoringTallies } from './scoring-sql.ts';
import { type SpeedBy, type SpeedCountRow, type SpeedRankRow, speedCounts, speedRanks } from './speed-sql.ts';
import type { SqlReader } from './sql-reader.ts';
import * as t from './tally-sql.ts';

const num = (v: number | bigint | null | undefined) => Number(v ?? 0);

function counts(r: Omit<q.FunnelRow, 'key' | 'groups'>): FunnelCounts {
  return {
    leads: num(r.leads),
    mql: num(r.mql),
    sql: num(r.sql),
    claimed: num(r.claimed),
    disqualified: num(r.disqualified),
  };
}

/** Builds reporting queries over a Prisma client (SQLite or PostgreSQL). */
export function createPrismaReporting(db: Db, dialect: Dialect, reader: SqlReader): ReportingQueries {
  /** The leads with these ids, in this order. */
  const leadsById = async (ids: string[]): Promise<Lead[]> => {
    if (ids.length === 0) return [];
    const rows = await db.lead.findMany({ where: { id: { in: ids } } });
    const byId = new Map(rows.map((r) => [r.id, toLead(r)]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  };

  const groups = async (filter: ReportFilter, by: 'platform' | 'campaign' | 'inviter') => {
    const rows = await reader.all<q.FunnelRow>(q.funnelGroups(dialect, filter, by, GROUP_LIMIT));
    const list: FunnelGroup[] = rows.map((r) => ({ key: r.key, ...counts(r) }));
    return { list, more: Math.max(0, num(rows[0]?.groups) - rows.length) };
  };

  const distinct = async (filter: ReportFilter, column: 'sourcePlatform' | 'sourceCampaign') =>
    (
      await reader.all<{ value: string }>(
        t.tallyCovers(filter)
          ? t.tallyDistinct(dialect, column === 'sourcePlatform' ? 'platform' : 'campaign', GROUP_LIMIT)
          : q.distinctValues(dialect, filter, column, GROUP_LIMIT),
      )
    ).map((r) => r.value);

  const statsGroups = async (by: 'source' | 'inviter') => {
    const rows = await reader.all<q.StatsRow>(q.statsGroups(dialect, by, STATS_LIMIT));
    const list: SourceStats[] = rows.map((r) => ({
      source: r.key,
      leads: num(r.leads),
      reachedMql: num(r.mql),
      reachedSql: num(r.sql),
    }));
    return { list, more: Math.max(0, num(rows[0]?.groups) - rows.length) };
  };

  const reporting: ReportingQueries = {
    async funnel(filter) {
      const cells = await reader.all<q.FunnelCellRow>(
        t.tallyCovers(filter)
          ? t.tallyFunnelCells(dialect, filter, q.ROLLUP_LIMIT + 1)
          : q.funnelCells(dialect, filter, q.ROLLUP_LIMIT + 1),
      );
      if (cells.length <= q.ROLLUP_LIMIT)
        return rollUpFunnel(
          cells.map((c) => ({
            platform: c.platform,
            campaign: c.campaign,
            inviter: c.inviter,
            ...counts(c),
          })),
        );
      // Too many cells: a statement per breakdown, each with its LIMIT.
      const [overall] = await reader.all<q.FunnelRow>(q.funnelOverall(dialect, filter));
      const platform = await groups(filter, 'platform');
      const campaign = await groups(filter, 'campaign');
      const inviter = await groups(filter, 'inviter');
      return {
        overall: counts(overall!),
        byPlatform: platform.list,
        byCampaign: campaign.list,
        byInviter: inviter.list,
        more: { byPlatform: platform.more, byCampaign: campaign.more, byInviter: inviter.more },
      };
    },

    async nurtureFunnel(filter) {
      const [rows, funnel] = await Promise.all([
        reader.all<Omit<q.FunnelRow, 'groups'>>(q.nurtureFunnel(dialect, filter)),
        reporting.funnel(filter),
      ]);
      const byKey = new Map(rows.map((r) => [r.key, counts(r)]));
      const zero: FunnelCounts = { leads: 0, mql: 0, sql: 0, claimed: 0, disqualified: 0 };
      const nurtured = [byKey.get('email') ?? zero, byKey.get('chat') ?? zero];
      const none = { ...funnel.overall };
      for (const n of nurtured) for (const k of Object.keys(none) as (keyof FunnelCounts)[]) none[k] -= n[k];
      return NURTURE_KEYS.map((key) => ({
        key,
        ...(key === 'email' ? nurtured[0]! : key === 'chat' ? nurtured[1]! : none),
      }));
    },

    async dropOff(filter) {
      const rows = await reader.all<DropOffRow & { active: bigint | number; abandoned: bigint | number }>(
        t.tallyCovers(filter) && !filter.platform && !filter.campaign
          ? t.tallyDropOff()
          : q.dropOff(dialect, filter),
      );
      return sortDropOff(
        rows.map((r) => ({
          flowId: r.flowId,
          stepId: r.stepId,
          active: num(r.active),
          abandoned: num(r.abandoned),
        })),
      );
    },

    async leads(query: LeadQuery) {
      const { page, pageSize } = pageOf(query);
      const [[total], ids] = await Promise.all([
        reader.all<{ n: number | bigint }>(
          t.tallyCovers(query) ? t.tallyCount(dialect, query) : q.tableCount(dialect, query),
        ),
        reader.all<{ id: string }>(q.tablePage(dialect, query, pageSize, page)),
      ]);
      return { items: await leadsById(ids.map((r) => r.id)), total: num(total?.n), page, pageSize };
    },

    async *leadPages(query: LeadQuery, pageSize = 500) {
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const rows = await readLeadPage(reader, dialect, query, after, pageSize);
        const page = rows.map(rawLead);
        if (page.length > 0) yield page;
        const last = page.at(-1);
        if (rows.length < pageSize || !last) return;
        after = { createdAt: last.createdAt, id: last.id };
      }
    },

    async filterOptions(filter) {
      const range = {
        ...(filter.since ? { since: filter.since } : {}),
        ...(filter.until ? { until: filter.until } : {}),
      };
      return {
        platforms: await distinct(range, 'sourcePlatform'),
        campaigns: await distinct(range, 'sourceCampaign'),
      };
    },

    async stats() {
      const cells = await reader.all<q.StatsCellRow>(q.statsCells(q.ROLLUP_LIMIT + 1));
      if (cells.length <= q.ROLLUP_LIMIT)
        return rollUpStats(
          cells.map((c) => ({
            platform: c.platform,
            campaign: c.campaign,
            inviter: c.inviter,
            stage: c.stage as Stage,
            leads: num(c.leads),
            mql: num(c.mql),
            sql: num(c.sql),
            newest: new Date(c.newest).getTime(), // SQLite hands dates back as their ISO text
          })),
        );
      const perStage: Record<Stage, number> = { cold: 0, MQL: 0, SQL: 0, disqualified: 0 };
      for (const r of await reader.all<{ stage: Stage; n: number | bigint }>(q.leadsPerStage()))
        perStage[r.stage] = num(r.n);
      const source = await statsGroups('source');
      const inviter = await statsGroups('inviter');
      return {
        perStage,
        bySource: source.list,
        byInviter: inviter.list,
        more: { bySource: source.more, byInviter: inviter.more },
      };
    },

    scoringTallies: () => scoringTallies(db, reader),

    async speedToLead(of = 'claim') {
      const read = async (by: SpeedBy): Promise<SpeedRow[]> => {
        const counts = (await reader.all<SpeedCountRow>(speedCounts(dialect, by, of))).map((r) => ({
          key: r.key,
          leads: num(r.leads),
        }));
        if (counts.length === 0) return [];
        const ranks = await reader.all<SpeedRankRow>(speedRanks(by, of, counts));
        const at = new Map(ranks.map((r) => [num(r.i), r]));
        return counts.map((c, i) => ({
          ...c,
          medianMs: Number(at.get(i)?.medianMs ?? 0),
          p90Ms: Number(at.get(i)?.p90Ms ?? 0),
        }));
      };
      return { byRep: await read('rep'), byPlatform: await read('platform') };
    },
  };
  return reporting;
}
