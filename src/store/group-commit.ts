/**
 * Group commit: units of work that arrive while the store's writers are busy are run together
 * in one database transaction, and each caller is answered only after that transaction has
 * committed. Durability is unchanged (nothing is acknowledged before its commit); what is
 * shared is the transaction's fixed cost (BEGIN/COMMIT, the ORM's transaction set-up, the
 * wait for SQLite's single writer).
 *
 * If any unit of a group fails, the whole group is rolled back and every unit is run again in
 * a transaction of its own, so one failing event never takes the others down with it and each
 * caller sees exactly the error its own unit raises. Units must therefore be safe to re-run
 * (the port says so: `LeadStore.unitOfWork`).
 *
 * A mechanism of the Prisma store (prisma-store.ts), not of the core: the core asks for a unit
 * of work with hints and never learns how many writers there are or how units are grouped.
 */
import { batched } from './batched-statement.ts';

export interface GroupCommitOptions<Tx, H> {
  /** Transactions in flight at once (SQLite: 1 writer; PostgreSQL: the pool size). */
  writers: number;
  /** The most units one transaction carries (bounds how long it holds its locks). */
  maxGroup: number;
  /** Runs first in each transaction with the hints of its units (e.g. to prefetch their rows). */
  prepare?: (tx: Tx, hints: H[]) => Promise<void>;
}

export interface GroupCommit<Tx, H> {
  /** Runs `fn` in a transaction, possibly shared with other units; resolves after the commit. */
  run<T>(fn: (tx: Tx) => Promise<T>, hint: H): Promise<T>;
}

/** Runs one transaction: all of `fn` or nothing, resolved after the commit. */
export type RunTransaction<Tx> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

interface Unit<Tx, H> {
  hint: H;
  fn: (tx: Tx) => Promise<unknown>;
}

export function createGroupCommit<Tx, H>(
  transaction: RunTransaction<Tx>,
  opts: GroupCommitOptions<Tx, H>,
): GroupCommit<Tx, H> {
  // The batching (setImmediate, then whatever arrived while the writers were busy; a failing
  // group runs each unit again alone) is batched-statement.ts's; a batch here is a transaction.
  // Starting after the I/O already received (not on a microtask) let webhook requests that
  // arrived together share a group: Telegram throughput doubled under webhook load (bench/).
  const runUnit = batched<Unit<Tx, H>, unknown>(
    (group) =>
      transaction(async (tx) => {
        await opts.prepare?.(
          tx,
          group.map((u) => u.hint),
        );
        const out: unknown[] = [];
        for (const unit of group) out.push(await unit.fn(tx));
        return out;
      }),
    { max: opts.maxGroup, inFlight: opts.writers },
  );
  return {
    run: <T>(fn: (tx: Tx) => Promise<T>, hint: H) => runUnit({ fn, hint }) as Promise<T>,
  };
}
