/**
 * Speed to lead in the database (the rules of src/core/speed-to-lead.ts): each claimed lead's
 * first claim, its time since the lead reached SQL, and per rep or platform the count, the
 * median and the 90th percentile by nearest rank — window functions both SQLite and PostgreSQL
 * have, with integer arithmetic for ⌈p·n⌉ so both round alike.
 */
import type { Sql } from '@prisma/client/runtime/client';
import { SPEED_LIMIT } from '../core/speed-to-lead.ts';
import type { Dialect } from './prisma-types.ts';
import { raw, sql } from './raw-statements.ts';

export interface SpeedSqlRow {
  key: string;
  claims: number | bigint;
  medianMs: number | bigint | string | null;
  p90Ms: number | bigint | string | null;
}

/** Milliseconds from `from` to `to` (two timestamp columns). */
function msBetween(dialect: Dialect, from: string, to: string): string {
  return dialect === 'postgres'
    ? `ROUND(EXTRACT(EPOCH FROM (${to} - ${from})) * 1000)`
    : `ROUND((julianday(${to}) - julianday(${from})) * 86400000)`;
}

/** The rows per `by` (the first claimer, or the lead's platform), most claims first. */
export function speedRows(dialect: Dialect, by: 'rep' | 'platform'): Sql {
  const key = by === 'rep' ? `"rep"` : `"platform"`;
  return sql`WITH "first" AS (
      SELECT v."actor" AS "rep", v."createdAt" AS "claimedAt", v."leadId",
        ROW_NUMBER() OVER (PARTITION BY v."leadId" ORDER BY v."createdAt", v."id") AS "nth"
      FROM "RepVerdict" v WHERE v."verdict" = 'claimed'
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
    SELECT "key", MAX("n") AS "claims",
      MAX(CASE WHEN "rn" = ("n" * 5 + 9) / 10 THEN "ms" END) AS "medianMs",
      MAX(CASE WHEN "rn" = ("n" * 9 + 9) / 10 THEN "ms" END) AS "p90Ms"
    FROM "ranked" GROUP BY "key"
    ORDER BY "claims" DESC, ${raw(dialect === 'postgres' ? '"key" COLLATE "C"' : '"key"')} LIMIT ${SPEED_LIMIT}`;
}
