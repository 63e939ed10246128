/**
 * Speed to lead in the database (the rules of src/core/speed-to-lead.ts). Each lead's first
 * claim and first reply to the prospect, with its time since the lead reached SQL, are kept in
 * `SpeedSample` by triggers (migration speed_samples: one row per lead and kind, written when a
 * claim or a reply is stored), so the report never ranks every verdict and transcript line nor
 * probes their leads. Two statements per section, both along the `(of, rep, ms)` /
 * `(of, platform, ms)` indexes: the count of samples per rep or platform (the 20 largest), then
 * for each of those the median and the 90th percentile by nearest rank, each one row read at
 * its rank (`ORDER BY ms LIMIT 1 OFFSET rank - 1`) — SQLite cannot take the offset from an outer
 * row, so the ranks come from the core's rule (`rankOf`) as parameters.
 */
import type { Sql } from '@prisma/client/runtime/client';
import { rankOf, SPEED_LIMIT, type SpeedOf } from '../core/speed-to-lead.ts';
import type { Dialect } from './prisma-types.ts';
import { join, raw, sql } from './raw-statements.ts';

export type SpeedBy = 'rep' | 'platform';

export interface SpeedCountRow {
  key: string;
  leads: number | bigint;
}

export interface SpeedRankRow {
  /** The position of the key in the counts. */
  i: number | bigint;
  medianMs: number | bigint | string | null;
  p90Ms: number | bigint | string | null;
}

/** Samples per rep (first claimer or replier) or platform, most first (ties by key), at most {@link SPEED_LIMIT}. */
export function speedCounts(dialect: Dialect, by: SpeedBy, of: SpeedOf): Sql {
  const key = `"${by}"`;
  return sql`SELECT ${raw(key)} AS "key", COUNT(*) AS "leads" FROM "SpeedSample"
    WHERE "of" = ${of} AND "ms" IS NOT NULL GROUP BY ${raw(key)}
    ORDER BY COUNT(*) DESC, ${raw(dialect === 'postgres' ? `${key} COLLATE "C"` : key)} LIMIT ${SPEED_LIMIT}`;
}

/** The median and p90 of each counted key, one row each with its position `i` in `counts`. */
export function speedRanks(by: SpeedBy, of: SpeedOf, counts: { key: string; leads: number }[]): Sql {
  const at = (key: string, offset: number) =>
    sql`(SELECT "ms" FROM "SpeedSample" WHERE "of" = ${of} AND ${raw(`"${by}"`)} = ${key} AND "ms" IS NOT NULL
      ORDER BY "ms" LIMIT 1 OFFSET ${offset})`;
  return join(
    counts.map(
      (c, i) =>
        sql`SELECT ${raw(String(i))} AS "i", ${at(c.key, rankOf(c.leads, 5) - 1)} AS "medianMs", ${at(c.key, rankOf(c.leads, 9) - 1)} AS "p90Ms"`,
    ),
    ' UNION ALL ',
  );
}
