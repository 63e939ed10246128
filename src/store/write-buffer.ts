/**
 * Writes a transaction defers to its end, then issues as one multi-row statement per table:
 * answers, score contributions and stage changes (insert-only rows), conversation updates
 * (checked against the version they were read at) and lead updates (per set of columns). With
 * group commit (group-commit.ts) one transaction carries many people's events, so a
 * handful of statements replace several per event.
 *
 * Reads inside the transaction still see these writes: answer, contribution and stage-change
 * reads add the pending rows to what the database returns, lead reads are answered from the
 * lead as written (prefetch.ts), and any conversation read flushes the pending updates first.
 * A flush that finds a conversation moved on (or a lead gone) raises ConflictError, which rolls
 * the whole transaction back and rejects `transaction`/`unitOfWork` with it, as the port says.
 */
import { ConflictError, LeadbotError } from '../core/errors.ts';
import type { Answer, Conversation, ScoreContribution, StageChange } from '../core/ports/index.ts';
import { createNewRows, type NewRows } from './new-rows.ts';
import { createPrefetched, type Prefetched } from './prefetch.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertSql, join, raw, type Sql, sql, type Table, updateFromValuesSql } from './raw-statements.ts';
import { isUniqueViolation } from './repo-rows.ts';

interface PendingUpdate {
  /** The version the stored row must still have. */
  expected: number;
  /** The row as it will be (several updates of one row collapse into one). */
  next: Conversation;
}

/** A transaction's deferred writes, and what it prefetched (prefetch.ts). */
export interface WriteBuffer {
  /** Leads, accounts and conversations it created (new-rows.ts): inserted first. */
  created: NewRows;
  answers: Answer[];
  contributions: ScoreContribution[];
  stageChanges: StageChange[];
  conversations: Map<string, PendingUpdate>;
  /** Lead id → the columns to write (several updates of one lead merge). */
  leads: Map<string, Record<string, unknown>>;
  prefetched: Prefetched;
  /**
   * Flow snapshots (`flowId@version`) this process knows are committed: immutable rows, never
   * deleted, so they are not written again. Shared by the store's transactions.
   */
  storedFlows: ReadonlySet<string>;
  /** Snapshots this transaction wrote: stored once it commits. */
  savedFlows: string[];
  /** Whether the transaction added outbox rows (the store tells subscribers after the commit). */
  enqueued: boolean;
}

export const createWriteBuffer = (storedFlows: ReadonlySet<string>): WriteBuffer => ({
  storedFlows,
  savedFlows: [],
  enqueued: false,
  created: createNewRows(),
  answers: [],
  contributions: [],
  stageChanges: [],
  conversations: new Map(),
  leads: new Map(),
  prefetched: createPrefetched(),
});

/** The columns a conversation update writes (the row as it will be, version bumped). */
const COLUMNS = [
  'currentStep',
  'status',
  'variables',
  'attempts',
  'lastActivityAt',
  'endedAt',
  'version',
] as const;

/** One pending write as a statement, and how many rows it must match (a conflict otherwise). */
interface Write {
  statement: Sql;
  must?: { rows: number; conflict: (missing: number) => string };
  /** Inserts accounts: a unique violation means another instance has this person (DUPLICATE). */
  accounts?: boolean;
}

/**
 * Writes these conversation updates in one statement, each only where the stored version is
 * still the one read. Throws ConflictError unless every row matched.
 */
export async function updateConversations(db: Db, dialect: Dialect, updates: PendingUpdate[]): Promise<void> {
  await runWrites(db, dialect, conversationUpdate(dialect, updates));
}

function conversationUpdate(dialect: Dialect, updates: PendingUpdate[]): Write[] {
  if (updates.length === 0) return [];
  const rows = updates.map(({ expected, next }) => ({
    id: next.id,
    expectedVersion: expected,
    values: next,
  }));
  return [
    {
      statement: updateFromValuesSql(dialect, 'Conversation', COLUMNS, rows),
      must: {
        rows: rows.length,
        conflict: (n) => `${n} of ${rows.length} conversations changed since they were read`,
      },
    },
  ];
}

/** The rows the transaction created, one insert per table, parents first (then emptied). */
function newRowWrites(dialect: Dialect, buffer: WriteBuffer): Write[] {
  const { leads, identities, conversations } = buffer.created;
  const tables: [Table, Record<string, unknown>[]][] = [
    ['Lead', [...leads.values()]],
    ['Identity', identities.splice(0)],
    ['Conversation', [...conversations.values()].map((c) => ({ ...c }))],
  ];
  leads.clear();
  conversations.clear();
  return tables
    .filter(([, rows]) => rows.length > 0)
    .map(([table, rows]) => ({
      statement: insertSql(dialect, table, rows, false),
      accounts: table === 'Identity',
    }));
}

/** The pending conversation updates as one statement, each only where the stored version is still the one read. */
function conversationWrites(dialect: Dialect, buffer: WriteBuffer): Write[] {
  const updates = [...buffer.conversations.values()];
  buffer.conversations.clear();
  return conversationUpdate(dialect, updates);
}

