/** Small measuring helpers for the benchmark: percentiles, medians, a worker pool, timing. */

/** The p-th percentile (0-100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Runs `worker(i)` for i in 0..n-1 concurrently and waits for all. */
export async function parallel(n: number, worker: (i: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => worker(i)));
}

/** Throughput and latency of a run. */
export interface LoadResult {
  messages: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU time of this whole process (user + system) per operation, in µs: less sensitive to other work on the machine than the timings. */
  cpuUsPerOp: number;
}

/**
 * Drives `concurrency` workers until `budget` operations are done; `op(worker, seq)` performs
 * one operation (its own latency is measured); `perWorker` caps each worker's share.
 * Returns throughput and latency percentiles.
 */
export async function drive(
  concurrency: number,
  budget: number,
  op: (worker: number, seq: number) => Promise<void>,
  opts: { perWorker?: number } = {},
): Promise<LoadResult> {
  const perWorker = opts.perWorker ?? Number.POSITIVE_INFINITY;
  const latencies: number[] = [];
  let issued = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await parallel(concurrency, async (w) => {
    for (let seq = 0; issued < budget && seq < perWorker; seq++) {
      issued += 1;
      const t0 = performance.now();
      await op(w, seq);
      latencies.push(performance.now() - t0);
    }
  });
  return loadResult(latencies, started, cpu);
}

/**
 * Throughput and percentiles of `latencies` (ms) measured since `started` (performance.now()),
 * and the process's CPU time per operation since `cpu` (a `process.cpuUsage()` taken at the start).
 */
export function loadResult(latencies: number[], started: number, cpu: NodeJS.CpuUsage): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    cpuUsPerOp: (used.user + used.system) / Math.max(1, latencies.length),
    messages: latencies.length,
    seconds,
    perSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Runs `fn` `runs` times and keeps the run with the median throughput. */
export async function medianRun<T extends { perSecond: number }>(
  runs: number,
  fn: () => Promise<T>,
): Promise<T & { runs: number[] }> {
  const results: T[] = [];
  for (let i = 0; i < runs; i++) results.push(await fn());
  const sorted = [...results].sort((a, b) => a.perSecond - b.perSecond);
  return {
    ...sorted[Math.floor((sorted.length - 1) / 2)]!,
    runs: results.map((r) => Math.round(r.perSecond)),
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
