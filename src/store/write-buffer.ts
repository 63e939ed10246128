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
import { ConflictError } from '../core/errors.ts';
import type { Answer, Conversation, ScoreContribution, StageChange } from '../core/ports/index.ts';
import { createPrefetched, type Prefetched } from './prefetch.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertRows, updateFromValues } from './raw-statements.ts';

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

/**
 * Writes the pending conversation updates in one statement, each only where the stored
 * version is still the one read. Throws ConflictError unless every row matched.
 */
export async function updateConversations(db: Db, dialect: Dialect, updates: PendingUpdate[]): Promise<void> {
  const rows = updates.map(({ expected, next }) => ({
    id: next.id,
    expectedVersion: expected,
    values: next,
  }));
  const matched = await updateFromValues(db, dialect, 'Conversation', COLUMNS, rows);
  if (matched !== updates.length) {
    throw new ConflictError(
      `${updates.length - matched} of ${updates.length} conversations changed since they were read`,
    );
  }
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

/**
 * The pending lead updates, one statement per set of columns written (only the columns a patch
 * named are written, so concurrent changes to others survive). Throws ConflictError when a
 * lead is gone.
 */
export async function flushLeads(db: Db, dialect: Dialect, buffer: WriteBuffer): Promise<void> {
  const bySignature = new Map<string, { id: string; values: Record<string, unknown> }[]>();
  for (const [id, values] of buffer.leads) {
    const signature = Object.keys(values).sort().join(',');
    bySignature.set(signature, [...(bySignature.get(signature) ?? []), { id, values }]);
  }
  buffer.leads.clear();
  for (const [signature, rows] of bySignature) {
    const matched = await updateFromValues(db, dialect, 'Lead', signature.split(','), rows);
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
