/**
 * The statements the engine runs for nearly every message, written as SQL through Prisma's
 * `$queryRaw`/`$executeRaw` instead of its query API. Same client, same transaction, same
 * parameter binding; what is skipped is the query planner and result interpreter, which cost
 * 2–3.5× the database's own time per statement (profiled by bench/: an ORM `update` took
 * ~390 µs on SQLite where the same `UPDATE` took ~110 µs). Raw rows come back typed
 * (dates, JSON, booleans) on both SQLite and PostgreSQL, so the ORM's mappers read them.
 *
 * The SQL is the common subset of SQLite and PostgreSQL; parameters are cast to their column's
 * type on PostgreSQL (`PG_TYPES`).
 */
import { empty, join, raw, Sql, sqltag as sql } from '@prisma/client/runtime/client';
import type { Db, Dialect } from './prisma-types.ts';
import { storableParam } from './text-guard.ts';

export type Table =
  | 'Lead'
  | 'Identity'
  | 'Conversation'
  | 'Answer'
  | 'ScoreContribution'
  | 'StageChange'
  | 'ProcessedEvent'
  | 'FlowVersion'
  | 'OutboxMessage'
  | 'InboxEvent'
  | 'Handoff'
  | 'TranscriptMessage';

const TIMESTAMP = 'timestamp(3)';
/**
 * PostgreSQL types of the columns that are not text, by table. A parameter is sent as text and
 * cast to its column's type: needed for enums and jsonb, harmless for the others, and the only
 * typing a `VALUES` list has (see `updateFromValues`). JSON columns are sent as JSON text (on
 * SQLite they are stored as text).
 */
const PG_TYPES: Record<Table, Record<string, string>> = {
  Lead: {
    stage: '"Stage"',
    score: 'integer',
    consent: 'boolean',
    consentAt: TIMESTAMP,
    reachedMqlAt: TIMESTAMP,
    reachedSqlAt: TIMESTAMP,
    createdAt: TIMESTAMP,
    updatedAt: TIMESTAMP,
  },
  Identity: { createdAt: TIMESTAMP },
  Conversation: {
    status: '"ConversationStatus"',
    variables: 'jsonb',
    attempts: 'integer',
    version: 'integer',
    startedAt: TIMESTAMP,
    lastActivityAt: TIMESTAMP,
    endedAt: TIMESTAMP,
  },
  Answer: {
    value: 'jsonb',
    attempt: 'integer',
    accepted: 'boolean',
    inferred: 'boolean',
    createdAt: TIMESTAMP,
  },
  ScoreContribution: { points: 'integer', createdAt: TIMESTAMP },
  StageChange: { fromStage: '"Stage"', toStage: '"Stage"', createdAt: TIMESTAMP },
  ProcessedEvent: { createdAt: TIMESTAMP },
  FlowVersion: { definition: 'jsonb', createdAt: TIMESTAMP },
  OutboxMessage: { payload: 'jsonb', nextAttemptAt: TIMESTAMP, createdAt: TIMESTAMP },
  InboxEvent: {
    attempts: 'integer',
    receivedAt: TIMESTAMP,
    nextAttemptAt: TIMESTAMP,
    processedAt: TIMESTAMP,
  },
  Handoff: { openedAt: TIMESTAMP, closedAt: TIMESTAMP },
  TranscriptMessage: { createdAt: TIMESTAMP },
};

/** A parameter for `table.column`; `typed` casts text columns too (a VALUES list needs it). */
function value(dialect: Dialect, table: Table, column: string, v: unknown, typed = false): Sql {
  const type = PG_TYPES[table][column];
  // No NUL and no lone surrogate reaches the database, in text or inside JSON (text-guard.ts).
  const storable = storableParam(v);
  const param = type === 'jsonb' && storable !== null ? JSON.stringify(storable) : storable;
  if (dialect !== 'postgres') return sql`${param}`;
  const cast = type ?? (typed ? 'text' : undefined);
  return cast ? sql`${param}::${raw(cast)}` : sql`${param}`;
}

const ident = (name: string) => raw(`"${name}"`);

/** `"a" = $1, "b" = $2` for the defined entries of `columns`. */
function assignments(dialect: Dialect, table: Table, columns: Record<string, unknown>): Sql[] {
  return Object.entries(columns)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => sql`${ident(k)} = ${value(dialect, table, k, v)}`);
}

/** `UPDATE table SET … WHERE id = $id RETURNING *`: the row, or null when no row matched. */
export async function updateReturning<Row>(
  db: Db,
  dialect: Dialect,
  table: Table,
  id: string,
  columns: Record<string, unknown>,
): Promise<Row | null> {
  const rows = await db.$queryRaw<Row[]>(
    sql`UPDATE ${ident(table)} SET ${join(assignments(dialect, table, columns), ', ')} WHERE "id" = ${id} RETURNING *`,
  );
  return rows[0] ?? null;
}

