/**
 * {@link InboxStore} in memory, with the same lease rules as the SQL stores. The memory store
 * shares its de-duplication table with it (so `prune` reaches `ProcessedEvent` rows); the
 * adapters use a standalone one when they are given no inbox (tests, `leadbot chat`).
 */
import type { InboxEntry, InboxStore, JsonValue } from '../ports/index.ts';
import { copy, newId } from './memory-state.ts';

/** Errors are kept for operators; a stack of megabytes is not useful there (as in the outbox). */
const MAX_ERROR_LENGTH = 2000;

export class MemoryInbox implements InboxStore {
  private readonly rows = new Map<string, InboxEntry>();
  private readonly byKey = new Map<string, string>();

  /** `events`: the store's de-duplication rows, pruned together with the inbox. */
  constructor(private readonly events: () => Map<string, Date> = () => new Map()) {}

  async receive(input: Parameters<InboxStore['receive']>[0]): Promise<InboxEntry | null> {
    const key = `${input.platform}\u0000${input.eventId}`;
    if (this.byKey.has(key)) return null;
    const row: InboxEntry = {
      id: newId(),
      platform: input.platform,
      eventId: input.eventId,
      payload: input.payload,
      status: 'pending',
      receivedAt: input.now,
      nextAttemptAt: new Date(input.now.getTime() + input.leaseMs),
      lockedBy: input.workerId,
      attempts: 1,
      lastError: null,
      result: null,
      processedAt: null,
    };
    this.rows.set(row.id, row);
    this.byKey.set(key, row.id);
    return copy(row);
  }

  async claim(opts: Parameters<InboxStore['claim']>[0]): Promise<InboxEntry[]> {
    if (opts.limit <= 0) return [];
    const due = [...this.rows.values()]
      .filter(
        (r) => r.status === 'pending' && opts.platforms.includes(r.platform) && r.nextAttemptAt <= opts.now,
      )
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1))
      .slice(0, opts.limit);
    for (const row of due) this.lease(row, opts);
    return due.map(copy);
  }

  async retake(opts: Parameters<InboxStore['retake']>[0]) {
    const row = this.find(opts.platform, opts.eventId);
    if (!row) return null;
    const free =
      row.status === 'pending' &&
      (row.lockedBy === null ||
        row.nextAttemptAt <= opts.now ||
        (opts.force === true && row.lockedBy !== opts.workerId));
    if (free) this.lease(row, opts);
    return { claimed: free, entry: copy(row) };
  }

  async markProcessed(id: string, now: Date, result?: JsonValue): Promise<void> {
    const row = this.rows.get(id);
    if (row?.status !== 'pending') return;
    Object.assign(row, {
      status: 'processed',
      processedAt: now,
      payload: null,
      lockedBy: null,
      result: result === undefined ? null : copy(result),
    });
  }

  async markFailed(id: string, workerId: string, error: string, retryAt: Date | null, now: Date) {
    const row = this.rows.get(id);
    if (row?.status !== 'pending' || row.lockedBy !== workerId) return;
    const lastError = error.slice(0, MAX_ERROR_LENGTH);
    if (retryAt) Object.assign(row, { nextAttemptAt: retryAt, lockedBy: null, lastError });
    else Object.assign(row, { status: 'failed', processedAt: now, lockedBy: null, lastError });
  }

  async get(platform: string, eventId: string): Promise<InboxEntry | null> {
    const row = this.find(platform, eventId);
    return row ? copy(row) : null;
  }

  async prune(before: Date, limit: number): Promise<{ inbox: number; events: number }> {
    let inbox = 0;
    for (const row of [...this.rows.values()]) {
      if (inbox >= limit) break;
      if (row.status === 'pending' || !row.processedAt || row.processedAt >= before) continue;
      this.rows.delete(row.id);
      this.byKey.delete(`${row.platform}\u0000${row.eventId}`);
      inbox += 1;
    }
    let events = 0;
    const table = this.events();
    for (const [key, at] of [...table]) {
      if (events >= limit) break;
      if (at >= before) continue;
      table.delete(key);
      events += 1;
    }
    return { inbox, events };
  }

  private find(platform: string, eventId: string): InboxEntry | undefined {
    const id = this.byKey.get(`${platform}\u0000${eventId}`);
    return id === undefined ? undefined : this.rows.get(id);
  }

  private lease(row: InboxEntry, opts: { workerId: string; now: Date; leaseMs: number }): void {
    row.lockedBy = opts.workerId;
    row.nextAttemptAt = new Date(opts.now.getTime() + opts.leaseMs);
    row.attempts += 1;
  }
}

/** A standalone in-memory inbox (no crash survives it). */
export function createMemoryInboxStore(): InboxStore {
  return new MemoryInbox();
}
