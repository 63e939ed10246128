/**
 * Whole-row pages of leads, newest first, for the exports (keyset on createdAt, id: each page is
 * one statement, with no second read by id).
 *
 * On PostgreSQL a page comes back as one JSON text (`json_agg` of one array per lead) that
 * `JSON.parse` turns into rows in one step. Read as 500 rows of 21 columns, a page reached the
 * process as ~10,000 values over several socket reads, each through node-postgres' row objects
 * and Prisma's raw-result conversion; pages in flight kept surviving young-generation
 * collections, were promoted, and the old generation grew to ~4× its live size before a full
 * collection: a 1M-lead export grew the process by ~175 MB (SQLite, whose reader hands a page
 * over in one message, +33 MB). As one text per page it allocates a fraction of that and reads
 * 2-3× faster (docs/benchmarks.md, "Flat as data grows").
 */
import type { Sql } from '@prisma/client/runtime/client';
import type { LeadQuery } from '../core/reporting.ts';
import type { RawLeadRow, Row } from './mappers.ts';
import type { Dialect } from './prisma-types.ts';
import { empty, raw, sql } from './raw-statements.ts';
import { at, leadWhere } from './reporting-sql.ts';
import type { SqlReader } from './sql-reader.ts';

/** Every column of Lead, in the order of the JSON arrays. */
const LEAD_COLUMNS = [
  'id',
  'stage',
  'score',
  'ownerId',
  'name',
  'email',
  'phone',
  'company',
  'consent',
  'consentAt',
  'invitedBy',
  'sourcePlatform',
  'sourceWorkspace',
  'sourceChannel',
  'sourceCampaign',
  'sourceWorkspaceName',
  'sourceChannelName',
  'openHandoffId',
  'reachedMqlAt',
  'reachedSqlAt',
  'createdAt',
  'updatedAt',
] as const satisfies readonly (keyof Row<'Lead'>)[];

// A column added to Lead and not to the list above fails to compile here.
type Missing = Exclude<keyof Row<'Lead'>, (typeof LEAD_COLUMNS)[number]>;
const _complete: [Missing] extends [never] ? true : Missing = true;
void _complete;

const TIMESTAMPS = new Set<string>(['consentAt', 'reachedMqlAt', 'reachedSqlAt', 'createdAt', 'updatedAt']);

/**
 * The columns as JSON values. Timestamps are stored without a zone, in UTC: read as UTC they
 * become `timestamptz`, whose JSON text carries its offset (a bare one would parse as local time).
 */
const JSON_ROW = raw(
  `json_build_array(${LEAD_COLUMNS.map((c) => (TIMESTAMPS.has(c) ? `"${c}" AT TIME ZONE 'UTC'` : `"${c}"`)).join(', ')})`,
);

/** The next `limit` matching leads after `after`, whole rows, newest first. */
export function keysetPage(
  dialect: Dialect,
  q: LeadQuery,
  after: { createdAt: Date; id: string } | null,
  limit: number,
): Sql {
  const next = after
    ? // A range on createdAt first (an index seek), then the tie-break: see leadFilterWhere.
      sql` AND "createdAt" <= ${at(dialect, after.createdAt)} AND ("createdAt" < ${at(dialect, after.createdAt)} OR "id" < ${after.id})`
    : empty;
  const page = sql`SELECT * FROM "Lead" ${leadWhere(dialect, q)}${next}
    ORDER BY "createdAt" DESC, "id" DESC LIMIT ${limit}`;
  if (dialect !== 'postgres') return page;
  return sql`SELECT json_agg(${JSON_ROW} ORDER BY "createdAt" DESC, "id" DESC)::text AS "page"
    FROM (${page}) l`;
}

/** Reads one page (see {@link keysetPage}) as raw rows. */
export async function readLeadPage(
  reader: SqlReader,
  dialect: Dialect,
  q: LeadQuery,
  after: { createdAt: Date; id: string } | null,
  limit: number,
): Promise<RawLeadRow[]> {
  if (dialect !== 'postgres') return reader.all<RawLeadRow>(keysetPage(dialect, q, after, limit));
  const [result] = await reader.all<{ page: string | null }>(keysetPage(dialect, q, after, limit));
  if (!result?.page) return [];
  return (JSON.parse(result.page) as unknown[][]).map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < LEAD_COLUMNS.length; i++) row[LEAD_COLUMNS[i]!] = values[i];
    return row as unknown as RawLeadRow;
  });
}
