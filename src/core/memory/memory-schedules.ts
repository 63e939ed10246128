/**
 * In-memory {@link ScheduleStore} and {@link VerdictLog}: the reference implementations, with
 * the same lease rules as the Prisma ones (src/store/prisma-schedules.ts). Used by fast tests
 * and the terminal chat.
 */
import type { RepVerdict, ScheduledMessage, ScheduleStore, VerdictLog } from '../ports/index.ts';
import { copy, type Journal, newId } from './memory-state.ts';
import { SerialQueue } from './serial.ts';

interface Row extends ScheduledMessage {
  lockedBy: string | null;
  lockedUntil: Date | null;
}

const publicRow = ({ lockedBy: _b, lockedUntil: _u, ...row }: Row): ScheduledMessage => copy(row);

export function createMemoryScheduleStore(clock: { now(): Date } = { now: () => new Date() }): ScheduleStore {
  const rows = new Map<string, Row>();
  const serial = new SerialQueue();
  const leased = (id: string, workerId: string) => {
    const row = rows.get(id);
    return row && row.status === 'sending' && row.lockedBy === workerId ? row : null;
  };
  return {
    plan: (input) =>
      serial.run(async () => {
        if ([...rows.values()].some((r) => r.key === input.key)) return false;
        const id = newId();
        rows.set(id, {
          id,
          ...input,
          conversationId: input.conversationId ?? null,
          basis: input.basis ?? null,
          channel: input.channel ?? 'chat',
          sentVia: null,
          status: 'pending',
          attempts: 0,
          outcome: null,
          doneAt: null,
          createdAt: clock.now(),
          lockedBy: null,
          lockedUntil: null,
        });
        return true;
      }),
    claim: (opts) =>
      serial.run(async () => {
        const due = [...rows.values()]
          .filter(
            (r) =>
              (r.status === 'pending' && r.dueAt <= opts.now) ||
              (r.status === 'sending' && r.lockedUntil !== null && r.lockedUntil <= opts.now),
          )
          .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, opts.limit);
        for (const r of due) {
          r.status = 'sending';
          r.lockedBy = opts.workerId;
          r.lockedUntil = new Date(opts.now.getTime() + opts.leaseMs);
          r.attempts += 1;
        }
        return due.map(publicRow);
      }),
    finish: (id, workerId, status, outcome, now, sentVia) =>
      serial.run(async () => {
        const r = leased(id, workerId);
        if (r)
          Object.assign(r, {
            status,
            outcome,
            doneAt: now,
            lockedBy: null,
            lockedUntil: null,
            sentVia: sentVia ?? null,
          });
      }),
    note: (id, workerId, note) =>
      serial.run(async () => {
        const r = leased(id, workerId);
        if (r) r.outcome = note;
      }),
    postpone: (id, workerId, dueAt, outcome, basis) =>
      serial.run(async () => {
        const r = leased(id, workerId);
        if (!r) return;
        Object.assign(r, { status: 'pending', dueAt, outcome, lockedBy: null, lockedUntil: null });
        if (basis) r.basis = basis;
      }),
    cancelPending: (leadId, reason, now, kinds, channels) =>
      serial.run(async () => {
        let n = 0;
        for (const r of rows.values()) {
          if (r.leadId !== leadId || r.status !== 'pending' || (kinds && !kinds.includes(r.kind))) continue;
          if (channels && !channels.includes(r.channel)) continue;
          Object.assign(r, { status: 'cancelled', outcome: reason, doneAt: now });
          n++;
        }
        return n;
      }),
    async listForLead(leadId) {
      return [...rows.values()]
        .filter((r) => r.leadId === leadId)
        .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime() || (a.id < b.id ? -1 : 1))
        .map(publicRow);
    },
  };
}

/**
 * A verdict log over `rows`. With a `journal` (the memory store's transaction), a recorded
 * verdict is taken back when the transaction rolls back, like the rest of its writes.
 */
export function createMemoryVerdictLog(
  clock: { now(): Date } = { now: () => new Date() },
  journal?: Journal,
  rows: RepVerdict[] = [],
): VerdictLog {
  return {
    async record(input) {
      const row: RepVerdict = { ...input, id: newId(), createdAt: input.createdAt ?? clock.now() };
      rows.push(row);
      journal?.record(() => {
        const at = rows.indexOf(row);
        if (at >= 0) rows.splice(at, 1);
      });
      return copy(row);
    },
    async list() {
      return rows.map(copy).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
    async listForLead(leadId) {
      return rows
        .filter((r) => r.leadId === leadId)
        .map(copy)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },
  };
}
