/** In-memory {@link CounterStore}: the counters of one process, lost at restart. */
import type { CounterStore } from '../ports/index.ts';

export function createMemoryCounterStore(): CounterStore {
  const values = new Map<string, number>();
  return {
    async next(name) {
      const n = values.get(name) ?? 0;
      values.set(name, n + 1);
      return n;
    },
    async peek(name) {
      return values.get(name) ?? 0;
    },
  };
}
