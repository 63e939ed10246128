/**
 * The outbox dispatcher: delivers rows the core wrote in the same transaction as the change
 * they announce (kind `sales_alert` → an {@link AlertSink}). Platform-free: it sees only
 * ports. Safe with several dispatchers on one database, because rows are leased through
 * `store.outbox.claim`; "exactly once" on the platform side is the sink's job (it finds a
 * message it already posted by the idempotency key), so a crash between posting and
 * `markDelivered` only costs a lookup when the lease expires.
 */
import { createPollLoop } from '../poll-loop.ts';
import type {
  AlertPayload,
  AlertSink,
  Clock,
  JsonValue,
  Logger,
  OutboxItem,
  OutboxQueue,
} from '../ports/index.ts';
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { deliveryHints } from './delivery-error.ts';

/**
 * A sink for any other outbox kind (webhooks): it checks its own payload shape. Same
 * idempotency and error contract as {@link AlertSink}.
 */
export interface OutboxSink {
  readonly name: string;
  accepts(payload: unknown): boolean;
  deliver(payload: JsonValue, idempotencyKey: string): Promise<{ externalRef: string }>;
}

export interface OutboxDispatcherOptions {
  store: { outbox: OutboxQueue };
  /** One sink per outbox kind; rows of other kinds are left alone. */
  sinks: Record<string, AlertSink | OutboxSink>;
  clock: Clock;
  logger: Logger;
  /** Unique per process (lease owner), e.g. `${hostname}:${pid}`. */
  workerId: string;
  /** Pause between polls when the queue was empty. Default 1000 ms. */
  pollMs?: number;
  /** How long a claimed row stays ours; must exceed a delivery's worst-case duration. Default 60 s. */
  leaseMs?: number;
  /** Attempts before a row is marked failed for good. Default 10. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Rows claimed per round. Default 10. */
  batchSize?: number;
  /** Injectable for deterministic jitter in tests. */
  random?: () => number;
}

export interface DispatchResult {
  delivered: number;
  retried: number;
  failed: number;
}

export interface OutboxDispatcher {
  /** One claim-and-deliver round. */
  runOnce(): Promise<DispatchResult>;
  /** Polls in the background until {@link OutboxDispatcher.stop}. */
  start(): void;
  /** Stops polling and waits for the round in flight. */
  stop(): Promise<void>;
}

/** Shape check of a `sales_alert` payload: rows are JSON written by the core, but may be old. */
export function isAlertPayload(v: unknown): v is AlertPayload {
  if (typeof v !== 'object' || v === null) return false;
  const p = v as Record<string, unknown>;
  return (
    typeof p.leadId === 'string' &&
    typeof p.score === 'number' &&
    typeof p.stage === 'string' &&
    Array.isArray(p.answers) &&
    Array.isArray(p.breakdown) &&
    typeof p.source === 'object' &&
    p.source !== null
  );
}

const errorText = (err: unknown) =>
  (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);

/** Creates a dispatcher; nothing runs until `runOnce()` or `start()`. */
export function createOutboxDispatcher(opts: OutboxDispatcherOptions): OutboxDispatcher {
  const outbox = opts.store.outbox;
  const pollMs = opts.pollMs ?? 1000;
  const leaseMs = opts.leaseMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 10;
  const batchSize = opts.batchSize ?? 10;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const log = opts.logger.child({ component: 'outbox', workerId: opts.workerId });
  /** Per kind: the platform asked us to hold off until then (429). */
  const pausedUntil = new Map<string, number>();

  async function fail(item: OutboxItem, err: unknown, result: DispatchResult): Promise<void> {
    const now = opts.clock.now();
    const hints = deliveryHints(err);
    // `claim` counts the attempt it starts, so `attempts` includes this one.
    const attempt = Math.max(1, item.attempts);
    const ctx = { outboxId: item.id, kind: item.kind, attempt, error: errorText(err) };
    if (hints.permanent || attempt >= maxAttempts) {
      await outbox.markFailed(item.id, opts.workerId, errorText(err), null);
      result.failed++;
      log.error({ ...ctx, permanent: hints.permanent }, 'outbox delivery failed for good');
      return;
    }
    const delay = hints.retryAfterMs ?? backoffDelay(attempt, backoff, opts.random);
    if (hints.retryAfterMs !== undefined) pausedUntil.set(item.kind, now.getTime() + hints.retryAfterMs);
    await outbox.markFailed(item.id, opts.workerId, errorText(err), new Date(now.getTime() + delay));
    result.retried++;
    log.warn({ ...ctx, retryInMs: delay }, 'outbox delivery will be retried');
  }

  async function deliverOne(item: OutboxItem, result: DispatchResult): Promise<void> {
    const sink = opts.sinks[item.kind];
    const paused = pausedUntil.get(item.kind) ?? 0;
    if (paused > opts.clock.now().getTime()) {
      // Rate limited earlier in this batch: hand the row back untouched by the platform.
      await outbox.markFailed(item.id, opts.workerId, 'deferred: rate limited', new Date(paused));
      result.retried++;
      return;
    }
    const generic = sink && 'accepts' in sink ? sink : null;
    if (!sink || !(generic ? generic.accepts(item.payload) : isAlertPayload(item.payload))) {
      const why = sink ? `payload is not a ${item.kind} payload` : `no sink for kind ${item.kind}`;
      await fail(item, { message: why, permanent: true }, result);
      return;
    }
    let externalRef: string;
    try {
      ({ externalRef } = generic
        ? await generic.deliver(item.payload, item.idempotencyKey)
        : await (sink as AlertSink).deliver(item.payload as unknown as AlertPayload, item.idempotencyKey));
    } catch (err) {
      await fail(item, err, result);
      return;
    }
    try {
      await outbox.markDelivered(item.id, opts.workerId, externalRef, opts.clock.now());
      result.delivered++;
      log.info({ outboxId: item.id, kind: item.kind, externalRef, sink: sink.name }, 'outbox row delivered');
    } catch (err) {
      // Posted but not recorded: the lease expires, the row is claimed again and the sink
      // finds its own message by the idempotency key instead of posting twice.
      log.error(
        { outboxId: item.id, error: errorText(err) },
        'delivered but could not mark it; will reconcile',
      );
    }
  }

  async function runOnce(): Promise<DispatchResult> {
    const result: DispatchResult = { delivered: 0, retried: 0, failed: 0 };
    const nowMs = opts.clock.now().getTime();
    const kinds = Object.keys(opts.sinks).filter((k) => (pausedUntil.get(k) ?? 0) <= nowMs);
    if (kinds.length === 0) return result;
    const items = await outbox.claim({
      workerId: opts.workerId,
      limit: batchSize,
      now: opts.clock.now(),
      leaseMs,
      kinds,
    });
    // Sequential on purpose: platforms rate-limit posting per channel (Slack ~1/s).
    for (const item of items) await deliverOne(item, result);
    return result;
  }

  const loop = createPollLoop({
    round: async () => {
      const r = await runOnce();
      return r.delivered + r.retried + r.failed >= batchSize;
    },
    pollMs,
    logger: log,
    failure: 'outbox round failed',
  });
  // Rows committed by this process are delivered at once; the poll finds everyone else's.
  let unsubscribe: (() => void) | undefined;
  return {
    runOnce,
    start() {
      unsubscribe ??= outbox.subscribe?.(() => loop.wake());
      loop.start();
    },
    async stop() {
      unsubscribe?.();
      unsubscribe = undefined;
      await loop.stop();
    },
  };
}
