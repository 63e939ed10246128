/**
 * The statements the engine runs for nearly every message, written as SQL through Prisma's
 * `$queryRaw`/`$executeRaw` instead of its query API. Same client, same transaction, same
 * parameter binding; what is skipped is the query planner and result interpreter, which cost
 * 2–3.5× the database's own time per statement (profiled by bench/: an ORM `update` took
 * ~390 µs on SQLite where the same `UPDATE` took ~110 µs). Raw rows come back typed
 * (dates, JSON, booleans) on both SQLite and PostgreSQL, so the ORM's mappers read them.
 *
 * The SQL is the common subset of SQLite and PostgreSQL. PostgreSQL needs casts for enum and
 * jsonb parameters; SQLite stores JSON as text.
 */
import { empty, join, raw, type Sql, sqltag as sql } from '@prisma/client/runtime/client';
import type { Db, Dialect } from './prisma-types.ts';

type Table = 'Lead' | 'Identity' | 'Conversation' | 'Answer' | 'ScoreContribution' | 'StageChange';

/** PostgreSQL types a text parameter must be cast to, by table and column. */
const CASTS: Partial<Record<Table, Record<string, string>>> = {
  Lead: { stage: '"Stage"' },
  Conversation: { status: '"ConversationStatus"', variables: 'jsonb' },
  Answer: { value: 'jsonb' },
  StageChange: { fromStage: '"Stage"', toStage: '"Stage"' },
};

/** Columns holding JSON (text on SQLite, jsonb on PostgreSQL). */
const JSON_COLUMNS = new Set(['Conversation.variables', 'Answer.value']);

function value(dialect: Dialect, table: Table, column: string, v: unknown): Sql {
  const json = JSON_COLUMNS.has(`${table}.${column}`);
  const param = json && v !== null ? JSON.stringify(v) : v;
  const cast = dialect === 'postgres' ? CASTS[table]?.[column] : undefined;
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

/** `INSERT INTO table (…) VALUES (…), (…)` for rows with the same columns. */
export async function insertRows(
  db: Db,
  dialect: Dialect,
  table: Table,
  rows: Record<string, unknown>[],
): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(rows[0]!);
  const tuples = rows.map(
    (row) =>
      sql`(${join(
        names.map((n) => value(dialect, table, n, row[n])),
        ', ',
      )})`,
  );
  await db.$executeRaw(
    sql`INSERT INTO ${ident(table)} (${join(names.map(ident), ', ')}) VALUES ${join(tuples, ', ')}`,
  );
}

/** `SELECT * FROM table WHERE … ORDER BY … [LIMIT n]` with a prepared WHERE clause. */
export function selectRows<Row>(db: Db, table: Table, where: Sql, orderBy: string, limit?: number) {
  const limitClause = limit === undefined ? empty : sql` LIMIT ${limit}`;
  return db.$queryRaw<Row[]>(
    sql`SELECT * FROM ${ident(table)} WHERE ${where} ORDER BY ${raw(orderBy)}${limitClause}`,
  );
}

export { join, raw, sql };
