/**
 * Rows of one table carried inside a column of another query, as JSON: a lead's score
 * contributions, its newest open conversation and that conversation's answers come back in the
 * same statement as the lead (prefetch.ts), one statement where there were four. Each
 * statement through Prisma costs ~100–150 µs of its client runtime whatever the database does,
 * so on the hot path statements are the unit of cost.
 *
 * Every column is listed with its kind (the lists are checked against the generated row types,
 * so a new column cannot be forgotten here), packed as a JSON array in column order, and read
 * back into the row the raw query would have returned: dates as `Date`, booleans as booleans,
 * JSON columns parsed. JSON columns travel as text on both databases (SQLite stores a numeric
 * JSON value with NUMERIC affinity; `CAST … AS TEXT` gives it back as written).
 */
import type { Row } from './mappers.ts';
import type { Dialect } from './prisma-types.ts';

type Kind = 'text' | 'int' | 'bool' | 'date' | 'json';
type Spec<T> = { readonly [K in keyof T]-?: Kind };

export const CONTRIBUTION_COLUMNS = {
  id: 'text',
  leadId: 'text',
  conversationId: 'text',
  ruleId: 'text',
  stepId: 'text',
  points: 'int',
  reason: 'text',
  createdAt: 'date',
} as const satisfies Spec<Row<'ScoreContribution'>>;

export const CONVERSATION_COLUMNS = {
  id: 'text',
  leadId: 'text',
  flowId: 'text',
  flowVersion: 'text',
  currentStep: 'text',
  status: 'text',
  platform: 'text',
  workspaceId: 'text',
  channelId: 'text',
  variables: 'json',
  attempts: 'int',
  version: 'int',
  startedAt: 'date',
  lastActivityAt: 'date',
  endedAt: 'date',
} as const satisfies Spec<Row<'Conversation'>>;

export const ANSWER_COLUMNS_SPEC = {
  id: 'text',
  conversationId: 'text',
  stepId: 'text',
  value: 'json',
  rawText: 'text',
  attempt: 'int',
  accepted: 'bool',
  inferred: 'bool',
  evidence: 'text',
  createdAt: 'date',
} as const satisfies Spec<Row<'Answer'>>;

type Columns = Record<string, Kind>;

/** `alias."col"` for each column, JSON columns as text, comma-separated (SQL text, no parameters). */
function columnList(dialect: Dialect, alias: string, columns: Columns): string {
  return Object.entries(columns)
    .map(([name, kind]) => {
      const col = `${alias}."${name}"`;
      if (kind === 'json') return dialect === 'postgres' ? `${col}::text` : `CAST(${col} AS TEXT)`;
      // PostgreSQL's JSON of an enum or a timestamp is a string either way.
      return col;
    })
    .join(', ');
}

const tupleFn = (dialect: Dialect) => (dialect === 'postgres' ? 'json_build_array' : 'json_array');
const aggFn = (dialect: Dialect) => (dialect === 'postgres' ? 'json_agg' : 'json_group_array');

/** One row of `alias` as a JSON array in column order, with `extra` SQL values appended. */
export function jsonRow(dialect: Dialect, alias: string, columns: Columns, extra: string[] = []): string {
  return `${tupleFn(dialect)}(${[columnList(dialect, alias, columns), ...extra].join(', ')})`;
}

/** The rows of `alias` the enclosing `FROM … WHERE` selects, as one JSON array of arrays. */
export function jsonRows(dialect: Dialect, alias: string, columns: Columns): string {
  return `${aggFn(dialect)}(${jsonRow(dialect, alias, columns)})`;
}

/** A JSON value a raw query returned: text on SQLite, parsed or text on PostgreSQL. */
export function parseJsonColumn(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** ISO text as stored (SQLite keeps the offset; PostgreSQL's timestamp(3) has none and is UTC). */
function toDate(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return new Date(/(Z|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`);
}

function decode(kind: Kind, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'date':
      return toDate(v);
    case 'bool':
      return v === true || v === 1 || v === '1' || v === 't';
    case 'int':
      return Number(v);
    case 'json':
      return JSON.parse(String(v));
    default:
      return String(v);
  }
}

/** The row a packed JSON array stands for (its extra trailing values are ignored). */
export function unpackRow<T>(columns: Columns, packed: readonly unknown[]): T {
  const row: Record<string, unknown> = {};
  let i = 0;
  for (const [name, kind] of Object.entries(columns)) row[name] = decode(kind, packed[i++]);
  return row as T;
}

/** Sorts rows oldest first, then by id, as the store lists them. */
export function oldestFirst<T extends { createdAt: Date; id: string }>(rows: T[]): T[] {
  return rows.sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
