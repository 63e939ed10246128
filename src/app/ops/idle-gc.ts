/**
 * Gives memory back once a burst is over. V8 shrinks a grown heap from its memory reducer, which
 * it arms only after a full garbage collection; a burst that fills the young generation and
 * promotes into the old one without reaching its limit never runs one, and the process keeps
 * the grown heap while it idles (measured: 1,000 web chat conversations at once left ~100 MB
 * of heap committed for ~40 MB used, for good). This does what the reducer would: when the
 * event loop was nearly idle for a whole interval and the heap holds much more than it uses,
 * one full collection that also releases memory; not again until the heap has grown again.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../../core/ports/index.ts';

/** V8's `gc()`: bare, a full collection; the options are read by V8 13 and later. */
type Gc = (options?: { type?: 'major'; execution?: 'sync'; flavor?: 'last-resort' }) => void;

export interface IdleGcOptions {
  /** How long the loop must be idle before collecting, and how often that is checked. */
  intervalMs?: number;
  /** Event loop utilization below which an interval counts as idle (0.05 = 5 % busy). */
  idleUtilization?: number;
  /** Committed heap beyond what is used, in bytes, worth a collection. */
  slackBytes?: number;
  logger?: Logger;
  /** For tests: the measurements and the collector. */
  probe?: {
    utilization(): number;
    heap(): { total: number; used: number };
    gc(): void;
  };
}

const MB = 2 ** 20;
const V8_MAJOR = Number(process.versions.v8.split('.')[0]);

/** V8's collector, exposed for this process without `--expose-gc` on the command line. */
export function exposeGc(): Gc {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as Gc;
  // Only the context made above gets it; later ones (a library's `vm` use) do not.
  setFlagsFromString('--no-expose-gc');
  return gc;
}

/** Real measurements: event loop utilization since the previous call, and V8's heap. */
function processProbe(): NonNullable<IdleGcOptions['probe']> {
  let last = performance.eventLoopUtilization();
  let gc: Gc | undefined;
  return {
    utilization() {
      const now = performance.eventLoopUtilization();
      const delta = performance.eventLoopUtilization(now, last);
      last = now;
      return delta.utilization;
    },
    heap() {
      const m = process.memoryUsage();
      return { total: m.heapTotal, used: m.heapUsed };
    },
    gc() {
      gc ??= exposeGc();
      // V8 13 (Node 24) takes options, and `last-resort` also shrinks the young generation (up
      // to 128 MB there). V8 11 (Node 20) reads the same object as a young-generation collection
      // only (seen with --trace-gc); called bare it runs a full one.
      if (V8_MAJOR >= 13) {
        gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
        return;
      }
      // What `last-resort` adds there: compacting every fragmented page, so whole pages free up.
      setFlagsFromString('--compact-on-every-full-gc');
      try {
        gc();
      } finally {
        setFlagsFromString('--no-compact-on-every-full-gc');
      }
    },
  };
}

/**
 * Checks every `intervalMs` (default 5 s) and collects when the process idled and the heap
 * has at least `slackBytes` (default 8 MB) committed beyond what it uses. Returns the stop.
 */
export function startIdleGc(opts: IdleGcOptions = {}): () => void {
  const probe = opts.probe ?? processProbe();
  const idle = opts.idleUtilization ?? 0.05;
  const slack = opts.slackBytes ?? 8 * MB;
  /** Committed heap right after the last collection: collect again only past it plus `slack`. */
  let floor = 0;
  probe.utilization();
  const timer = setInterval(() => {
    const busy = probe.utilization();
    const before = probe.heap();
    if (busy >= idle || before.total - before.used < slack || before.total < floor + slack) return;
    const started = performance.now();
    probe.gc();
    const after = probe.heap();
    floor = after.total;
    opts.logger?.debug(
      {
        ms: Math.round(performance.now() - started),
        heapMb: Math.round(before.total / MB),
        afterMb: Math.round(after.total / MB),
      },
      'idle: heap collected and released',
    );
  }, opts.intervalMs ?? 5000);
  timer.unref();
  return () => clearInterval(timer);
}
