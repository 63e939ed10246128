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

/** Per rep and per platform; the row's `by` says which. */
export interface SpeedSqlRowBy extends SpeedSqlRow {
  by: 'rep' | 'platform';
}

/**
 * The rows per rep (the first claimer) and per platform of the lead, most claims first, in one
 * statement: the first claims and their leads are looked up once for both (a probe into Lead
 * per claim: ~2 s of the 4 s the two statements took at 66,000 claims on PostgreSQL).
 */
export function speedRows(dialect: Dialect): Sql {
  const ranked = (key: string) => `SELECT ${key} AS "key", "ms",
        ROW_NUMBER() OVER (PARTITION BY ${key} ORDER BY "ms") AS "rn",
        COUNT(*) OVER (PARTITION BY ${key}) AS "n"
      FROM "samples"`;
  const summary = (
    by: string,
    from: string,
  ) => `SELECT * FROM (SELECT '${by}' AS "by", "key", MAX("n") AS "claims",
      MAX(CASE WHEN "rn" = ("n" * 5 + 9) / 10 THEN "ms" END) AS "medianMs",
      MAX(CASE WHEN "rn" = ("n" * 9 + 9) / 10 THEN "ms" END) AS "p90Ms"
    FROM "${from}" GROUP BY "key"
    ORDER BY "claims" DESC, ${dialect === 'postgres' ? '"key" COLLATE "C"' : '"key"'} LIMIT ${SPEED_LIMIT}) AS "${from}Top"`;
  return sql`WITH "first" AS (
      SELECT v."actor" AS "rep", v."createdAt" AS "claimedAt", v."leadId",
        ROW_NUMBER() OVER (PARTITION BY v."leadId" ORDER BY v."createdAt", v."id") AS "nth"
      FROM "RepVerdict" v WHERE v."verdict" = 'claimed'
    ), "samples" AS MATERIALIZED (
      SELECT f."rep", CASE WHEN COALESCE(l."sourcePlatform", '') = '' THEN '(none)' ELSE l."sourcePlatform" END AS "platform",
        ${raw(msBetween(dialect, 'l."reachedSqlAt"', 'f."claimedAt"'))} AS "ms"
      FROM "first" f JOIN "Lead" l ON l."id" = f."leadId"
      WHERE f."nth" = 1 AND l."reachedSqlAt" IS NOT NULL AND f."claimedAt" >= l."reachedSqlAt"
    ), "byRep" AS (${raw(ranked('"rep"'))}), "byPlatform" AS (${raw(ranked('"platform"'))})
    ${raw(summary('rep', 'byRep'))}
    UNION ALL
    ${raw(summary('platform', 'byPlatform'))}`;
}
