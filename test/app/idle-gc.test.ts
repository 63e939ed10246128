/**
 * The idle collector: one full collection once the process idled with much more heap committed
 * than used, none while busy or when little would come back, and none again until the heap
 * grew again. Driven with fake timers and scripted measurements; the real collector is
 * checked to be reachable without `--expose-gc` and not left in the global scope.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exposeGc, startIdleGc } from '../../src/app/ops/idle-gc.ts';

const MB = 2 ** 20;

/** One interval as the collector sees it: how busy the loop was, the heap, and after a collection. */
interface Interval {
  busy: number;
  total: number;
  used: number;
  /** Heap committed after a collection in this interval. */
  after?: number;
}

/** Plays `intervals` to the collector, one per timer tick; returns the intervals it collected in. */
function play(intervals: Interval[]): number[] {
  let i = -1;
  let collectedNow = false;
  const collected: number[] = [];
  const stop = startIdleGc({
    intervalMs: 1000,
    probe: {
      utilization: () => intervals[Math.max(i, 0)]!.busy,
      heap: () => {
        const at = intervals[i]!;
        return collectedNow ? { total: at.after ?? at.total, used: at.used } : at;
      },
      gc: () => {
        collectedNow = true;
        collected.push(i);
      },
    },
  });
  for (i = 0; i < intervals.length; i++) {
    collectedNow = false;
    vi.advanceTimersByTime(1000);
  }
  stop();
  return collected;
}

describe('startIdleGc', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('collects once when idle with slack, not while busy, not again until the heap grew', () => {
    const collected = play([
      { busy: 0.5, total: 80 * MB, used: 40 * MB }, // busy
      { busy: 0.01, total: 80 * MB, used: 40 * MB, after: 42 * MB }, // idle, 40 MB slack: collects
      { busy: 0.01, total: 44 * MB, used: 40 * MB }, // little slack
      { busy: 0.01, total: 49 * MB, used: 40 * MB }, // 9 MB slack, but not 8 MB past the 42 MB left
      { busy: 0.01, total: 90 * MB, used: 45 * MB, after: 47 * MB }, // grew again: collects
      { busy: 0.01, total: 47 * MB, used: 45 * MB },
    ]);
    expect(collected).toEqual([1, 4]);
  });

  it('never collects while the loop is busy, nor when little would come back', () => {
    expect(play(Array.from({ length: 5 }, () => ({ busy: 0.06, total: 200 * MB, used: 20 * MB })))).toEqual(
      [],
    );
    expect(play(Array.from({ length: 5 }, () => ({ busy: 0, total: 27 * MB, used: 20 * MB })))).toEqual([]);
  });
});

describe('exposeGc', () => {
  it('returns V8 collector without putting gc in the global scope', () => {
    const gc = exposeGc();
    expect(typeof gc).toBe('function');
    expect(() => gc()).not.toThrow();
    expect(() => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' })).not.toThrow();
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
  });
});
