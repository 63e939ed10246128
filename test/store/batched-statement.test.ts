/**
 * The batching beneath the inbox's statements and group commit (src/store/batched-statement.ts):
 * calls of one turn share a batch, calls made while batches are in flight form the next one,
 * a batch never exceeds its size, and a failing batch runs each call alone so only the bad call
 * fails, with its own error.
 */
import { describe, expect, it } from 'vitest';
import { batched } from '../../src/store/batched-statement.ts';

describe('batched statements', () => {
  it('calls of one turn share a batch, up to its size; each gets its own answer', async () => {
    const batches: number[][] = [];
    const double = batched<number, number>(
      async (xs) => {
        batches.push(xs);
        return xs.map((x) => x * 2);
      },
      { max: 4, inFlight: 1 },
    );
    const out = await Promise.all([1, 2, 3, 4, 5, 6].map(double));
    expect(out).toEqual([2, 4, 6, 8, 10, 12]);
    expect(batches).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
  });

  it('calls made while the batches in flight run wait and go out together', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const run = batched<number, number>(
      async (xs) => {
        batches.push(xs);
        if (batches.length === 1) await gate;
        return xs;
      },
      { max: 100, inFlight: 1 },
    );
    const first = run(0);
    await new Promise((r) => setImmediate(r)); // the first batch is running
    const later = [1, 2, 3].map(run);
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[0]]); // nothing started beside it
    release();
    expect(await Promise.all([first, ...later])).toEqual([0, 1, 2, 3]);
    expect(batches).toEqual([[0], [1, 2, 3]]);
  });

  it('a failing batch runs each call alone: only the bad call fails, with its own error', async () => {
    const batches: string[][] = [];
    const upper = batched<string, string>(
      async (xs) => {
        batches.push(xs);
        const bad = xs.find((x) => x.includes('\u0000'));
        if (bad !== undefined) throw new Error(`refused ${JSON.stringify(bad)}`);
        return xs.map((x) => x.toUpperCase());
      },
      { max: 10, inFlight: 2 },
    );
    const out = await Promise.allSettled(['a', 'b\u0000', 'c'].map(upper));
    expect(out).toEqual([
      { status: 'fulfilled', value: 'A' },
      { status: 'rejected', reason: new Error('refused "b\\u0000"') },
      { status: 'fulfilled', value: 'C' },
    ]);
    expect(batches[0]).toEqual(['a', 'b\u0000', 'c']);
    expect(batches.slice(1).sort()).toEqual([['a'], ['b\u0000'], ['c']]);
  });
});
