/**
 * What a group transaction (group-commit.ts) loads up front for all its units of work, from
 * their hints (`LeadStore.unitOfWork`), in two statements instead of five per unit: the
 * events' de-duplication rows (one multi-row `INSERT … ON CONFLICT DO NOTHING RETURNING`), and
 * the leads behind the persons' accounts with, nested as JSON in the same rows
 * (nested-rows.ts), those leads' score contributions, their newest open conversations and those
 * conversations' answers. On PostgreSQL both go in one round trip (the insert as a
 * data-modifying `WITH` part of the lead query). The per-transaction view (prisma-tx-view.ts)
 * then answers `markEventProcessed`, `findLeadByIdentity`, `findOpenConversation`,
 * `listAnswers` and contribution reads from here, and keeps these rows current as the
 * transaction writes. Everything is read inside the transaction, so nothing is stale: no cache
 * to invalidate when another instance handles the same person.
 */

import { identityKeyString } from '../core/outreach/persons.ts';
import type {
  Answer,
  Conversation,
  Identity,
  IdentityKey,
  Lead,
  ScoreContribution,
} from '../core/ports/index.ts';
import { keyIs } from './identity-sql.ts';
import { type Row, toAnswer, toContribution, toConversation, toLead } from './mappers.ts';
import {
  ANSWER_COLUMNS_SPEC,
  CONTRIBUTION_COLUMNS,
  CONVERSATION_COLUMNS,
  jsonRow,
  jsonRows,
  oldestFirst,
  parseJsonColumn,
  unpackRow,
} from './nested-rows.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertSql, join, raw, sql } from './raw-statements.ts';

export interface Prefetched {
  /** `platform\0eventId` → whether this transaction recorded it first (consumed on use). */
  events: Map<string, boolean>;
  /** Identity key string → the id of its lead (null: no lead has this account). */
  leads: Map<string, string | null>;
  /** Identity key string → the account as loaded with its lead (its profile: people/refresh.ts). */
  identities: Map<string, Identity>;
  /** Lead id → all its accounts, when the transaction knows them all (one account: the common case). */
  accounts: Map<string, Identity[]>;
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
  identities: new Map(),
  accounts: new Map(),
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
  const keys = dedupe(request.identities ?? [], identityKeyString).filter(
    (k) => !into.leads.has(identityKeyString(k)),
  );
  const record = events.length > 0 ? recordEvents(dialect, events) : null;
  const leads = keys.length > 0 ? leadsOf(dialect, keys) : null;
  if (record && leads && dialect === 'postgres') {
    // One round trip: the insert as a data-modifying WITH part, its rows as one JSON text on
    // every row of the lead query, which an outer join keeps at one row when no lead matched.
    const rows = await db.$queryRaw<(Partial<LeadWithNested> & { _events: string })[]>(
      sql`WITH "_recorded" AS (${record})
        SELECT (SELECT COALESCE(json_agg(json_build_array("platform", "eventId")), '[]') FROM "_recorded")::text AS "_events", "_leads".*
        FROM (SELECT 1) AS "_one" LEFT JOIN (${leads}) AS "_leads" ON TRUE`,
    );
    const recorded = JSON.parse(rows[0]?._events ?? '[]') as [string, string][];
    noteEvents(
      into,
      events,
      recorded.map(([platform, eventId]) => ({ platform, eventId })),
    );
    // No lead matched: the one row the outer join keeps has null lead columns.
    const found = rows.flatMap(({ _events, ...r }) => (r.id == null ? [] : [r as LeadWithNested]));
    noteLeads(into, keys, found);
    return;
  }
  if (record) noteEvents(into, events, await db.$queryRaw<{ platform: string; eventId: string }[]>(record));
  if (leads) noteLeads(into, keys, await db.$queryRaw<LeadWithNested[]>(leads));
}

/** Records the events not seen before (`INSERT … ON CONFLICT DO NOTHING`), returning those. */
function recordEvents(dialect: Dialect, events: { platform: string; eventId: string }[]) {
  const now = new Date();
  const rows = events.map((e) => ({ platform: e.platform, eventId: e.eventId, createdAt: now }));
  return sql`${insertSql(dialect, 'ProcessedEvent', rows, true)} RETURNING "platform", "eventId"`;
}

function noteEvents(
  into: Prefetched,
  events: { platform: string; eventId: string }[],
  inserted: { platform: string; eventId: string }[],
): void {
  for (const e of events) into.events.set(eventKey(e.platform, e.eventId), false);
  for (const e of inserted) into.events.set(eventKey(e.platform, e.eventId), true);
}

