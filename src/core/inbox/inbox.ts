/**
 * The durable inbox: nothing a platform was told "received" is lost. An adapter stores the raw
 * event ({@link Inbox.receive}, one insert, leased to this instance) before it answers the
 * platform's request, then processes it ({@link Inbox.run}). If the process dies in between,
 * or processing fails, the row stays pending: the poll loop of any instance claims it once its
 * lease (or its retry backoff) ran out and processes it with the processor its adapter
 * registered. Processing may therefore run twice for one event (a lease outlived by slow work,
 * a crash after the work but before the row was marked); it is idempotent because the engine
 * records `(platform, eventId)` in the transaction of the event's effects.
 *
 * The same loop prunes processed inbox rows and `ProcessedEvent` rows older than the retention
 * window, which must exceed every platform's redelivery period.
 */
import { type BackoffPolicy, backoffDelay, DEFAULT_BACKOFF } from '../outbox/backoff.ts';
import { createPollLoop } from '../poll-loop.ts';
import type { Clock, InboxEntry, InboxStore, JsonValue, Logger } from '../ports/index.ts';

/** Processes one stored event (its JSON text); what it returns is kept for a replayed event. */
export type InboxProcessor = (payload: string) => Promise<JsonValue | undefined>;

/** What a resent request finds (see {@link Inbox.retake}). */
export type Retake =
  | { kind: 'claimed'; entry: InboxEntry }
  | { kind: 'busy' }
  | { kind: 'processed'; result: JsonValue | null }
  | { kind: 'failed' }
  | { kind: 'missing' };

export interface InboxOptions {
  store: InboxStore;
  clock: Clock;
  logger: Logger;
  /** Unique per process (lease owner), e.g. `${hostname}:${pid}`. */
  workerId: string;
  /** How long a received or claimed row stays this instance's. Default 30 s. */
  leaseMs?: number;
  /** Processed rows and de-duplication rows older than this are deleted. Default 7 days. */
  retentionMs?: number;
  /** Pause between polls when nothing was due. Default 1 s. */
  pollMs?: number;
  /** Pause between prunes. Default 1 min. */
  pruneEveryMs?: number;
  /** Attempts before a row is marked failed for good. Default 10. */
  maxAttempts?: number;
  backoff?: BackoffPolicy;
  /** Test hook (`INBOX_TEST_DELAY_MS`): wait this long before processing a received event. */
  delayMs?: number;
  random?: () => number;
}

export interface InboxRound {
  processed: number;
  retried: number;
  failed: number;
  pruned: { inbox: number; events: number };
}

