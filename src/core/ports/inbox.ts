/** The durable inbox of inbound platform events. */
import type { JsonValue } from './json.ts';

export type InboxStatus = 'pending' | 'processed' | 'failed';

/** One inbound platform event as the inbox stores it (src/core/inbox/). */
export interface InboxEntry {
  id: string;
  platform: string;
  /** The platform's id of the delivery; a redelivery carries the same one. */
  eventId: string;
  /** The raw event (JSON text) while pending or failed; null once processed. */
  payload: string | null;
  status: InboxStatus;
  receivedAt: Date;
  /** While pending: when the row may be claimed (end of its lease or of its backoff). */
  nextAttemptAt: Date;
  /** The instance holding the lease; null when nobody does. */
  lockedBy: string | null;
  attempts: number;
  lastError: string | null;
  /** What processing answered when no request waited for it (a replayed web chat event). */
  result: JsonValue | null;
  processedAt: Date | null;
}

/** A lease request: who takes rows, from when, for how long. */
export interface InboxLease {
  workerId: string;
  now: Date;
  leaseMs: number;
}

/**
 * Storage of the durable inbox, safe with several instances on one database: rows are taken
 * with leases exactly like outbox rows, so one row is processed by one instance at a time.
 */
export interface InboxStore {
  /**
   * Stores an event, already leased to `workerId` (the receiver processes it at once), in one
   * statement. Returns the new row, or null when `(platform, eventId)` is already stored.
   */
  receive(
    input: InboxLease & { platform: string; eventId: string; payload: string },
  ): Promise<InboxEntry | null>;
  /** Leases up to `limit` pending rows of `platforms` that are due, oldest received first. */
  claim(opts: InboxLease & { limit: number; platforms: readonly string[] }): Promise<InboxEntry[]>;
  /**
   * Leases one pending row that nobody holds (never leased, lease expired, or waiting for a
   * retry) — or, with `force`, that another worker holds — for a client that resends it. A row
   * `workerId` itself holds is being processed right here: never taken. Otherwise returns the
   * row as it is (`claimed: false`), or null when it does not exist.
   */
  retake(
    opts: InboxLease & { platform: string; eventId: string; force?: boolean },
  ): Promise<{ claimed: boolean; entry: InboxEntry } | null>;
  /** Marks a pending row processed (whoever holds it: the work is done) and drops its payload. */
  markProcessed(id: string, now: Date, result?: JsonValue): Promise<void>;
  /**
   * Records a failure of `workerId`'s lease: pending again from `retryAt`, or `failed` for good
   * (processed at `now`) when retryAt is null. Ignored when the lease was lost.
   */
  markFailed(id: string, workerId: string, error: string, retryAt: Date | null, now: Date): Promise<void>;
  get(platform: string, eventId: string): Promise<InboxEntry | null>;
  /**
   * Deletes up to `limit` processed or failed rows processed before `before`, and up to `limit`
   * `ProcessedEvent` de-duplication rows recorded before it. Returns how many of each went.
   */
  prune(before: Date, limit: number): Promise<{ inbox: number; events: number }>;
}