/**
 * The pending lead updates, one statement per set of columns written (only the columns a patch
 * named are written, so concurrent changes to others survive); a lead gone is a conflict.
 */
function leadWrites(dialect: Dialect, buffer: WriteBuffer): Write[] {
  const bySignature = new Map<string, { id: string; values: Record<string, unknown> }[]>();
  for (const [id, values] of buffer.leads) {
    const signature = Object.keys(values).sort().join(',');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), { id, values }]);
  }
  buffer.leads.clear();
  return [...bySignature].map(([signature, rows]) => ({
    statement: updateFromValuesSql(dialect, 'Lead', signature.split(','), rows),
    must: { rows: rows.length, conflict: (n) => `${n} of ${rows.length} leads were deleted meanwhile` },
  }));
}

/**
 * Runs `writes` in order and throws ConflictError at the first that matched fewer rows than it
 * must. On PostgreSQL several go in one round trip: one statement whose data-modifying `WITH`
 * parts each return their rows, counted (a conflict found there rolls back the transaction all
 * the same: the caller's transaction fails with it). SQLite has no such statement: one each.
 */
async function runWrites(db: Db, dialect: Dialect, writes: Write[]): Promise<void> {
  try {
    await runChecked(db, dialect, writes);
  } catch (error) {
    if (!writes.some((w) => w.accounts) || !isUniqueViolation(error)) throw error;
    // As the immediate insert did (identity-sql.ts): the caller re-runs and finds that lead.
    throw new LeadbotError('DUPLICATE', 'an account this transaction created belongs to a lead already');
  }
}

async function runChecked(db: Db, dialect: Dialect, writes: Write[]): Promise<void> {
  const check = (w: Write, matched: number) => {
    if (w.must && matched !== w.must.rows) throw new ConflictError(w.must.conflict(w.must.rows - matched));
  };
  if (dialect === 'postgres' && writes.length > 1) {
    const parts = writes.map((w, i) => sql`${raw(`"w${i}"`)} AS (${w.statement} RETURNING 1)`);
    const counts = writes.map((_, i) => raw(`(SELECT COUNT(*) FROM "w${i}") AS "w${i}"`));
    const [row] = await db.$queryRaw<Record<string, number | bigint>[]>(
      sql`WITH ${join(parts, ', ')} SELECT ${join(counts, ', ')}`,
    );
    for (const [i, w] of writes.entries()) check(w, Number(row?.[`w${i}`] ?? 0));
    return;
  }
  for (const w of writes) check(w, await db.$executeRaw(w.statement));
}

/**
 * Issues every pending write: the new rows, conversation updates (a conflict names them first),
 * lead updates, then the answers, contributions and stage changes — on PostgreSQL in one round
 * trip.
 */
export async function flushWrites(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  const answers = buffer.answers.splice(0);
  const contributions = buffer.contributions.splice(0);
  const stageChanges = buffer.stageChanges.splice(0).map(({ from, to, ...rest }) => ({
    ...rest,
    fromStage: from,
    toStage: to,
  }));
  const inserts: [Table, Record<string, unknown>[]][] = [
    ['Answer', answers as unknown as Record<string, unknown>[]],
    ['ScoreContribution', contributions as unknown as Record<string, unknown>[]],
    ['StageChange', stageChanges],
  ];
  await runWrites(db, dialect, [
    ...newRowWrites(dialect, buffer),
    ...conversationWrites(dialect, buffer),
    ...leadWrites(dialect, buffer),
    ...inserts
      .filter(([, rows]) => rows.length > 0)
      .map(([table, rows]) => ({ statement: insertSql(dialect, table, rows, false) })),
  ]);
  // Stored now: what the transaction prefetched must include them, or a later read misses them.
  for (const a of answers) buffer.prefetched.answers.get(a.conversationId)?.push(a);
  for (const c of contributions) buffer.prefetched.contributions.get(c.leadId)?.push(c);
}

/** The new rows (any statement that may refer to them needs them stored first). */
export async function flushNewRows(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  await runWrites(db, dialect, newRowWrites(dialect, buffer));
}

/** The new rows and the pending conversation updates (a conversation read needs them stored first). */
export async function flushConversations(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  await runWrites(db, dialect, [...newRowWrites(dialect, buffer), ...conversationWrites(dialect, buffer)]);
}

/** The new rows and the pending lead updates. Throws ConflictError when a lead is gone. */
export async function flushLeads(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  await runWrites(db, dialect, [...newRowWrites(dialect, buffer), ...leadWrites(dialect, buffer)]);
}

/** `rows` plus the pending ones that `keep` selects, in (createdAt, id) order. */
export function withPending<T extends { createdAt: Date; id: string }>(
  rows: T[],
  pending: T[],
  keep: (r: T) => boolean,
): T[] {
  const extra = pending.filter(keep);
  if (extra.length === 0) return rows;
  return [...rows, ...extra.map((r) => ({ ...r }))].sort(
    (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
