/**
 * Writes a transaction defers to its end, then issues as one multi-row statement per table:
 * answers, score contributions and stage changes (insert-only rows), conversation updates
 * (checked against the version they were read at) and lead updates (per set of columns). With
 * group commit (src/core/group-commit.ts) one transaction carries many people's events, so a
 * handful of statements replace several per event.
 *
 * Reads inside the transaction still see these writes: answer, contribution and stage-change
 * reads add the pending rows to what the database returns, lead reads are answered from the
 * lead as written (prefetch.ts), and any conversation read flushes the pending updates first.
 * A flush that finds a conversation moved on (or a lead gone) raises ConflictError, which rolls
 * the whole transaction back like an immediate conflict would.
 */
import { ConflictError } from '../core/errors.ts';
import type { Answer, Conversation, ScoreContribution, StageChange } from '../core/ports.ts';
import { createPrefetched, type Prefetched } from './prefetch.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertRows, join, raw, sql } from './raw-statements.ts';

interface PendingUpdate {
  /** The version the stored row must still have. */
  expected: number;
  /** The row as it will be (several updates of one row collapse into one). */
  next: Conversation;
}

/** A transaction's deferred writes, and what it prefetched (prefetch.ts). */
export interface WriteBuffer {
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
  answers: [],
  contributions: [],
  stageChanges: [],
  conversations: new Map(),
  leads: new Map(),
  prefetched: createPrefetched(),
});

/** The mutable columns of a conversation update, in VALUES order after id and version. */
const COLUMNS = [
  'currentStep',
  'status',
  'variables',
  'attempts',
  'lastActivityAt',
  'endedAt',
  'version',
] as const;
/** PostgreSQL types of `id`, the expected version, then COLUMNS (VALUES rows carry no column types). */
const PG_TYPES = [
  'text',
  'integer',
  'text',
  '"ConversationStatus"',
  'jsonb',
  'integer',
  'timestamp(3)',
  'timestamp(3)',
  'integer',
];

/**
 * `UPDATE "Conversation" … FROM (VALUES …)` for every pending update, each only where the
 * stored version is the expected one. Throws ConflictError unless every row matched.
 */
export async function updateConversations(
  db: Db,
  dialect: Dialect,
  updates: PendingUpdate[],
): Promise<number> {
  if (updates.length === 0) return 0;
  const cast = (i: number) => (dialect === 'postgres' ? raw(`::${PG_TYPES[i]}`) : raw(''));
  const tuples = updates.map(({ expected, next }) => {
    const values = [
      next.id,
      expected,
      ...COLUMNS.map((c) => (c === 'variables' ? JSON.stringify(next[c]) : next[c])),
    ];
    return sql`(${join(
      values.map((v, i) => sql`${v}${cast(i)}`),
      ', ',
    )})`;
  });
  // VALUES columns are named column1, column2, … in both SQLite and PostgreSQL.
  const sets = COLUMNS.map((c, i) => raw(`"${c}" = v.column${i + 3}`));
  const matched = await db.$executeRaw(
    sql`UPDATE "Conversation" SET ${join(sets, ', ')} FROM (VALUES ${join(tuples, ', ')}) AS v
        WHERE "Conversation"."id" = v.column1 AND "Conversation"."version" = v.column2`,
  );
  if (matched !== updates.length) {
    throw new ConflictError(
      `${updates.length - matched} of ${updates.length} conversations changed since they were read`,
    );
  }
  return matched;
}

/** Issues every pending write (conversations first: a conflict stops the rest). */
export async function flushWrites(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  await flushConversations(db, dialect, buffer);
  await flushLeads(db, dialect, buffer);
  const answers = buffer.answers.splice(0);
  await insertRows(db, dialect, 'Answer', answers as unknown as Record<string, unknown>[]);
  const contributions = buffer.contributions.splice(0);
  await insertRows(db, dialect, 'ScoreContribution', contributions as unknown as Record<string, unknown>[]);
  // Stored now: what the transaction prefetched must include them, or a later read misses them.
  for (const a of answers) buffer.prefetched.answers.get(a.conversationId)?.push(a);
  for (const c of contributions) buffer.prefetched.contributions.get(c.leadId)?.push(c);
  const stageChanges = buffer.stageChanges.splice(0).map(({ from, to, ...rest }) => ({
    ...rest,
    fromStage: from,
    toStage: to,
  }));
  await insertRows(db, dialect, 'StageChange', stageChanges);
}

export async function flushConversations(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  const updates = [...buffer.conversations.values()];
  buffer.conversations.clear();
  await updateConversations(db, dialect, updates);
}

/** PostgreSQL types of the Lead columns an update may write (text unless listed). */
const LEAD_TYPES: Record<string, string> = {
  stage: '"Stage"',
  score: 'integer',
  consent: 'boolean',
  consentAt: 'timestamp(3)',
  updatedAt: 'timestamp(3)',
};

/**
 * The pending lead updates, one `UPDATE "Lead" … FROM (VALUES …)` per set of columns written
 * (only the columns a patch named are written, so concurrent changes to others survive).
 * Throws ConflictError when a lead is gone.
 */
export async function flushLeads(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  const bySignature = new Map<string, [string, Record<string, unknown>][]>();
  for (const [id, columns] of buffer.leads) {
    const signature = Object.keys(columns).sort().join(',');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), [id, columns]]);
  }
  buffer.leads.clear();
  for (const [signature, rows] of bySignature) {
    const names = signature.split(',');
    const cast = (name: string) =>
      dialect === 'postgres' ? raw(`::${LEAD_TYPES[name] ?? 'text'}`) : raw('');
    const tuples = rows.map(
      ([id, columns]) =>
        sql`(${join([sql`${id}${cast('id')}`, ...names.map((n) => sql`${columns[n]}${cast(n)}`)], ', ')})`,
    );
    const sets = names.map((n, i) => raw(`"${n}" = v.column${i + 2}`));
    const matched = await db.$executeRaw(
      sql`UPDATE "Lead" SET ${join(sets, ', ')} FROM (VALUES ${join(tuples, ', ')}) AS v WHERE "Lead"."id" = v.column1`,
    );
    if (matched !== rows.length)
      throw new ConflictError(`${rows.length - matched} of ${rows.length} leads were deleted meanwhile`);
  }
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
