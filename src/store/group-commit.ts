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

interface Unit<Tx, H> {
  hint: H;
  fn: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Runs one transaction: all of `fn` or nothing, resolved after the commit. */
export type RunTransaction<Tx> = <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>;

export function createGroupCommit<Tx, H>(
  transaction: RunTransaction<Tx>,
  opts: GroupCommitOptions<Tx, H>,
): GroupCommit<Tx, H> {
  const queue: Unit<Tx, H>[] = [];
  let inFlight = 0;
  let scheduled = false;

  /** Runs the units in one transaction; settles them after it commits. */
  async function runGroup(group: Unit<Tx, H>[]): Promise<void> {
    let results: unknown[];
    try {
      results = await transaction(async (tx) => {
        await opts.prepare?.(
          tx,
          group.map((u) => u.hint),
        );
        const out: unknown[] = [];
        for (const unit of group) out.push(await unit.fn(tx));
        return out;
      });
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
      // Rolled back as a whole: give every unit its own transaction and its own outcome.
      await Promise.all(group.map((unit) => runGroup([unit])));
      return;
    }
    for (const [i, unit] of group.entries()) unit.resolve(results[i]);
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < opts.writers && queue.length > 0) {
      const group = queue.splice(0, opts.maxGroup);
      inFlight += 1;
      void runGroup(group).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return {
    run<T>(fn: (tx: Tx) => Promise<T>, hint: H): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ hint, fn, resolve: resolve as (v: unknown) => void, reject });
        // Start the writer after the I/O already received has run (setImmediate, not a
        // microtask): requests that arrived together then share a group. Under webhook load
        // this doubled Telegram throughput (bench/); a timer delay would also tax a lone message.
        if (!scheduled && inFlight < opts.writers) {
          scheduled = true;
          setImmediate(pump);
        }
      });
    },
  };
}
