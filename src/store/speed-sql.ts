/**
 * Speed to lead in the database (the rules of src/core/speed-to-lead.ts): each lead's first
 * claim (a `claimed` RepVerdict) or first reply to the prospect (a `to_prospect`
 * TranscriptMessage), its time since the lead reached SQL, and per rep or platform the count,
 * the median and the 90th percentile by nearest rank — window functions both SQLite and
 * PostgreSQL have, with integer arithmetic for ⌈p·n⌉ so both round alike.
 */
import type { Sql } from '@prisma/client/runtime/client';
import { SPEED_LIMIT, type SpeedOf } from '../core/speed-to-lead.ts';
import type { Dialect } from './prisma-types.ts';
import { raw, sql } from './raw-statements.ts';

export interface SpeedSqlRow {
  key: string;
  leads: number | bigint;
  medianMs: number | bigint | string | null;
  p90Ms: number | bigint | string | null;
}

/** Milliseconds from `from` to `to` (two timestamp columns). */
function msBetween(dialect: Dialect, from: string, to: string): string {
  return dialect === 'postgres'
    ? `ROUND(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000)`
    : `ROUND((julianday(${to}) - julianday(${from})) * 86400000)`;
}

/** Each lead's acts of one kind, by whom and when, numbered per lead in time order. */
const FIRST: Record<SpeedOf, string> = {
  claim: `SELECT v."actor" AS "rep", v."createdAt" AS "claimedAt", v."leadId",
        ROW_NUMBER() OVER (PARTITION BY v."leadId" ORDER BY v."createdAt", v."id") AS "nth"
      FROM "RepVerdict" v WHERE v."verdict" = 'claimed'`,
  reply: `SELECT m."author" AS "rep", m."createdAt" AS "claimedAt", m."leadId",
        ROW_NUMBER() OVER (PARTITION BY m."leadId" ORDER BY m."createdAt", m."id") AS "nth"
      FROM "TranscriptMessage" m WHERE m."direction" = 'to_prospect'`,
};

/** The rows per `by` (the first claimer or replier, or the lead's platform), most leads first. */
export function speedRows(dialect: Dialect, by: 'rep' | 'platform', of: SpeedOf = 'claim'): Sql {
  const key = by === 'rep' ? `"rep"` : `"platform"`;
  return sql`WITH "first" AS (
      ${raw(FIRST[of])}
    ), "samples" AS (
      SELECT f."rep", CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END AS "platform",
        ${raw(msBetween(dialect, 'l."reachedSqlAt"', 'f."claimedAt"'))} AS "ms"
      FROM "first" f JOIN "Lead" l ON l."id" = f."leadId"
      WHERE f."nth" = 1 AND l."reachedSqlAt" IS NOT NULL AND f."claimedAt" >= l."reachedSqlAt"
    ), "ranked" AS (
      SELECT ${raw(key)} AS "key", "ms",
        ROW_NUMBER() OVER (PARTITION BY ${raw(key)} ORDER BY "ms") AS "rn",
        COUNT(*) OVER (PARTITION BY ${raw(key)}) AS "n"
      FROM "samples"
    )
    SELECT "key", MAX("n") AS "leads",
      MAX(CASE WHEN "rn" = ("n" * 5 + 9) / 10 THEN "ms" END) AS "medianMs",
      MAX(CASE WHEN "rn" = ("n" * 9 + 9) / 10 THEN "ms" END) AS "p90Ms"
    FROM "ranked" GROUP BY "key"
    ORDER BY "leads" DESC, ${raw(dialect === 'postgres' ? '"key" COLLATE "C"' : '"key"')} LIMIT ${SPEED_LIMIT}`;
}
