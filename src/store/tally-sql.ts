/**
 * Reporting statements over the tallies that triggers keep (migrations lead_tally and
 * step_tally): LeadTally counts leads per platform, campaign, inviter, stage and reached
 * MQL/SQL/claimed, StepTally conversations per flow, step and status, each spread over shards
 * that the statements sum. They answer what has no time range or search, in a few hundred rows.
 */
import type { Sql } from '@prisma/client/runtime/client';
import type { LeadQuery, ReportFilter } from '../core/reporting.ts';
import { searchTerm } from '../core/reporting-rules.ts';
import type { Dialect } from './prisma-types.ts';
import { empty, join, raw, sql } from './raw-statements.ts';
import { binary } from './reporting-sql.ts';

/**
 * True when LeadTally can answer for these leads: it has no dates and no search, so only a
 * filter on platform, campaign and stage (of every lead ever stored) can be read from it.
 */
export function tallyCovers(f: ReportFilter & Pick<LeadQuery, 'search' | 'ownerId' | 'source'>): boolean {
  return !f.since && !f.until && !searchTerm(f) && !f.ownerId && !f.source;
}

/** `WHERE` of a filter tallyCovers accepts, on LeadTally. */
function tallyWhere(dialect: Dialect, f: ReportFilter & Pick<LeadQuery, 'stage'>): Sql {
  const and: Sql[] = [];
  if (f.platform) and.push(sql`"platform" = ${f.platform}`);
  if (f.campaign) and.push(sql`"campaign" = ${f.campaign}`);
  if (f.stage)
    and.push(dialect === 'postgres' ? sql`"stage" = ${f.stage}::"Stage"` : sql`"stage" = ${f.stage}`);
  return and.length ? sql`WHERE ${join(and, ' AND ')}` : empty;
}

const sumIf = (condition: string) => raw(`SUM(CASE WHEN ${condition} THEN "n" ELSE 0 END)`);

/**
 * funnelCells read from the maintained tally: a few hundred rows whatever the number of leads.
 * Platform, campaign and inviter come back as '' when the leads have none (rollUpFunnel treats
 * '' as it treats null); cells whose leads were all erased or moved away are left out.
 */
export function tallyFunnelCells(dialect: Dialect, f: ReportFilter, limit: number): Sql {
  return sql`SELECT "platform", "campaign", "inviter", SUM("n") AS "leads", ${sumIf('"mql"')} AS "mql",
      ${sumIf('"sql"')} AS "sql", ${sumIf('"claimed"')} AS "claimed",
      ${sumIf(`"stage" = 'disqualified'`)} AS "disqualified"
    FROM "LeadTally" ${tallyWhere(dialect, f)}
    GROUP BY "platform", "campaign", "inviter" HAVING SUM("n") > 0 LIMIT ${limit}`;
}

/** The number of leads of a filter tallyCovers accepts (the leads table's total). */
export function tallyCount(dialect: Dialect, f: ReportFilter & Pick<LeadQuery, 'stage'>): Sql {
  return sql`SELECT COALESCE(SUM("n"), 0) AS "n" FROM "LeadTally" ${tallyWhere(dialect, f)}`;
}

/** distinctValues over every lead, from the tally. */
export function tallyDistinct(dialect: Dialect, column: 'platform' | 'campaign', limit: number): Sql {
  return sql`SELECT ${binary(dialect, `"${column}"`)} AS "value", SUM("n") AS "n"
    FROM "LeadTally" WHERE ${raw(`"${column}"`)} <> ''
    GROUP BY 1 HAVING SUM("n") > 0 ORDER BY "n" DESC, "value" LIMIT ${limit}`;
}

/** dropOff over every conversation (no filter), from StepTally. */
export function tallyDropOff(): Sql {
  return sql`SELECT "flowId", "stepId", ${sumIf(`"status" = 'active'`)} AS "active",
      ${sumIf(`"status" = 'abandoned'`)} AS "abandoned"
    FROM "StepTally" WHERE "status" IN ('active', 'abandoned') AND "stepId" <> ''
    GROUP BY "flowId", "stepId" HAVING SUM("n") > 0`;
}
