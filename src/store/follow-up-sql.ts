/**
 * The follow-up planner's read (`LeadStore.followUpState`): it runs after every direct event,
 * so the lead, its newest conversation and its scheduled messages' state come back in one
 * statement — three or four statements (two through Prisma's query API) before 2026-12-07.
 */
import type { FollowUpState, IdentityKey } from '../core/ports/index.ts';
import { keyIs } from './identity-sql.ts';
import { type Row, toConversation, toLead } from './mappers.ts';
import { CONVERSATION_COLUMNS, jsonRow, parseJsonColumn, unpackRow } from './nested-rows.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { raw, sql, storableWhere } from './raw-statements.ts';

type StateRow = Row<'Lead'> & { _conversation: unknown; _nurtureSent: unknown; _pendingKeys: unknown };

/** The state behind the account `key`, or null when it has no lead. */
export async function selectFollowUpState(
  db: Db,
  dialect: Dialect,
  key: IdentityKey,
): Promise<FollowUpState | null> {
  const conversation = jsonRow(dialect, 'c', CONVERSATION_COLUMNS);
  const keys = dialect === 'postgres' ? 'json_agg(s."key")' : 'json_group_array(s."key")';
  const [row] = await db.$queryRaw<StateRow[]>(
    sql`SELECT l.*,
          (SELECT ${raw(conversation)} FROM "Conversation" c WHERE c."leadId" = l."id"
           ORDER BY c."startedAt" DESC, c."id" DESC LIMIT 1) AS "_conversation",
          EXISTS (SELECT 1 FROM "ScheduledMessage" s
                  WHERE s."leadId" = l."id" AND s."kind" = 'nurture' AND s."status" = 'sent') AS "_nurtureSent",
          (SELECT ${raw(keys)} FROM "ScheduledMessage" s
           WHERE s."leadId" = l."id" AND s."status" = 'pending') AS "_pendingKeys"
        FROM "Lead" l JOIN "Identity" i ON i."leadId" = l."id"
        WHERE ${storableWhere(keyIs(key, 'i.'))}`,
  );
  if (!row) return null;
  const packed = parseJsonColumn(row._conversation) as unknown[] | null;
  const sent = row._nurtureSent;
  return {
    lead: toLead(row),
    conversation: packed ? toConversation(unpackRow(CONVERSATION_COLUMNS, packed)) : null,
    nurtureSent: sent === true || sent === 1 || sent === 1n,
    pendingKeys: ((parseJsonColumn(row._pendingKeys) ?? []) as unknown[]).map(String),
  };
}
