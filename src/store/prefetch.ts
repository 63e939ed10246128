/**
 * What a group transaction loads up front for all its events, in three statements instead of
 * three per event: the events' de-duplication rows (one multi-row `INSERT … ON CONFLICT DO
 * NOTHING RETURNING`), the leads behind their accounts, and those leads' score contributions.
 * The repo (prisma-lead-repo.ts) then answers `markEventProcessed`, `findLeadByIdentity` and
 * contribution reads from here, and keeps these rows current as the transaction writes.
 */

import type { Platform } from '../core/events.ts';
import { identityKeyString } from '../core/outreach/persons.ts';
import type { Lead, PrefetchRequest, ScoreContribution } from '../core/ports.ts';
import { type Row, toContribution, toLead } from './mappers.ts';
import type { Db } from './prisma-types.ts';
import { join, sql } from './raw-statements.ts';

export interface Prefetched {
  /** `platform\0eventId` → whether this transaction recorded it first (consumed on use). */
  events: Map<string, boolean>;
  /** Identity key string → the id of its lead (null: no lead has this account). */
  leads: Map<string, string | null>;
  /** Lead id → the lead as this transaction last saw or wrote it. */
  known: Map<string, Lead>;
  /** Lead id → its stored contributions, oldest first (pending ones live in the write buffer). */
  contributions: Map<string, ScoreContribution[]>;
}

export const createPrefetched = (): Prefetched => ({
  events: new Map(),
  leads: new Map(),
  known: new Map(),
  contributions: new Map(),
});

export const eventKey = (platform: string, eventId: string) => `${platform}\0${eventId}`;

export async function prefetch(db: Db, into: Prefetched, request: PrefetchRequest): Promise<void> {
  const events = dedupe(request.events ?? [], (e) => eventKey(e.platform, e.eventId)).filter(
    (e) => !into.events.has(eventKey(e.platform, e.eventId)),
  );
  if (events.length > 0) {
    const now = new Date();
    const inserted = await db.$queryRaw<{ platform: string; eventId: string }[]>(
      sql`INSERT INTO "ProcessedEvent" ("platform", "eventId", "createdAt")
          VALUES ${join(
            events.map((e) => sql`(${e.platform}, ${e.eventId}, ${now})`),
            ', ',
          )}
          ON CONFLICT DO NOTHING RETURNING "platform", "eventId"`,
    );
    for (const e of events) into.events.set(eventKey(e.platform, e.eventId), false);
    for (const e of inserted) into.events.set(eventKey(e.platform, e.eventId), true);
  }

  const keys = dedupe(request.identities ?? [], identityKeyString).filter(
    (k) => !into.leads.has(identityKeyString(k)),
  );
  if (keys.length === 0) return;
  const rows = await db.$queryRaw<(Row<'Lead'> & { _platform: string; _workspace: string; _user: string })[]>(
    sql`SELECT "Lead".*, "Identity"."platform" AS "_platform", "Identity"."workspaceId" AS "_workspace",
               "Identity"."userId" AS "_user"
        FROM "Lead" JOIN "Identity" ON "Identity"."leadId" = "Lead"."id"
        WHERE ${join(
          keys.map(
            (k) =>
              sql`("Identity"."platform" = ${k.platform} AND "Identity"."workspaceId" = ${k.workspaceId} AND "Identity"."userId" = ${k.userId})`,
          ),
          ' OR ',
        )}`,
  );
  for (const k of keys) into.leads.set(identityKeyString(k), null);
  for (const r of rows) {
    const key = identityKeyString({
      platform: r._platform as Platform,
      workspaceId: r._workspace,
      userId: r._user,
    });
    into.leads.set(key, r.id);
    into.known.set(r.id, toLead(r));
  }

  const leadIds = [...new Set(rows.map((r) => r.id))].filter((id) => !into.contributions.has(id));
  if (leadIds.length === 0) return;
  const contributions = await db.$queryRaw<Row<'ScoreContribution'>[]>(
    sql`SELECT * FROM "ScoreContribution" WHERE "leadId" IN (${join(leadIds, ', ')})
        ORDER BY "createdAt" ASC, "id" ASC`,
  );
  for (const id of leadIds) into.contributions.set(id, []);
  for (const c of contributions) into.contributions.get(c.leadId)?.push(toContribution(c));
}

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
