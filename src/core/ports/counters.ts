/** Named counters shared by every instance on one database. */

/**
 * Sequences that survive restarts and are shared by all instances on one database, for
 * rotations that must not restart at every start or run once per process (round-robin
 * assignment of new SQLs among sales reps).
 */
export interface CounterStore {
  /**
   * The next number of the sequence `name`: 0 on its first use, then 1, 2, … Atomic: calls from
   * any number of instances at once each get a different number, none skipped.
   */
  next(name: string): Promise<number>;
}
