/**
 * What a group transaction (group-commit.ts) loads up front for all its units of work, from
 * their hints (`LeadStore.unitOfWork`), in five statements instead of five per unit: the
 * events' de-duplication rows (one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`), the
 * leads behind the persons' accounts, those leads' score contributions, their open
 * conversations and those conversations' answers. The per-transaction view (prisma-tx-view.ts)
 * then answers `markEventProcessed`, `findLeadByIdentity`, `findOpenConversation`,
 * `listAnswers` and contribution reads from here, and keeps these rows current as the
 * transaction writes. Everything is read inside the transaction, so nothing is stale: no cache
 * to invalidate when another instance handles the same person.
 */

import { identityKeyString } from '../core/outreach/persons.ts';
import type { Answer, Conversation, IdentityKey, Lead, ScoreContribution } from '../core/ports/index.ts';
import { type Row, toAnswer, toContribution, toConversation, toLead } from './mappers.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertNewRows, join, raw, sql } from './raw-statements.ts';

export interface Prefetched {
  /** `platform\0eventId` → whether this transaction recorded it first (consumed on use). */
  events: Map<string, boolean>;
  /** Identity key string → the id of its lead (null: no lead has this account). */
  leads: Map<string, string | null>;
  /** Lead id → the lead as this transaction last saw or wrote it. */
  known: Map<string, Lead>;
  /** Lead id → its stored contributions, oldest first (pending ones live in the write buffer). */
  contributions: Map<string, ScoreContribution[]>;
  /** Lead id → its newest open conversation as this transaction has it (null: none). */
  open: Map<string, Conversation | null>;
  /** Conversation id → its stored answers, oldest first (pending ones live in the write buffer). */
  answers: Map<string, Answer[]>;
}

export const createPrefetched = (): Prefetched => ({
  events: new Map(),
  leads: new Map(),
  known: new Map(),
  contributions: new Map(),
  open: new Map(),
  answers: new Map(),
});

/** What to load: events to record, and accounts whose lead (and what hangs off it) to read. */
export interface PrefetchRequest {
  events?: { platform: string; eventId: string }[];
  identities?: IdentityKey[];
}

export const eventKey = (platform: string, eventId: string) => `${platform}\0${eventId}`;

export async function prefetch(
  db: Db,
  dialect: Dialect,
  into: Prefetched,
  request: PrefetchRequest,
): Promise<void> {
  const events = dedupe(request.events ?? [], (e) => eventKey(e.platform, e.eventId)).filter(
    (e) => !into.events.has(eventKey(e.platform, e.eventId)),
  );
  if (events.length > 0) {
    const now = new Date();
    const inserted = await insertNewRows<{ platform: string; eventId: string }>(
      db,
      dialect,
      'ProcessedEvent',
      events.map((e) => ({ platform: e.platform, eventId: e.eventId, createdAt: now })),
      ['platform', 'eventId'],
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
      platform: r._platform,
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

  const conversations = await db.$queryRaw<Row<'Conversation'>[]>(
    sql`SELECT * FROM "Conversation" WHERE "leadId" IN (${join(leadIds, ', ')})
          AND "status" IN ('active', 'abandoned')
        ORDER BY "startedAt" DESC, "id" DESC`,
  );
  for (const id of leadIds) into.open.set(id, null);
  for (const c of conversations) if (!into.open.get(c.leadId)) into.open.set(c.leadId, toConversation(c));
  const open = [...into.open.values()].filter((c) => c !== null).map((c) => c.id);
  if (open.length === 0) return;
  const answers = await db.$queryRaw<AnswerText[]>(
    sql`SELECT ${ANSWER_COLUMNS} FROM "Answer" WHERE "conversationId" IN (${join(open, ', ')})
        ORDER BY "createdAt" ASC, "id" ASC`,
  );
  for (const id of open) into.answers.set(id, []);
  for (const a of answers) into.answers.get(a.conversationId)?.push(answerFromText(a));
}

/**
 * Answer columns with the value read as JSON text: SQLite gives the Json column NUMERIC
 * affinity, so a numeric answer is stored as a number, which a raw read cannot hand back as JSON.
 */
export const ANSWER_COLUMNS = raw(
  `"id", "conversationId", "stepId", CAST("value" AS TEXT) AS "value", "rawText", "attempt", "accepted", "inferred", "evidence", "createdAt"`,
);
export type AnswerText = Omit<Row<'Answer'>, 'value'> & { value: string | null };
export const answerFromText = (r: AnswerText): Answer =>
  toAnswer({ ...r, value: r.value === null ? null : JSON.parse(r.value) });

function dedupe<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(key(item))) seen.set(key(item), item);
  return [...seen.values()];
}