/**
 * `INSERT INTO table (…) VALUES (…), (…)` for rows with the same columns; returns how many were
 * inserted. With `ignoreDuplicates`, a row whose key exists is skipped (`ON CONFLICT DO
 * NOTHING`, in both SQLite and PostgreSQL) instead of failing: on PostgreSQL a unique violation
 * would abort the whole transaction.
 */
export async function insertRows(
  db: Db,
  dialect: Dialect,
  table: Table,
  rows: Record<string, unknown>[],
  opts: { ignoreDuplicates?: boolean } = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  return db.$executeRaw(insertSql(dialect, table, rows, opts.ignoreDuplicates ?? false));
}

/** Inserts the rows whose key is new and returns `returning` of those (the others existed). */
export function insertNewRows<R>(
  db: Db,
  dialect: Dialect,
  table: Table,
  rows: Record<string, unknown>[],
  returning: string[],
): Promise<R[]> {
  if (rows.length === 0) return Promise.resolve([]);
  return db.$queryRaw<R[]>(
    sql`${insertSql(dialect, table, rows, true)} RETURNING ${join(returning.map(ident), ', ')}`,
  );
}

/** The statement of {@link insertRows} (`rows` not empty), to run or to compose. */
export function insertSql(
  dialect: Dialect,
  table: Table,
  rows: Record<string, unknown>[],
  ignoreDuplicates: boolean,
) {
  const names = Object.keys(rows[0]!);
  const tuples = rows.map(
    (row) =>
      sql`(${join(
        names.map((n) => value(dialect, table, n, row[n])),
        ', ',
      )})`,
  );
  const onConflict = ignoreDuplicates ? raw(' ON CONFLICT DO NOTHING') : empty;
  return sql`INSERT INTO ${ident(table)} (${join(names.map(ident), ', ')}) VALUES ${join(tuples, ', ')}${onConflict}`;
}

/**
 * One `UPDATE table SET c = v.column… FROM (VALUES …) AS v WHERE id = v.column1` for rows that
 * set the same `columns` (VALUES columns are named column1, column2, … in SQLite and
 * PostgreSQL alike). Rows with `expectedVersion` match only while the stored version is still
 * that, and every row only where `and` holds (a condition on the table's columns). Returns how
 * many rows matched.
 */
export function updateFromValues(
  db: Db,
  dialect: Dialect,
  table: Table,
  columns: readonly string[],
  rows: { id: string; expectedVersion?: number; values: object }[],
  and?: Sql,
): Promise<number> {
  if (rows.length === 0) return Promise.resolve(0);
  return db.$executeRaw(updateFromValuesSql(dialect, table, columns, rows, and));
}

/** The statement of {@link updateFromValues} (`rows` not empty), to run or to compose. */
export function updateFromValuesSql(
  dialect: Dialect,
  table: Table,
  columns: readonly string[],
  rows: { id: string; expectedVersion?: number; values: object }[],
  and?: Sql,
): Sql {
  const versioned = rows[0]!.expectedVersion !== undefined;
  const first = versioned ? 3 : 2; // VALUES column of columns[0]
  const tuples = rows.map((r) => {
    const key = [sql`${r.id}${raw(dialect === 'postgres' ? '::text' : '')}`];
    if (versioned) key.push(sql`${r.expectedVersion}${raw(dialect === 'postgres' ? '::integer' : '')}`);
    return sql`(${join([...key, ...columns.map((c) => value(dialect, table, c, (r.values as Record<string, unknown>)[c], true))], ', ')})`;
  });
  const sets = columns.map((c, i) => raw(`"${c}" = v.column${i + first}`));
  const versionCheck = versioned ? raw(` AND "${table}"."version" = v.column2`) : empty;
  return sql`UPDATE ${ident(table)} SET ${join(sets, ', ')} FROM (VALUES ${join(tuples, ', ')}) AS v
        WHERE ${ident(table)}."id" = v.column1${versionCheck}${and ? sql` AND ${and}` : empty}`;
}

/**
 * `where` with its parameters made storable (text-guard.ts): a key typed with a NUL would
 * otherwise fail the statement on PostgreSQL (and the transaction with it) instead of matching
 * nothing.
 */
export const storableWhere = (where: Sql): Sql => new Sql(where.strings, where.values.map(storableParam));

/** `SELECT * FROM table WHERE … ORDER BY … [LIMIT n]` with a prepared WHERE clause. */
export function selectRows<Row>(db: Db, table: Table, where: Sql, orderBy: string, limit?: number) {
  const limitClause = limit === undefined ? empty : sql` LIMIT ${limit}`;
  return db.$queryRaw<Row[]>(
    sql`SELECT * FROM ${ident(table)} WHERE ${storableWhere(where)} ORDER BY ${raw(orderBy)}${limitClause}`,
  );
}

export { empty, join, raw, type Sql, sql };