export interface Inbox {
  /** Registers how `platform`'s stored events are processed (its adapter, once started). */
  handle(platform: string, processor: InboxProcessor): void;
  /** Stores an event before it is acknowledged; null when it was stored before (a redelivery). */
  receive(platform: string, eventId: string, payload: string): Promise<InboxEntry | null>;
  /**
   * Processes a row this instance holds — with `work`, or the platform's processor — and marks
   * it processed, or failed for a retry (then rethrows). `keepResult` stores what it returned.
   * When the lease ran out before the work began and another instance took the row, nothing is
   * done: resolves to the result that instance kept (if it finished), else undefined.
   */
  run(
    entry: InboxEntry,
    opts?: { work?: () => Promise<JsonValue | undefined>; keepResult?: boolean },
  ): Promise<JsonValue | undefined>;
  /**
   * For a client that resends an event it got no answer for: take the row over if nobody holds
   * it — or, with `force`, if another instance does, whose request may be dead (processing is
   * idempotent). Work in flight on this instance is waited for (`busy`).
   */
  retake(platform: string, eventId: string, opts?: { force?: boolean }): Promise<Retake>;
  /** One round of the loop: claim and process due rows, prune when due. */
  runOnce(): Promise<InboxRound>;
  /** Processes due rows at once (the start-up replay), then polls until {@link Inbox.stop}. */
  start(): void;
  /** Stops polling and waits for every event being processed. */
  stop(): Promise<void>;
  /** Resolves when no event is being processed. */
  idle(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60_000;
const BATCH = 20;
const PRUNE_BATCH = 1000;

const errorText = (err: unknown) =>
  (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 500);

/** Creates the inbox; nothing polls until `start()`. */
export function createInbox(opts: InboxOptions): Inbox {
  const { store, clock, logger, workerId } = opts;
  const log = logger.child({ component: 'inbox' });
  const leaseMs = opts.leaseMs ?? 30_000;
  const retentionMs = opts.retentionMs ?? 7 * DAY_MS;
  const pruneEveryMs = opts.pruneEveryMs ?? 60_000;
  const maxAttempts = opts.maxAttempts ?? 10;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const processors = new Map<string, InboxProcessor>();
  const inflight = new Set<Promise<unknown>>();
  let lastPrune = Number.NEGATIVE_INFINITY;

  function track<T>(p: Promise<T>): Promise<T> {
    const settled = p.then(
      () => undefined,
      () => undefined,
    );
    inflight.add(settled);
    void settled.then(() => inflight.delete(settled));
    return p;
  }

  async function recordFailure(entry: InboxEntry, err: unknown): Promise<void> {
    const now = clock.now();
    const final = entry.attempts >= maxAttempts;
    const retryAt = final
      ? null
      : new Date(now.getTime() + backoffDelay(entry.attempts, backoff, opts.random));
    const fields = {
      platform: entry.platform,
      eventId: entry.eventId,
      attempts: entry.attempts,
      error: errorText(err),
    };
    if (final) log.error(fields, 'inbound event failed for good; it stays in the inbox as failed');
    else log.warn({ ...fields, retryAt }, 'inbound event failed; it will be retried');
    try {
      await store.markFailed(entry.id, workerId, errorText(err), retryAt, now);
    } catch (markErr) {
      // The row stays leased; it comes back when the lease runs out.
      log.error({ eventId: entry.eventId, error: errorText(markErr) }, 'could not record the failure');
    }
  }

  async function processEntry(
    entry: InboxEntry,
    work: (() => Promise<JsonValue | undefined>) | undefined,
    keepResult: boolean,
  ): Promise<JsonValue | undefined> {
    const processor = processors.get(entry.platform);
    const payload = entry.payload;
    const task =
      work ??
      (processor && payload !== null
        ? () => processor(payload)
        : () => Promise.reject(new Error(`no processor for ${entry.platform} events`)));
    let result: JsonValue | undefined;
    try {
      result = await task();
    } catch (err) {
      await recordFailure(entry, err);
      throw err;
    }
    await store.markProcessed(entry.id, clock.now(), keepResult ? (result ?? null) : undefined);
    return result;
  }

  async function prune(): Promise<{ inbox: number; events: number; full: boolean }> {
    const now = clock.now();
    lastPrune = now.getTime();
    const pruned = await store.prune(new Date(now.getTime() - retentionMs), PRUNE_BATCH);
    if (pruned.inbox + pruned.events > 0) log.info(pruned, 'old inbox and de-duplication rows pruned');
    const full = pruned.inbox >= PRUNE_BATCH || pruned.events >= PRUNE_BATCH;
    if (full) lastPrune = Number.NEGATIVE_INFINITY; // more to delete: next round, not in a minute
    return { ...pruned, full };
  }

  /** One round; `busy` when a batch came back full (more is probably waiting). */
  async function runRound(): Promise<{ round: InboxRound; busy: boolean }> {
    const round: InboxRound = { processed: 0, retried: 0, failed: 0, pruned: { inbox: 0, events: 0 } };
    const platforms = [...processors.keys()];
    const rows = platforms.length
      ? await store.claim({ workerId, limit: BATCH, now: clock.now(), leaseMs, platforms })
      : [];
    // One after another, oldest first: a person's replayed events keep their order.
    for (const row of rows) {
      log.info(
        { platform: row.platform, eventId: row.eventId, attempt: row.attempts },
        'processing a stored inbound event',
      );
      try {
        await track(processEntry(row, undefined, true));
        round.processed += 1;
      } catch {
        if (row.attempts >= maxAttempts) round.failed += 1;
        else round.retried += 1;
      }
    }
    let full = false;
    if (clock.now().getTime() - lastPrune >= pruneEveryMs) {
      const pruned = await prune();
      round.pruned = { inbox: pruned.inbox, events: pruned.events };
      full = pruned.full;
    }
    return { round, busy: rows.length === BATCH || full };
  }

  const loop = createPollLoop({
    round: async () => (await runRound()).busy,
    pollMs: opts.pollMs ?? 1000,
    logger: log,
    failure: 'inbox round failed',
  });

  return {
    handle(platform, processor) {
      processors.set(platform, processor);
    },
    receive(platform, eventId, payload) {
      return store.receive({ platform, eventId, payload, workerId, now: clock.now(), leaseMs });
    },
    run(entry, o = {}) {
      return track(
        (async () => {
          if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
          let held = entry;
          if (clock.now() >= entry.nextAttemptAt) {
            // The lease ran out before the work began (a stalled process, the test delay): the
            // poll loop of any instance may have taken the row. Take it back, or leave it.
            const again = await store.retake({
              platform: entry.platform,
              eventId: entry.eventId,
              workerId,
              now: clock.now(),
              leaseMs,
            });
            if (!again?.claimed)
              return again?.entry.status === 'processed' ? (again.entry.result ?? undefined) : undefined;
            held = again.entry;
          }
          return processEntry(held, o.work, o.keepResult ?? false);
        })(),
      );
    },
    async retake(platform, eventId, o = {}) {
      const now = clock.now();
      const found = await store.retake({
        platform,
        eventId,
        workerId,
        now,
        leaseMs,
        force: o.force ?? false,
      });
      if (!found) return { kind: 'missing' };
      if (found.claimed) return { kind: 'claimed', entry: found.entry };
      if (found.entry.status === 'processed') return { kind: 'processed', result: found.entry.result };
      if (found.entry.status === 'failed') return { kind: 'failed' };
      return { kind: 'busy' };
    },
    runOnce: async () => (await runRound()).round,
    start: () => loop.start(),
    async stop() {
      await loop.stop();
      await this.idle();
    },
    async idle() {
      while (inflight.size > 0) await Promise.all([...inflight]);
    },
  };
}
