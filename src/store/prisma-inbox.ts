/**
 * The durable inbox over Prisma ({@link InboxStore}), in raw statements: `receive` is one
 * `INSERT … ON CONFLICT DO NOTHING RETURNING` on the path that answers the platform, and a claim
 * is one `UPDATE … RETURNING` whose subquery uses `FOR UPDATE SKIP LOCKED` on PostgreSQL, as the
 * outbox does, so several instances never lease one row together. Payloads and results are
 * JSON text in text columns: `JSON.stringify` escapes NUL and lone surrogates, which a jsonb
 * column would refuse. Receipts and "processed" marks that arrive together go out as one
 * statement each (batched-statement.ts): the web chat makes both for every request.
 */
import { empty, join, raw, sqltag as sql } from '@prisma/client/runtime/client';
import type { InboxEntry, InboxStatus, InboxStore, JsonValue } from '../core/ports/index.ts';
import { batched } from './batched-statement.ts';
import { newId } from './ids.ts';
import type { Client, Dialect } from './prisma-types.ts';
import { insertNewRows, updateFromValues } from './raw-statements.ts';

/** Errors are kept for operators; a stack trace of megabytes is not useful there. */
const MAX_ERROR_LENGTH = 2000;

interface Row {
  id: string;
  platform: string;
  eventId: string;
  payload: string | null;
  status: string;
  receivedAt: Date | string;
  nextAttemptAt: Date | string;
  lockedBy: string | null;
  attempts: number | bigint;
  lastError: string | null;
  result: string | null;
  processedAt: Date | string | null;
}

function toEntry(r: Row): InboxEntry {
  return {
    id: r.id,
    platform: r.platform,
    eventId: r.eventId,
    payload: r.payload,
    status: r.status as InboxStatus,
    receivedAt: new Date(r.receivedAt),
    nextAttemptAt: new Date(r.nextAttemptAt),
    lockedBy: r.lockedBy,
    attempts: Number(r.attempts),
    lastError: r.lastError,
    result: r.result === null ? null : (JSON.parse(r.result) as JsonValue),
    processedAt: r.processedAt === null ? null : new Date(r.processedAt),
  };
}

const byReceipt = (a: InboxEntry, b: InboxEntry) =>
  a.receivedAt.getTime() - b.receivedAt.getTime() || (a.id < b.id ? -1 : 1);

/** Receipts or marks in one statement, and such statements running at once. */
const BATCH = { max: 100, inFlight: 2 };

type NewRow = Omit<InboxEntry, 'lastError' | 'result' | 'processedAt'>;

