/**
 * One statement for calls that arrive together, outside any transaction: the web inbox stores
 * every request before it is handled and marks it processed after (prisma-inbox.ts), and with
 * many people chatting at once those calls come in bursts — every unit of a group commit
 * (group-commit.ts) finishes at the same time. A call waits for the I/O already received to run
 * (`setImmediate`, as group commit does, so a lone call pays no timer), and calls made while a
 * batch is in flight go out as the next one: under load the batches grow by themselves, and a
 * statement is the unit of cost on the hot path (~400 µs of PostgreSQL backend CPU for a small
 * one here, docs/benchmarks.md).
 *
 * A failing batch sends each of its calls again alone, so one bad row never fails the others
 * and each caller sees the error of its own call. The statement must therefore be safe to run
 * again for the rows that made it (an insert that skips existing keys, an update guarded by
 * the row's state).
 */

export interface BatchOptions {
  /** The most calls one statement carries. */
  max: number;
  /** Batches running at once. */
  inFlight: number;
}

interface Call<I, O> {
  input: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

/** `run` gets the inputs of one batch and answers one output per input, in their order. */
export function batched<I, O>(
  run: (inputs: I[]) => Promise<O[]>,
  opts: BatchOptions,
): (input: I) => Promise<O> {
  const queue: Call<I, O>[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function runBatch(batch: Call<I, O>[]): Promise<void> {
    let out: O[];
    try {
      out = await run(batch.map((c) => c.input));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((c) => runBatch([c])));
      return;
    }
    for (const [i, call] of batch.entries()) call.resolve(out[i] as O);
  }

  function pump(): void {
    scheduled = false;
    while (inFlight < opts.inFlight && queue.length > 0) {
      inFlight += 1;
      void runBatch(queue.splice(0, opts.max)).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (!scheduled && inFlight < opts.inFlight) {
        scheduled = true;
        setImmediate(pump);
      }
    });
}
