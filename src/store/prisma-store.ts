/** `LeadStore` over a Prisma client: the repo, transactions, the outbox, health and shutdown. */
import { ConflictError } from '../core/errors.ts';
import type { LeadRepo, LeadStore } from '../core/ports.ts';
import { createPrismaInbox } from './prisma-inbox.ts';
import { createPrismaLeadRepo } from './prisma-lead-repo.ts';
import { createPrismaOutbox } from './prisma-outbox.ts';
import { createPrismaOutreachStore } from './prisma-outreach.ts';
import { createPrismaReporting } from './prisma-reporting.ts';
import { createPrismaScheduleStore, createPrismaVerdictLog } from './prisma-schedules.ts';
import { createPrismaSessionStore } from './prisma-sessions.ts';
import type { Client, Dialect, Prisma } from './prisma-types.ts';
import { createSqlReader } from './sql-reader.ts';
import { withStorableText } from './text-guard.ts';
import { createTxGate } from './tx-gate.ts';
import { createWriteBuffer, flushWrites } from './write-buffer.ts';

/**
 * Interactive-transaction settings. SQLite has one writer: a transaction may wait for the lock
 * (maxWait) and must not hold it for long (timeout). PostgreSQL runs READ COMMITTED; lost
 * updates on conversations are prevented by the optimistic version check instead of locks.
 */
const TX_OPTIONS = {
  sqlite: { maxWait: 10_000, timeout: 15_000 },
  postgres: { maxWait: 10_000, timeout: 15_000, isolationLevel: 'ReadCommitted' as const },
};

/**
 * Transactions in flight per store: SQLite has one writer (and the adapter one connection);
 * PostgreSQL gets as many as the pool has connections (open-store.ts opens 10).
 */
const TX_IN_FLIGHT = { sqlite: 1, postgres: 10 };

/**
 * The store over a connected client. `sqlitePath` (the database file) lets reporting read on a
 * worker thread instead of the event loop (sql-reader.ts).
 */
export function createPrismaStore(
  unguarded: Client,
  dialect: Dialect,
  opts: { sqlitePath?: string } = {},
): LeadStore {
  // Every query-API call's strings made storable (text-guard.ts); raw statements guard their own.
  const client = withStorableText(unguarded);
  const repo = createPrismaLeadRepo(client, dialect);
  const reader = createSqlReader(client, dialect, opts.sqlitePath);
  const gate = createTxGate(TX_IN_FLIGHT[dialect]);
  const storedFlows = new Set<string>();
  const outboxListeners = new Set<() => void>();
  const notifyOutbox = () => {
    for (const listener of outboxListeners) listener();
  };
  const transaction = async <T>(fn: (tx: LeadRepo) => Promise<T>): Promise<T> => {
    try {
      const { out, savedFlows, enqueued } = await gate.run(() =>
        client.$transaction(
          async (tx: Prisma.TransactionClient) => {
            // Deferred writes go out together just before the commit (write-buffer.ts).
            const buffer = createWriteBuffer(storedFlows);
            // Verdicts are written in the transaction of the change they judge.
            const repo = {
              ...createPrismaLeadRepo(tx, dialect, buffer),
              verdicts: createPrismaVerdictLog(tx),
            };
            const out = await fn(repo);
            await flushWrites(tx, dialect, buffer);
            return { out, savedFlows: buffer.savedFlows, enqueued: buffer.enqueued };
          },
          // The SQLite client's types only list 'Serializable'; the PostgreSQL client accepts this.
          TX_OPTIONS[dialect] as { maxWait: number; timeout: number },
        ),
      );
      for (const key of savedFlows) storedFlows.add(key); // committed now
      if (enqueued) notifyOutbox();
      return out;
    } catch (error) {
      throw asConflict(error, dialect) ?? error;
    }
  };
  return {
    ...repo,
    // Several statements each (lead and identity; outbox rows, then the lead with its
    // cascades): all or nothing.
    createLead: (lead, identity) => transaction((tx) => tx.createLead(lead, identity)),
    deleteLead: (id) => transaction((tx) => tx.deleteLead(id)),
    transaction,
    writers: TX_IN_FLIGHT[dialect],
    // Outside a transaction a new row is committed when the insert returns.
    enqueueOutbox: async (input) => {
      const inserted = await repo.enqueueOutbox(input);
      if (inserted) notifyOutbox();
      return inserted;
    },
    outbox: {
      ...createPrismaOutbox(client, dialect),
      subscribe(listener) {
        outboxListeners.add(listener);
        return () => outboxListeners.delete(listener);
      },
    },
    inbox: createPrismaInbox(client, dialect),
    reporting: createPrismaReporting(client, dialect, reader),
    outreach: createPrismaOutreachStore(client, dialect),
    schedules: createPrismaScheduleStore(client, dialect),
    verdicts: createPrismaVerdictLog(client),
    sessions: createPrismaSessionStore(client),
    async ping() {
      await client.$queryRaw`SELECT 1`;
    },
    async close() {
      await reader.close();
      await client.$disconnect();
    },
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