/** The leads behind these accounts, with the account and the nested rows (nestedColumns). */
function leadsOf(dialect: Dialect, keys: IdentityKey[]) {
  return sql`SELECT "Lead".*, "Identity"."platform" AS "_platform", "Identity"."workspaceId" AS "_workspace",
               "Identity"."userId" AS "_user", "Identity"."id" AS "_iid", "Identity"."username" AS "_iusername",
               "Identity"."displayName" AS "_idisplay", "Identity"."profileUrl" AS "_iurl",
               "Identity"."chatId" AS "_ichat", "Identity"."createdAt" AS "_icreated",
               "Identity"."profileAt" AS "_iprofile",
               (SELECT COUNT(*) FROM "Identity" "_all" WHERE "_all"."leadId" = "Lead"."id") AS "_iaccounts",
               ${nestedColumns(dialect)}
        FROM "Lead" JOIN "Identity" ON "Identity"."leadId" = "Lead"."id"
        WHERE ${join(
          keys.map((k) => sql`(${keyIs(k, '"Identity".')})`),
          ' OR ',
        )}`;
}

function noteLeads(into: Prefetched, keys: IdentityKey[], rows: LeadWithNested[]): void {
  for (const k of keys) into.leads.set(identityKeyString(k), null);
  for (const r of rows) {
    const key = identityKeyString({
      platform: r._platform,
      workspaceId: r._workspace,
      userId: r._user,
    });
    into.leads.set(key, r.id);
    const { _platform, _workspace, _user, _contributions, _open, _iid, _iusername, _idisplay, _iurl } = r;
    const { _ichat, _icreated, _iprofile, _iaccounts, ...lead } = r;
    const account: Identity = {
      id: _iid,
      leadId: r.id,
      platform: _platform,
      workspaceId: _workspace,
      userId: _user,
      username: _iusername,
      displayName: _idisplay,
      profileUrl: _iurl,
      chatId: _ichat,
      createdAt: new Date(_icreated),
      ...(_iprofile ? { profileAt: new Date(_iprofile) } : {}),
    };
    into.identities.set(key, account);
    // The lead's only account: its list of accounts needs no statement (the sales alert reads it).
    if (Number(_iaccounts) === 1) into.accounts.set(r.id, [account]);
    into.known.set(r.id, toLead(lead as Row<'Lead'>));
    // A lead this transaction loaded before (through another account) keeps what it has: the
    // write buffer and the view update those entries as the transaction writes.
    if (into.contributions.has(r.id)) continue;
    const contributions = (parseJsonColumn(_contributions) ?? []) as unknown[][];
    into.contributions.set(
      r.id,
      oldestFirst(contributions.map((c) => toContribution(unpackRow(CONTRIBUTION_COLUMNS, c)))),
    );
    const open = parseJsonColumn(_open) as unknown[] | null;
    if (!open) {
      into.open.set(r.id, null);
      continue;
    }
    const conversation = toConversation(unpackRow(CONVERSATION_COLUMNS, open));
    into.open.set(r.id, conversation);
    const answers = (open[Object.keys(CONVERSATION_COLUMNS).length] ?? []) as unknown[][];
    into.answers.set(
      conversation.id,
      oldestFirst(answers.map((a) => toAnswer(unpackRow(ANSWER_COLUMNS_SPEC, a)))),
    );
  }
}

type LeadWithNested = Row<'Lead'> & {
  _platform: string;
  _workspace: string;
  _user: string;
  /** The account's own columns (the profile people/refresh.ts compares). */
  _iid: string;
  _iusername: string | null;
  _idisplay: string | null;
  _iurl: string | null;
  _ichat: string | null;
  _icreated: Date | string;
  _iprofile: Date | string | null;
  /** How many accounts the lead has. */
  _iaccounts: number | bigint;
  /** The lead's score contributions (nested-rows.ts). */
  _contributions: unknown;
  /** Its newest active or abandoned conversation, its answers appended (nested-rows.ts). */
  _open: unknown;
};

/**
 * The two nested columns of the lead query: the lead's contributions, and its newest open
 * conversation with that conversation's answers as its last element.
 */
function nestedColumns(dialect: Dialect) {
  const answers = `(SELECT ${jsonRows(dialect, 'a', ANSWER_COLUMNS_SPEC)} FROM "Answer" a WHERE a."conversationId" = c."id")`;
  // SQL text only: the column lists above carry no parameters.
  return raw(
    `(SELECT ${jsonRows(dialect, 's', CONTRIBUTION_COLUMNS)} FROM "ScoreContribution" s
        WHERE s."leadId" = "Lead"."id") AS "_contributions",
     (SELECT ${jsonRow(dialect, 'c', CONVERSATION_COLUMNS, [answers])} FROM "Conversation" c
        WHERE c."leadId" = "Lead"."id" AND c."status" IN ('active', 'abandoned')
        ORDER BY c."startedAt" DESC, c."id" DESC LIMIT 1) AS "_open"`,
  );
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
