/**
 * The delivery side of the transactional outbox over Prisma, safe with several dispatchers on
 * one database: a claim is one UPDATE … RETURNING statement. On PostgreSQL its subquery uses
 * `FOR UPDATE SKIP LOCKED`, so concurrent claimers skip each other's rows instead of waiting;
 * SQLite has a single writer, so the statement is atomic by itself.
 */
import { empty, join, raw, sqltag as sql } from '@prisma/client/runtime/client';
import type { OutboxQueue } from '../core/ports/index.ts';
import { toOutboxItem } from './mappers.ts';
import type { Client, Dialect } from './prisma-types.ts';

/** Errors are stored for operators; a stack trace of megabytes is not useful there. */
const MAX_ERROR_LENGTH = 2000;

export function createPrismaOutbox(client: Client, dialect: Dialect): OutboxQueue {
  /**
   * Ends a lease. A worker whose lease was taken over changes nothing: its late answer is
   * ignored (the new holder decides), as in the in-memory store.
   */
  async function finish(
    id: string,
    workerId: string,
    data: Parameters<Client['outboxMessage']['updateMany']>[0]['data'],
  ) {
    await client.outboxMessage.updateMany({
      where: { id, status: 'sending', lockedBy: workerId },
      data: { ...data, lockedBy: null, lockedUntil: null },
    });
  }

  return {
    async claim({ workerId, limit, now, leaseMs, kinds }) {
      if (limit <= 0 || kinds?.length === 0) return [];
      const until = new Date(now.getTime() + leaseMs);
      const kindFilter = kinds ? sql`AND "kind" IN (${join(kinds)})` : empty;
      const skipLocked = dialect === 'postgres' ? raw('FOR UPDATE SKIP LOCKED') : empty;
      const claimed = await client.$queryRaw<{ id: string }[]>(
        sql`UPDATE "OutboxMessage"
            SET "status" = 'sending', "lockedBy" = ${workerId}, "lockedUntil" = ${until}, "attempts" = "attempts" + 1
            WHERE "id" IN (
              SELECT "id" FROM "OutboxMessage"
              WHERE (("status" = 'pending' AND "nextAttemptAt" <= ${now})
                  OR ("status" = 'sending' AND "lockedUntil" <= ${now}))
              ${kindFilter}
              ORDER BY "nextAttemptAt", "id"
              LIMIT ${limit}
              ${skipLocked})
            RETURNING "id"`,
      );
      if (claimed.length === 0) return [];
      const rows = await client.outboxMessage.findMany({
        where: { id: { in: claimed.map((r) => r.id) } },
        orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toOutboxItem);
    },

    async markDelivered(id, workerId, externalRef, now) {
      await finish(id, workerId, { status: 'delivered', deliveredAt: now, externalRef });
    },

    async markFailed(id, workerId, error, retryAt) {
      const lastError = error.slice(0, MAX_ERROR_LENGTH);
      await finish(
        id,
        workerId,
        retryAt === null
          ? { status: 'failed', lastError }
          : { status: 'pending', nextAttemptAt: retryAt, lastError },
      );
    },

    async get(id) {
      const row = await client.outboxMessage.findUnique({ where: { id } });
      return row ? toOutboxItem(row) : null;
    },

    async list(filter = {}) {
      const rows = await client.outboxMessage.findMany({
        where: {
          ...(filter.status ? { status: filter.status } : {}),
          ...(filter.kind ? { kind: filter.kind } : {}),
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toOutboxItem);
    },
  };
}
