/**
 * The follow-up planner's read (`LeadStore.followUpState`): it runs after every direct event,
 * so the lead, its newest conversation and its scheduled messages' state come back in one
 * statement — three or four statements (two through Prisma's query API) before 2026-12-07 —
 * and the reads of events that finish together (a group commit's) share one statement
 * (batched-statement.ts).
 */
import { identityKeyString } from '../core/outreach/persons.ts';
import type { FollowUpState, IdentityKey } from '../core/ports/index.ts';
import { keyIs } from './identity-sql.ts';
import { type Row, toConversation, toLead } from './mappers.ts';
import { CONVERSATION_COLUMNS, jsonRow, parseJsonColumn, unpackRow } from './nested-rows.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { join, raw, sql, storableWhere } from './raw-statements.ts';
import { storableParam } from './text-guard.ts';

type StateRow = Row<'Lead'> & {
  _platform: string;
  _workspaceId: string;
  _userId: string;
  _conversation: unknown;
  _nurtureSent: unknown;
  _pendingKeys: unknown;
};

/** An account key as the database holds it (text made storable, as the WHERE's parameters are). */
const keyString = (k: IdentityKey) => identityKeyString(storableParam(k));

/** The state behind each account of `keys`, in their order; null for one without a lead. */
export async function selectFollowUpStates(
  db: Db,
  dialect: Dialect,
  keys: readonly IdentityKey[],
): Promise<(FollowUpState | null)[]> {
  const conversation = jsonRow(dialect, 'c', CONVERSATION_COLUMNS);
  const pending = dialect === 'postgres' ? 'json_agg(s."key")' : 'json_group_array(s."key")';
  const anyKey = join(
    keys.map((k) => sql`(${keyIs(k, 'i.')})`),
    ' OR ',
  );
  const rows = await db.$queryRaw<StateRow[]>(
    sql`SELECT l.*, i."platform" AS "_platform", i."workspaceId" AS "_workspaceId", i."userId" AS "_userId",
          (SELECT ${raw(conversation)} FROM "Conversation" c WHERE c."leadId" = l."id"
           ORDER BY c."startedAt" DESC, c."id" DESC LIMIT 1) AS "_conversation",
          EXISTS (SELECT 1 FROM "ScheduledMessage" s
                  WHERE s."leadId" = l."id" AND s."kind" = 'nurture' AND s."status" = 'sent') AS "_nurtureSent",
          (SELECT ${raw(pending)} FROM "ScheduledMessage" s
           WHERE s."leadId" = l."id" AND s."status" = 'pending') AS "_pendingKeys"
        FROM "Lead" l JOIN "Identity" i ON i."leadId" = l."id"
        WHERE ${storableWhere(anyKey)}`,
  );
  const found = new Map(
    rows.map((r) => [
      keyString({ platform: r._platform, workspaceId: r._workspaceId, userId: r._userId }),
      r,
    ]),
  );
  return keys.map((k) => {
    const row = found.get(keyString(k));
    return row ? toState(row) : null;
  });
}

function toState(row: StateRow): FollowUpState {
  const packed = parseJsonColumn(row._conversation) as unknown[] | null;
  const sent = row._nurtureSent;
  return {
    lead: toLead(row),
    conversation: packed ? toConversation(unpackRow(CONVERSATION_COLUMNS, packed)) : null,
    nurtureSent: sent === true || sent === 1 || sent === 1n,
    pendingKeys: ((parseJsonColumn(row._pendingKeys) ?? []) as unknown[]).map(String),
  };
}
