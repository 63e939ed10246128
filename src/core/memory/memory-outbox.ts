/** {@link OutboxQueue} over in-memory tables, with the same lease rules as the SQL stores. */
import type { OutboxItem, OutboxQueue, OutboxStatus } from '../ports/index.ts';
import { copy, type MemoryTables, type OutboxRow } from './memory-state.ts';
import type { SerialQueue } from './serial.ts';

function publicItem(row: OutboxRow): OutboxItem {
  const { lockedBy: _by, lockedUntil: _until, ...item } = row;
  return copy(item);
}

export class MemoryOutbox implements OutboxQueue {
  constructor(
    private readonly tables: () => MemoryTables,
    private readonly serial: SerialQueue,
  ) {}

  claim(opts: { workerId: string; limit: number; now: Date; leaseMs: number; kinds?: string[] }) {
    return this.serial.run(async () => {
      const due = [...this.tables().outbox.values()]
        .filter(
          (row) =>
            (!opts.kinds || opts.kinds.includes(row.kind)) &&
            ((row.status === 'pending' && row.nextAttemptAt <= opts.now) ||
              (row.status === 'sending' && row.lockedUntil !== null && row.lockedUntil <= opts.now)),
        )
        .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || (a.id < b.id ? -1 : 1))
        .slice(0, opts.limit);
      for (const row of due) {
        row.status = 'sending';
        row.lockedBy = opts.workerId;
        row.lockedUntil = new Date(opts.now.getTime() + opts.leaseMs);
        row.attempts += 1;
      }
      return due.map(publicItem);
    });
  }

  markDelivered(id: string, workerId: string, externalRef: string | null, now: Date) {
    return this.serial.run(async () => {
      const row = this.leased(id, workerId);
      if (!row) return;
      Object.assign(row, {
        status: 'delivered',
        deliveredAt: now,
        externalRef,
        lockedBy: null,
        lockedUntil: null,
      });
    });
  }

  markFailed(id: string, workerId: string, error: string, retryAt: Date | null) {
    return this.serial.run(async () => {
      const row = this.leased(id, workerId);
      if (!row) return;
      Object.assign(row, {
        status: retryAt ? 'pending' : 'failed',
        nextAttemptAt: retryAt ?? row.nextAttemptAt,
        lastError: error,
        lockedBy: null,
        lockedUntil: null,
      });
    });
  }

  async get(id: string): Promise<OutboxItem | null> {
    const row = this.tables().outbox.get(id);
    return row ? publicItem(row) : null;
  }

  async list(filter: { status?: OutboxStatus; kind?: string } = {}): Promise<OutboxItem[]> {
    return [...this.tables().outbox.values()]
      .filter(
        (row) =>
          (!filter.status || row.status === filter.status) && (!filter.kind || row.kind === filter.kind),
      )
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))
      .map(publicItem);
  }

  /** The row if `workerId` still holds its lease; a stale worker's late answer is ignored. */
  private leased(id: string, workerId: string): OutboxRow | null {
    const row = this.tables().outbox.get(id);
    return row && row.status === 'sending' && row.lockedBy === workerId ? row : null;
  }
}
