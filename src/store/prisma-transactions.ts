/**
 * How the Prisma store runs work: `transaction` (one interactive transaction through the
 * per-transaction view, writes deferred to its end) and `unitOfWork` (the same, but units that
 * arrive while the writers are busy share one transaction — group commit — and the group's
 * rows are loaded first from the units' hints). The core sees neither the writers nor the
 * grouping: only the `LeadStore` port's two methods.
 */
import { ConflictError } from '../core/errors.ts';
import type { LeadRepo, LeadStore, WorkHints } from '../core/ports/index.ts';
import { createGroupCommit } from './group-commit.ts';
import { prefetch } from './prefetch.ts';
import { createTxView } from './prisma-tx-view.ts';
import type { Client, Dialect, Prisma } from './prisma-types.ts';
import { createTxGate } from './tx-gate.ts';
import { createWriteBuffer, flushWrites, type WriteBuffer } from './write-buffer.ts';

/**
 * Interactive-transaction settings. SQLite has one writer: a transaction may wait for the lock
 * (maxWait) and must not hold it for long (timeout). PostgreSQL runs READ COMMITTED, set on each
 * connection (open-store.ts, `PG_SESSION_OPTIONS`) rather than here, which would cost a
 * `SET TRANSACTION` round trip per transaction; lost updates on conversations are prevented by
 * the optimistic version check instead of locks.
 */
const TX_OPTIONS = {
  sqlite: { maxWait: 10_000, timeout: 15_000 },
  postgres: { maxWait: 10_000, timeout: 15_000 },
};

/**
 * Transactions in flight per store: SQLite has one writer (and the adapter one connection);
 * PostgreSQL gets as many as the pool has connections (open-store.ts opens 10).
 */
const TX_IN_FLIGHT = { sqlite: 1, postgres: 10 };

/** The most units of work one transaction carries under load (bounds how long it holds its locks). */
export const MAX_GROUP = 64;

/** One transaction as the store's machinery sees it: the view the units use, and its buffer. */
interface Scope {
  tx: Prisma.TransactionClient;
  view: LeadRepo;
  buffer: WriteBuffer;
}

export function createPrismaTransactions(
  client: Client,
  dialect: Dialect,
  opts: { onOutboxCommitted(): void; maxGroup?: number },
): Pick<LeadStore, 'transaction' | 'unitOfWork'> {
  const gate = createTxGate(TX_IN_FLIGHT[dialect]);
  /** Flow snapshots (`flowId@version`) known committed: not written again (write-buffer.ts). */
  const storedFlows = new Set<string>();

  async function inScope<T>(fn: (scope: Scope) => Promise<T>): Promise<T> {
    try {
      const { out, savedFlows, enqueued } = await gate.run(() =>
        client.$transaction(
          // On the store's client its raw statements go straight to the driver adapter's
          // transaction (direct-raw.ts).
          async (tx: Prisma.TransactionClient) => {
            // Deferred writes go out together just before the commit (write-buffer.ts).
            const buffer = createWriteBuffer(storedFlows);
            const out = await fn({ tx, view: createTxView(tx, dialect, buffer), buffer });
            await flushWrites(tx, dialect, buffer);
            return { out, savedFlows: buffer.savedFlows, enqueued: buffer.enqueued };
          },
          // The SQLite client's types only list 'Serializable'; the PostgreSQL client accepts this.
          TX_OPTIONS[dialect] as { maxWait: number; timeout: number },
        ),
      );
      for (const key of savedFlows) storedFlows.add(key); // committed now
      if (enqueued) opts.onOutboxCommitted();
      return out;
    } catch (error) {
      throw asConflict(error, dialect) ?? error;
    }
  }

  const groups = createGroupCommit<Scope, WorkHints>(inScope, {
    writers: TX_IN_FLIGHT[dialect],
    maxGroup: opts.maxGroup ?? MAX_GROUP,
    // One round trip per group for what every unit reads: its event's de-duplication row, the
    // lead behind the person's account, its contributions, open conversation and answers.
    prepare: ({ tx, buffer }, hints) =>
      prefetch(tx, dialect, buffer.prefetched, {
        events: hints.flatMap((h) => (h.event ? [h.event] : [])),
        identities: hints.flatMap((h) => (h.person ? [h.person] : [])),
      }),
  });

  return {
    transaction: (fn) => inScope(({ view }) => fn(view)),
    unitOfWork: (hints, fn) => groups.run(({ view }) => fn(view), hints),
  };
}

/**
 * Write conflicts between instances surface as ConflictError, which callers already retry.
 * P2034: write conflict or deadlock (PostgreSQL serialization failure). On SQLite a transaction
 * that read before another instance committed cannot write any more (SQLITE_BUSY_SNAPSHOT), and
 * Prisma reports that, like a lock held past busy_timeout, as P1008 "Operation has timed out".
 * The same failures in a raw statement (raw-statements.ts) arrive as P2010 with the driver's code.
 */
function asConflict(error: unknown, dialect: Dialect): ConflictError | null {
  const code = (error as { code?: string } | null)?.code;
  if (code === 'P2034' || (dialect === 'sqlite' && code === 'P1008') || isRawConflict(error)) {
    const conflict = new ConflictError(`transaction lost a write conflict (${code}); retry`);
    (conflict as { cause?: unknown }).cause = error;
    return conflict;
  }
  return null;
}

/** P2010 (a raw statement failed) carrying a busy SQLite snapshot or a PostgreSQL serialization failure/deadlock. */
function isRawConflict(error: unknown): boolean {
  const e = error as {
    code?: string;
    meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } };
  };
  if (e?.code !== 'P2010') return false;
  const cause = e.meta?.driverAdapterError?.cause;
  const original = cause?.originalCode ?? '';
  return (
    original.startsWith('SQLITE_BUSY') ||
    original === '40001' ||
    original === '40P01' ||
    cause?.kind === 'TransactionWriteConflict'
  );
}
