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
  /**
   * The number {@link next} would return now, without taking it (0 for an unused name): who is
   * next in a rotation, for a reminder that names them without giving them a turn. Another
   * instance may take that number a moment later; callers only use it to name someone.
   */
  peek(name: string): Promise<number>;
}
