/**
 * Inserts that must tolerate duplicates inside a transaction. On PostgreSQL a unique violation
 * aborts the whole transaction, so "insert, catch P2002" would poison the engine's unit of work;
 * `INSERT … ON CONFLICT DO NOTHING` (which both SQLite and PostgreSQL understand) reports the
 * duplicate as 0 affected rows instead.
 */
import { empty, raw, sqltag as sql } from '@prisma/client/runtime/client';
import type { JsonValue } from '../core/ports.ts';
import type { Db, Dialect } from './prisma-types.ts';

type Insert =
  | ['event', { platform: string; eventId: string }]
  | ['flowVersion', { flowId: string; version: string; definition: JsonValue }]
  | [
      'outbox',
      { id: string; kind: string; idempotencyKey: string; leadId: string | null; payload: JsonValue },
    ];

/** Returns true when the row was inserted, false when a row with the same key existed. */
export async function insertIgnoringDuplicates(
  db: Db,
  dialect: Dialect,
  ...[table, row]: Insert
): Promise<boolean> {
  const now = new Date();
  if (table === 'event') {
    const n = await db.$executeRaw(
      sql`INSERT INTO "ProcessedEvent" ("platform", "eventId", "createdAt")
          VALUES (${row.platform}, ${row.eventId}, ${now}) ON CONFLICT DO NOTHING`,
    );
    return n > 0;
  }
  // Json columns: jsonb on PostgreSQL (a text parameter needs the cast), text on SQLite.
  const jsonCast = dialect === 'postgres' ? raw('::jsonb') : empty;
  if (table === 'flowVersion') {
    // Two instances starting the first conversation of a new flow version race here.
    const n = await db.$executeRaw(
      sql`INSERT INTO "FlowVersion" ("flowId", "version", "definition", "createdAt")
          VALUES (${row.flowId}, ${row.version}, ${JSON.stringify(row.definition)}${jsonCast}, ${now})
          ON CONFLICT DO NOTHING`,
    );
    return n > 0;
  }
  const n = await db.$executeRaw(
    sql`INSERT INTO "OutboxMessage" ("id", "kind", "idempotencyKey", "leadId", "payload", "nextAttemptAt", "createdAt")
        VALUES (${row.id}, ${row.kind}, ${row.idempotencyKey}, ${row.leadId}, ${JSON.stringify(row.payload)}${jsonCast},
                ${now}, ${now})
        ON CONFLICT ("idempotencyKey") DO NOTHING`,
  );
  return n > 0;
}
