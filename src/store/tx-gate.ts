/**
 * A FIFO limit on interactive transactions in flight. Without it, a burst of events (1,000
 * people answering at once) makes every transaction wait for a pooled connection inside Prisma,
 * where `maxWait` turns a long queue into failed events (P2028 "Unable to start a transaction
 * in the given time"). Waiting here instead costs only latency; `maxWait` then measures the
 * real pool, not the burst.
 */
export interface TxGate {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** Lets at most `limit` calls of `run` proceed at once; the others wait in arrival order. */
export function createTxGate(limit: number): TxGate {
  let active = 0;
  const waiting: (() => void)[] = [];
  return {
    async run(fn) {
      if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
      else active += 1;
      try {
        return await fn();
      } finally {
        // Hand the slot straight to the next waiter (active stays the same), or free it.
        const next = waiting.shift();
        if (next) next();
        else active -= 1;
      }
    },
  };
}
