/**
 * {@link ScheduleStore} and {@link VerdictLog} over Prisma. A claim is one UPDATE … RETURNING
 * (with `FOR UPDATE SKIP LOCKED` on PostgreSQL), exactly like the outbox, so several runners
 * on one database each fire a row once.
 */
import { empty, raw, sqltag as sql } from '@prisma/client/runtime/client';
import type {
  RepVerdict,
  ScheduleChannel,
  ScheduledMessage,
  ScheduleKind,
  ScheduleStatus,
  ScheduleStore,
  SentVia,
  Verdict,
  VerdictLog,
} from '../core/ports/index.ts';
import type * as Rows from './generated/sqlite/client.ts';
import { newId } from './ids.ts';
import type { Client, Db, Dialect } from './prisma-types.ts';

function toScheduled(r: Rows.ScheduledMessage): ScheduledMessage {
  return {
    id: r.id,
    key: r.key,
    leadId: r.leadId,
    kind: r.kind as ScheduleKind,
    conversationId: r.conversationId,
    platform: r.platform,
    workspaceId: r.workspaceId,
    channelId: r.channelId,
    sequence: r.sequence,
    dueAt: r.dueAt,
    status: r.status as ScheduleStatus,
    attempts: r.attempts,
    basis: r.basis,
    outcome: r.outcome,
    doneAt: r.doneAt,
    createdAt: r.createdAt,
    channel: r.channel as ScheduleChannel,
    sentVia: r.sentVia as SentVia | null,
  };
}

const isUniqueViolation = (err: unknown) => (err as { code?: string })?.code === 'P2002';

export function createPrismaScheduleStore(client: Client, dialect: Dialect): ScheduleStore {
  const leased = (id: string, workerId: string) => ({ id, status: 'sending', lockedBy: workerId });
  return {
    async plan(input) {
      try {
        await client.scheduledMessage.create({
          data: {
            id: newId(),
            ...input,
            conversationId: input.conversationId ?? null,
            basis: input.basis ?? null,
          },
        });
        return true;
      } catch (err) {
        if (isUniqueViolation(err)) return false;
        throw err;
      }
    },
    async claim({ workerId, limit, now, leaseMs }) {
      if (limit <= 0) return [];
      const until = new Date(now.getTime() + leaseMs);
      const skipLocked = dialect === 'postgres' ? raw('FOR UPDATE SKIP LOCKED') : empty;
      const claimed = await client.$queryRaw<{ id: string }[]>(
        sql`UPDATE "ScheduledMessage"
            SET "status" = 'sending', "lockedBy" = ${workerId}, "lockedUntil" = ${until}, "attempts" = "attempts" + 1
            WHERE "id" IN (
              SELECT "id" FROM "ScheduledMessage"
              WHERE ("status" = 'pending' AND "dueAt" <= ${now})
                 OR ("status" = 'sending' AND "lockedUntil" <= ${now})
              ORDER BY "dueAt", "id"
              LIMIT ${limit}
              ${skipLocked})
            RETURNING "id"`,
      );
      if (claimed.length === 0) return [];
      const rows = await client.scheduledMessage.findMany({
        where: { id: { in: claimed.map((r) => r.id) } },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toScheduled);
    },
    async finish(id, workerId, status, outcome, now, sentVia) {
      await client.scheduledMessage.updateMany({
        where: leased(id, workerId),
        data: { status, outcome, doneAt: now, lockedBy: null, lockedUntil: null, sentVia: sentVia ?? null },
      });
    },
    async note(id, workerId, note) {
      await client.scheduledMessage.updateMany({ where: leased(id, workerId), data: { outcome: note } });
    },
    async postpone(id, workerId, dueAt, outcome, basis) {
      await client.scheduledMessage.updateMany({
        where: leased(id, workerId),
        data: {
          status: 'pending',
          dueAt,
          outcome,
          lockedBy: null,
          lockedUntil: null,
          ...(basis ? { basis } : {}),
        },
      });
    },
    async cancelPending(leadId, reason, now, kinds, channels) {
      const { count } = await client.scheduledMessage.updateMany({
        where: {
          leadId,
          status: 'pending',
          ...(kinds ? { kind: { in: kinds } } : {}),
          ...(channels ? { channel: { in: channels } } : {}),
        },
        data: { status: 'cancelled', outcome: reason, doneAt: now },
      });
      return count;
    },
    async listForLead(leadId) {
      const rows = await client.scheduledMessage.findMany({
        where: { leadId },
        orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toScheduled);
    },
  };
}

export function createPrismaVerdictLog(client: Db): VerdictLog {
  const toVerdict = (r: Rows.RepVerdict): RepVerdict => ({ ...r, verdict: r.verdict as Verdict });
  return {
    async record(input) {
      const row = await client.repVerdict.create({
        data: { id: newId(), ...input, ...(input.createdAt ? { createdAt: input.createdAt } : {}) },
      });
      return toVerdict(row);
    },
    async list() {
      const rows = await client.repVerdict.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
      return rows.map(toVerdict);
    },
    async listForLead(leadId) {
      const rows = await client.repVerdict.findMany({
        where: { leadId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toVerdict);
    },
  };
}
