/**
 * The reporting statements, in the SQL SQLite and PostgreSQL share. Each says in GROUP BY form
 * what a rule of src/core/reporting-rules.ts says for one lead, so the database returns
 * figures and groups, never every lead. Where the dialects differ (text order and case
 * folding), PostgreSQL is told to compare as SQLite does: by code point (`COLLATE "C"`), folding
 * A–Z only (`lower(x COLLATE "C")`).
 */
import type { Sql } from '@prisma/client/runtime/client';
import type { LeadQuery, ReportFilter } from '../core/reporting.ts';
import { searchTerm, tableAfter } from '../core/reporting-rules.ts';
import type { Dialect } from './prisma-types.ts';
import { empty, join, raw, sql } from './raw-statements.ts';

/** Ever reached MQL / SQL: the first arrivals the lead records, or its current stage. */
export const REACHED_MQL = raw(
  `("reachedMqlAt" IS NOT NULL OR "reachedSqlAt" IS NOT NULL OR "stage" IN ('MQL', 'SQL'))`,
);
export const REACHED_SQL = raw(`("reachedSqlAt" IS NOT NULL OR "stage" = 'SQL')`);
const CLAIMED = raw(`("reachedSqlAt" IS NOT NULL OR "stage" = 'SQL') AND COALESCE("ownerId", '') <> ''`);