export function createPrismaInbox(client: Client, dialect: Dialect): InboxStore {
  const skipLocked = dialect === 'postgres' ? raw('FOR UPDATE SKIP LOCKED') : empty;

  async function get(platform: string, eventId: string): Promise<InboxEntry | null> {
    const rows = await client.$queryRaw<Row[]>(
      sql`SELECT * FROM "InboxEvent" WHERE "platform" = ${platform} AND "eventId" = ${eventId}`,
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  /** Inserts the rows whose key is new; for each row, whether it was. */
  const insertNew = batched<NewRow, boolean>(async (rows) => {
    const inserted = await insertNewRows<{ id: string }>(client, dialect, 'InboxEvent', rows, ['id']);
    const ids = new Set(inserted.map((r) => r.id));
    return rows.map((r) => ids.has(r.id));
  }, BATCH);

  /** Marks rows processed (each with its time and kept result) where they are still pending. */
  const markProcessed = batched<{ id: string; now: Date; result: string | null }, void>(async (marks) => {
    const rows = marks.map((m) => ({
      id: m.id,
      values: { status: 'processed', processedAt: m.now, payload: null, lockedBy: null, result: m.result },
    }));
    const columns = ['status', 'processedAt', 'payload', 'lockedBy', 'result'];
    await updateFromValues(
      client,
      dialect,
      'InboxEvent',
      columns,
      rows,
      sql`"InboxEvent"."status" = 'pending'`,
    );
    return marks.map(() => undefined);
  }, BATCH);

  return {
    async receive({ platform, eventId, payload, workerId, now, leaseMs }) {
      const row: NewRow = {
        id: newId(),
        platform,
        eventId,
        payload,
        status: 'pending',
        receivedAt: now,
        nextAttemptAt: new Date(now.getTime() + leaseMs),
        lockedBy: workerId,
        attempts: 1,
      };
      if (!(await insertNew(row))) return null;
      return { ...row, lastError: null, result: null, processedAt: null };
    },

    async claim({ workerId, limit, now, leaseMs, platforms }) {
      if (limit <= 0 || platforms.length === 0) return [];
      const until = new Date(now.getTime() + leaseMs);
      const rows = await client.$queryRaw<Row[]>(
        sql`UPDATE "InboxEvent"
            SET "lockedBy" = ${workerId}, "nextAttemptAt" = ${until}, "attempts" = "attempts" + 1
            WHERE "id" IN (
              SELECT "id" FROM "InboxEvent"
              WHERE "status" = 'pending' AND "nextAttemptAt" <= ${now} AND "platform" IN (${join([...platforms])})
              ORDER BY "receivedAt", "id"
              LIMIT ${limit}
              ${skipLocked})
            RETURNING *`,
      );
      return rows.map(toEntry).sort(byReceipt);
    },

    async retake({ platform, eventId, workerId, now, leaseMs, force }) {
      const until = new Date(now.getTime() + leaseMs);
      const other = force ? sql`OR "lockedBy" <> ${workerId}` : empty;
      const free = sql`AND ("lockedBy" IS NULL OR "nextAttemptAt" <= ${now} ${other})`;
      const rows = await client.$queryRaw<Row[]>(
        sql`UPDATE "InboxEvent"
            SET "lockedBy" = ${workerId}, "nextAttemptAt" = ${until}, "attempts" = "attempts" + 1
            WHERE "platform" = ${platform} AND "eventId" = ${eventId} AND "status" = 'pending' ${free}
            RETURNING *`,
      );
      if (rows[0]) return { claimed: true, entry: toEntry(rows[0]) };
      const entry = await get(platform, eventId);
      return entry ? { claimed: false, entry } : null;
    },

    markProcessed: (id, now, result) =>
      markProcessed({ id, now, result: result === undefined ? null : JSON.stringify(result) }),

    async markFailed(id, workerId, error, retryAt, now) {
      const lastError = error.slice(0, MAX_ERROR_LENGTH);
      const set =
        retryAt === null
          ? sql`"status" = 'failed', "processedAt" = ${now}, "lockedBy" = NULL, "lastError" = ${lastError}`
          : sql`"nextAttemptAt" = ${retryAt}, "lockedBy" = NULL, "lastError" = ${lastError}`;
      await client.$executeRaw(
        sql`UPDATE "InboxEvent" SET ${set}
            WHERE "id" = ${id} AND "status" = 'pending' AND "lockedBy" = ${workerId}`,
      );
    },

    get,

    async prune(before, limit) {
      // Bounded deletes: a first prune after weeks of traffic must not hold SQLite's one
      // writer for seconds; the poll loop comes back at once while a batch was full.
      const inbox = await client.$executeRaw(
        sql`DELETE FROM "InboxEvent" WHERE "id" IN (
              SELECT "id" FROM "InboxEvent"
              WHERE "status" <> 'pending' AND "processedAt" < ${before}
              LIMIT ${limit})`,
      );
      const events = await client.$executeRaw(
        sql`DELETE FROM "ProcessedEvent" WHERE ("platform", "eventId") IN (
              SELECT "platform", "eventId" FROM "ProcessedEvent"
              WHERE "createdAt" < ${before}
              LIMIT ${limit})`,
      );
      return { inbox, events };
    },
  };
}
