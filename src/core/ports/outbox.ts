/** The transactional outbox, delivery side. */
import type { JsonValue } from './json.ts';

export type OutboxStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface OutboxItem {
  id: string;
  kind: string;
  idempotencyKey: string;
  leadId: string | null;
  payload: JsonValue;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  deliveredAt: Date | null;
  externalRef: string | null;
  lastError: string | null;
  createdAt: Date;
}

/** Outbox delivery side: safe with several dispatchers on one database. */
export interface OutboxQueue {
  /**
   * Atomically takes up to `limit` rows that are pending and due (or `sending` with an
   * expired lease), marks them `sending` leased to `workerId` until `now + leaseMs`.
   */
  claim(opts: {
    workerId: string;
    limit: number;
    now: Date;
    leaseMs: number;
    kinds?: string[];
  }): Promise<OutboxItem[]>;
  markDelivered(id: string, workerId: string, externalRef: string | null, now: Date): Promise<void>;
  /** Back to pending at `retryAt`, or `failed` for good when retryAt is null. */
  markFailed(id: string, workerId: string, error: string, retryAt: Date | null): Promise<void>;
  get(id: string): Promise<OutboxItem | null>;
  list(filter?: { status?: OutboxStatus; kind?: string }): Promise<OutboxItem[]>;
  /**
   * Calls `listener` after this process commits new rows, so a dispatcher here can deliver at
   * once instead of at its next poll (other processes still find them by polling). Optional.
   * Returns the unsubscribe function.
   */
  subscribe?(listener: () => void): () => void;
}