const countIf = (condition: Sql) => sql`SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;

/** Columns compared by code point on PostgreSQL, as SQLite's BINARY collation does. */
export const binary = (dialect: Dialect, expr: string) =>
  raw(dialect === 'postgres' ? `(${expr}) COLLATE "C"` : expr);

/** A–Z folded to a–z, nothing else: SQLite's `lower()`, PostgreSQL's under the C collation. */
const folded = (dialect: Dialect, expr: string) =>
  raw(dialect === 'postgres' ? `lower((${expr}) COLLATE "C")` : `lower(${expr})`);

/** A date parameter compared with a timestamp column. */
export const at = (dialect: Dialect, d: Date) =>
  dialect === 'postgres' ? sql`${d}::timestamp(3)` : sql`${d}`;

/** `WHERE` of a report filter (and the table's stage and search) on the Lead table. */
export function leadWhere(
  dialect: Dialect,
  f: ReportFilter & Pick<LeadQuery, 'stage' | 'search' | 'ownerId' | 'source'>,
): Sql {
  const and: Sql[] = [];
  if (f.since) and.push(sql`"createdAt" >= ${at(dialect, f.since)}`);
  if (f.until) and.push(sql`"createdAt" < ${at(dialect, f.until)}`);
  if (f.platform) and.push(sql`"sourcePlatform" = ${f.platform}`);
  if (f.campaign) and.push(sql`"sourceCampaign" = ${f.campaign}`);
  if (f.stage)
    and.push(dialect === 'postgres' ? sql`"stage" = ${f.stage}::"Stage"` : sql`"stage" = ${f.stage}`);
  if (f.ownerId) and.push(sql`"ownerId" = ${f.ownerId}`);
  if (f.source) and.push(sql`("sourcePlatform" = ${f.source} OR "sourceCampaign" = ${f.source})`);
  const search = searchTerm(f);
  if (search) {
    const contains = (column: string) =>
      dialect === 'postgres'
        ? sql`strpos(${folded(dialect, `"${column}"`)}, ${search}) > 0`
        : sql`instr(${folded(dialect, `"${column}"`)}, ${search}) > 0`;
    and.push(sql`(${join([contains('name'), contains('company'), contains('email')], ' OR ')})`);
  }
  return and.length ? sql`WHERE ${join(and, ' AND ')}` : sql`WHERE 1 = 1`;
}

export interface FunnelRow {
  key: string;
  leads: number | bigint;
  mql: number | bigint | null;
  sql: number | bigint | null;
  claimed: number | bigint | null;
  disqualified: number | bigint | null;
  groups: number | bigint;
}

const FUNNEL_COUNTS = sql`COUNT(*) AS "leads", ${countIf(REACHED_MQL)} AS "mql", ${countIf(REACHED_SQL)} AS "sql",
  ${countIf(CLAIMED)} AS "claimed", ${countIf(raw(`"stage" = 'disqualified'`))} AS "disqualified"`;

/**
 * Above this many cells the rollups below give way to one statement per breakdown, each with a
 * LIMIT: normal data has a handful of platforms, campaigns and inviters, but a campaign per lead
 * (UTM parameters anyone can set) must not bring every lead back as a cell.
 */
export const ROLLUP_LIMIT = 5000;

export interface FunnelCellRow {
  platform: string | null;
  campaign: string | null;
  inviter: string | null;
  leads: number | bigint;
  mql: number | bigint | null;
  sql: number | bigint | null;
  claimed: number | bigint | null;
  disqualified: number | bigint | null;
}

/**
 * The funnel per platform, campaign and inviter at once: one scan of the covering index
 * Lead_reporting_idx, whose leading columns are exactly these, so the groups come out of the
 * index in order without a sort. The caller rolls the cells up (rollUpFunnel).
 */
export function funnelCells(dialect: Dialect, f: ReportFilter, limit: number): Sql {
  return sql`SELECT "sourcePlatform" AS "platform", "sourceCampaign" AS "campaign", "invitedBy" AS "inviter",
      ${FUNNEL_COUNTS}
    FROM "Lead" ${leadWhere(dialect, f)}
    GROUP BY "sourcePlatform", "sourceCampaign", "invitedBy" LIMIT ${limit}`;
}

export interface StatsCellRow {
  platform: string | null;
  campaign: string | null;
  inviter: string | null;
  stage: string;
  leads: number | bigint;
  mql: number | bigint | null;
  sql: number | bigint | null;
  newest: Date | string;
}

/** `stats` per platform, campaign, inviter and stage, in one scan of Lead_reporting_idx (rollUpStats). */
export function statsCells(limit: number): Sql {
  return sql`SELECT "sourcePlatform" AS "platform", "sourceCampaign" AS "campaign", "invitedBy" AS "inviter",
      "stage", COUNT(*) AS "leads", ${countIf(REACHED_MQL)} AS "mql", ${countIf(REACHED_SQL)} AS "sql",
      MAX("createdAt") AS "newest"
    FROM "Lead"
    GROUP BY "sourcePlatform", "sourceCampaign", "invitedBy", "stage" LIMIT ${limit}`;
}

/** The funnel over every lead of the filter, as one row (key ''). */
export function funnelOverall(dialect: Dialect, f: ReportFilter): Sql {
  return sql`SELECT '' AS "key", ${FUNNEL_COUNTS}, 1 AS "groups" FROM "Lead" ${leadWhere(dialect, f)}`;
}

/**
 * The funnel of the leads that were nurtured (ReportingQueries.nurtureFunnel), by how: leads with
 * a sent follow-up by email count under `email`, the others with one sent in chat under `chat`.
 * Read from the sent messages (ScheduledMessage's status index) and joined to their leads, so
 * the work follows the nurtured leads, not every lead; `none` is the whole funnel minus these
 * (prisma-reporting.ts). A probe per lead into ScheduledMessage took 8 s at 1,000,000 leads.
 */
export function nurtureFunnel(dialect: Dialect, f: ReportFilter): Sql {
  return sql`WITH "nurtured" AS (
      SELECT s."leadId", MAX(CASE WHEN s."sentVia" = 'email' THEN 1 ELSE 0 END) AS "byEmail"
      FROM "ScheduledMessage" s
      WHERE s."status" = 'sent' AND s."kind" <> 'reminder' AND s."sentVia" IN ('email', 'chat')
      GROUP BY s."leadId")
    SELECT CASE WHEN n."byEmail" = 1 THEN 'email' ELSE 'chat' END AS "key", ${FUNNEL_COUNTS}
    FROM "nurtured" n JOIN "Lead" ON "Lead"."id" = n."leadId" ${leadWhere(dialect, f)}
    GROUP BY CASE WHEN n."byEmail" = 1 THEN 'email' ELSE 'chat' END`;
}

/** The breakdown keys: a missing or empty value is `(none)`; inviters without one are left out. */
const GROUP_KEYS = {
  platform: { key: `CASE WHEN COALESCE("sourcePlatform", '') = '' THEN '(none)' ELSE "sourcePlatform" END` },
  campaign: { key: `CASE WHEN COALESCE("sourceCampaign", '') = '' THEN '(none)' ELSE "sourceCampaign" END` },
  inviter: { key: `'invited by ' || "invitedBy"`, only: `COALESCE("invitedBy", '') <> ''` },
} as const;

/**
 * The funnel per platform, campaign or inviter: the `limit` largest groups (ties by key), each
 * row also carrying how many groups there are in all.
 */
export function funnelGroups(
  dialect: Dialect,
  f: ReportFilter,
  by: keyof typeof GROUP_KEYS,
  limit: number,
): Sql {
  const g: { key: string; only?: string } = GROUP_KEYS[by];
  const only = g.only ? sql` AND ${raw(g.only)}` : empty;
  return sql`SELECT ${binary(dialect, g.key)} AS "key", ${FUNNEL_COUNTS}, COUNT(*) OVER () AS "groups"
    FROM "Lead" ${leadWhere(dialect, f)}${only}
    GROUP BY 1 ORDER BY "leads" DESC, "key" LIMIT ${limit}`;
}

/** Conversations waiting at a step, per flow and step, of the filter's leads. */
export function dropOff(dialect: Dialect, f: ReportFilter): Sql {
  const filtered = f.since || f.until || f.platform || f.campaign;
  // The Lead join only when the filter needs it: without one every conversation counts.
  const leads = filtered
    ? sql`JOIN (SELECT "id" FROM "Lead" ${leadWhere(dialect, f)}) AS l ON l."id" = c."leadId"`
    : empty;
  return sql`SELECT c."flowId" AS "flowId", c."currentStep" AS "stepId",
      ${countIf(raw(`c."status" = 'active'`))} AS "active", ${countIf(raw(`c."status" = 'abandoned'`))} AS "abandoned"
    FROM "Conversation" c ${leads}
    WHERE c."status" IN ('active', 'abandoned') AND c."currentStep" IS NOT NULL
    GROUP BY c."flowId", c."currentStep"`;
}

/** The distinct non-empty values of a source column among the filter's leads, most leads first. */
export function distinctValues(
  dialect: Dialect,
  f: ReportFilter,
  column: 'sourcePlatform' | 'sourceCampaign',
  limit: number,
): Sql {
  return sql`SELECT ${binary(dialect, `"${column}"`)} AS "value", COUNT(*) AS "n"
    FROM "Lead" ${leadWhere(dialect, f)} AND COALESCE(${raw(`"${column}"`)}, '') <> ''
    GROUP BY 1 ORDER BY "n" DESC, "value" LIMIT ${limit}`;
}

export function leadsPerStage(): Sql {
  return sql`SELECT "stage", COUNT(*) AS "n" FROM "Lead" GROUP BY "stage"`;
}

export interface StatsRow {
  key: string;
  leads: number | bigint;
  mql: number | bigint | null;
  sql: number | bigint | null;
  newest: Date | string;
  groups: number | bigint;
}

const STATS_KEYS = {
  source: {
    key: `COALESCE("sourcePlatform", 'unknown') || CASE WHEN COALESCE("sourceCampaign", '') = '' THEN '' ELSE '/' || "sourceCampaign" END`,
    where: empty,
  },
  inviter: { key: `'invited by ' || "invitedBy"`, where: raw(`WHERE COALESCE("invitedBy", '') <> ''`) },
} as const;

/**
 * `stats` per source or inviter: the `limit` largest groups; among equals the group with the
 * newest lead first, then by name (topSources).
 */
export function statsGroups(dialect: Dialect, by: keyof typeof STATS_KEYS, limit: number): Sql {
  const g = STATS_KEYS[by];
  return sql`SELECT ${binary(dialect, g.key)} AS "key", COUNT(*) AS "leads", ${countIf(REACHED_MQL)} AS "mql",
      ${countIf(REACHED_SQL)} AS "sql", MAX("createdAt") AS "newest", COUNT(*) OVER () AS "groups"
    FROM "Lead" ${g.where}
    GROUP BY 1 ORDER BY "leads" DESC, "newest" DESC, "key" LIMIT ${limit}`;
}

/** The table's order: the sort key, then the id, both in the chosen direction. */
function tableOrder(dialect: Dialect, q: LeadQuery): Sql {
  const dir = (q.order ?? 'desc') === 'asc' ? 'ASC' : 'DESC';
  const sort = q.sort ?? 'createdAt';
  const key =
    sort === 'score'
      ? '"score"'
      : sort === 'stage'
        ? `CASE "stage" WHEN 'disqualified' THEN 0 WHEN 'cold' THEN 1 WHEN 'MQL' THEN 2 ELSE 3 END`
        : sort === 'name'
          ? folded(dialect, `COALESCE("name", '')`).sql
          : '"createdAt"';
  return raw(`ORDER BY ${key} ${dir}, ${binary(dialect, '"id"').sql} ${dir}`);
}

/**
 * The ids of one page of the leads table, in the table's order: after the cursor's row when
 * there is one (a range on the createdAt index, then the id), else skipping the earlier pages.
 */
export function tablePage(dialect: Dialect, q: LeadQuery, pageSize: number, page: number): Sql {
  const after = tableAfter(q);
  if (after) {
    const desc = (q.order ?? 'desc') === 'desc';
    const [edge, strict] = desc ? ['<=', '<'] : ['>=', '>'];
    const t = at(dialect, after.createdAt);
    return sql`SELECT "id" FROM "Lead" ${leadWhere(dialect, q)}
      AND "createdAt" ${raw(edge)} ${t} AND ("createdAt" ${raw(strict)} ${t} OR ${binary(dialect, '"id"')} ${raw(strict)} ${after.id})
      ${tableOrder(dialect, q)} LIMIT ${pageSize}`;
  }
  return sql`SELECT "id" FROM "Lead" ${leadWhere(dialect, q)} ${tableOrder(dialect, q)}
    LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`;
}

export function tableCount(dialect: Dialect, q: LeadQuery): Sql {
  return sql`SELECT COUNT(*) AS "n" FROM "Lead" ${leadWhere(dialect, q)}`;
}
