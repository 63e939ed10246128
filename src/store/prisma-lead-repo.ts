/**
 * `LeadRepo` over Prisma, every call its own statements, on the client or on an
 * interactive-transaction client. Inside the store's transactions it is wrapped by the
 * per-transaction view (prisma-tx-view.ts), which answers from what the transaction loaded and
 * defers writes to its commit.
 */

import { ConflictError, LeadbotError } from '../core/errors.ts';
import { definedOnly, newIdentity, newLead } from '../core/lead-rows.ts';
import { identityKeyString, leadKeyString } from '../core/outreach/persons.ts';
import type { Conversation, JsonValue, LeadFilter, LeadRepo } from '../core/ports/index.ts';
import { decodeFlowSnapshot, encodeFlowSnapshot } from './flow-snapshot.ts';
import { insertIdentity, selectIdentities, selectIdentity, selectLeadByIdentity } from './identity-sql.ts';
import { newId } from './ids.ts';
import {
  encodeCursor,
  leadColumns,
  leadFilterWhere,
  type Row,
  toContribution,
  toConversation,
  toIdentity,
  toLead,
  toNote,
  toStageChange,
} from './mappers.ts';
import { ANSWER_COLUMNS, type AnswerText, answerFromText } from './prefetch.ts';
import { eraseOutreachRows } from './prisma-outreach.ts';
import { createPrismaVerdictLog } from './prisma-schedules.ts';
import { createPrismaSideTables } from './prisma-side-tables.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertRows, selectRows, sql, updateReturning } from './raw-statements.ts';
import {
  contributionChanges,
  newAnswerRow,
  newConversationRow,
  newStageChangeRow,
  structuredJson,
} from './repo-rows.ts';
import { updateConversations } from './write-buffer.ts';

const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

/** The repo on `db`. `deleteLead` and `createLead` issue several statements: call them inside a transaction. */
export function createPrismaLeadRepo(db: Db, dialect: Dialect): LeadRepo {
  const repo: LeadRepo = {
    // Single-table reads on the hot path are raw (identity-sql.ts, raw-statements.ts).
    findIdentity: (key) => selectIdentity(db, key),
    findLeadByIdentity: (key) => selectLeadByIdentity(db, key),

    async createLead(lead, identity) {
      // Raw inserts of rows built here (defaults as in the schema): the ORM's nested create
      // was three statements, the last one reading back what is known already.
      const now = new Date();
      const created = newLead(lead, newId(), now);
      const row = { id: created.id, ...leadColumns(created), createdAt: now, updatedAt: now };
      await insertRows(db, dialect, 'Lead', [row]);
      // Another instance may have created this person's lead first: DUPLICATE, the caller re-runs.
      if (identity) await insertIdentity(db, dialect, newIdentity(row.id, identity, newId(), now));
      return created;
    },

    async addIdentity(leadId, identity) {
      const row = newIdentity(leadId, identity, newId(), new Date());
      await insertIdentity(db, dialect, row);
      return row;
    },

    listIdentities: (leadId) => selectIdentities(db, leadId),

    async getLead(id) {
      const [row] = await selectRows<Row<'Lead'>>(db, 'Lead', sql`"id" = ${id}`, '"id"');
      return row ? toLead(row) : null;
    },

    async updateLead(id, patch) {
      const columns = { ...leadColumns(patch), updatedAt: new Date() };
      const row = await updateReturning<Row<'Lead'>>(db, dialect, 'Lead', id, columns);
      if (!row) throw new LeadbotError('NOT_FOUND', `lead ${id} not found`);
      return toLead(row);
    },

    async listLeads(filter: LeadFilter) {
      const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
      const rows = await db.lead.findMany({
        where: leadFilterWhere(filter),
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const items = rows.slice(0, limit).map(toLead);
      const last = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    async removeIdentity(key) {
      const { count } = await db.identity.deleteMany({ where: key });
      return count > 0;
    },

    async deleteLead(id) {
      // Outbox rows carry the lead id without a foreign key (they may outlive nothing else).
      await db.outboxMessage.deleteMany({ where: { leadId: id } });
      // The outreach log names the person by key strings (no foreign key): erased here, in the
      // same transaction, so a forget leaves no contact row or opt-out naming them.
      const identities = await db.identity.findMany({ where: { leadId: id } });
      await eraseOutreachRows(
        db,
        [leadKeyString(id), ...identities.map((i) => identityKeyString(toIdentity(i)))],
        id,
      );
      // Identities, conversations, answers, score, history, notes, handoffs, transcripts: CASCADE.
      await db.lead.deleteMany({ where: { id } });
    },

    async saveFlowVersion(flowId, version, definition) {
      // Versions are immutable snapshots: the first write wins. Not an upsert: on PostgreSQL two
      // instances' upserts can both insert, and the loser's unique violation aborts its transaction.
      const now = new Date();
      await insertRows(
        db,
        dialect,
        'FlowVersion',
        [{ flowId, version, definition: encodeFlowSnapshot(definition), createdAt: now }],
        { ignoreDuplicates: true },
      );
    },

    async getFlowVersion(flowId, version) {
      const row = await db.flowVersion.findUnique({ where: { flowId_version: { flowId, version } } });
      return row ? decodeFlowSnapshot(row.definition as JsonValue) : null;
    },

    async findOpenConversation(leadId) {
      const [row] = await selectRows<Row<'Conversation'>>(
        db,
        'Conversation',
        sql`"leadId" = ${leadId} AND "status" IN ('active', 'abandoned')`,
        '"startedAt" DESC, "id" DESC',
        1,
      );
      return row ? toConversation(row) : null;
    },

    async getConversation(id) {
      const [row] = await selectRows<Row<'Conversation'>>(db, 'Conversation', sql`"id" = ${id}`, '"id"');
      return row ? toConversation(row) : null;
    },

    async listConversations(leadId) {
      const rows = await db.conversation.findMany({
        where: { leadId },
        orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toConversation);
    },

    async createConversation(input) {
      const row = newConversationRow(input, new Date());
      await insertRows(db, dialect, 'Conversation', [{ ...row }]);
      return row;
    },

    async updateConversation(current, patch): Promise<Conversation> {
      const next: Conversation = { ...current, ...definedOnly(patch), version: current.version + 1 };
      try {
        await updateConversations(db, dialect, [{ expected: current.version, next }]);
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const stored = await db.conversation.findUnique({ where: { id: current.id } });
        if (!stored) throw new LeadbotError('NOT_FOUND', `conversation ${current.id} not found`);
        throw new ConflictError(
          `conversation ${current.id} is at version ${stored.version}, expected ${current.version}`,
        );
      }
      return { ...next, variables: structuredJson(next.variables) };
    },

    async abandonIdleConversations(before) {
      const { count } = await db.conversation.updateMany({
        where: { status: 'active', lastActivityAt: { lt: before } },
        data: { status: 'abandoned', version: { increment: 1 } },
      });
      return count;
    },

    async addAnswer(input) {
      const row = newAnswerRow(input);
      await insertRows(db, dialect, 'Answer', [{ ...row }]);
      return row;
    },

    async listAnswers(conversationId) {
      const rows = await db.$queryRaw<AnswerText[]>(
        sql`SELECT ${ANSWER_COLUMNS} FROM "Answer" WHERE "conversationId" = ${conversationId}
            ORDER BY "createdAt" ASC, "id" ASC`,
      );
      return rows.map(answerFromText);
    },

    async replaceScoreContributions(leadId, conversationId, items) {
      // One read of the lead's contributions serves both the difference and the new score.
      const all = await repo.listScoreContributions(leadId);
      const { added, stale, score } = contributionChanges(all, leadId, conversationId, items);
      if (stale.size > 0) await db.scoreContribution.deleteMany({ where: { id: { in: [...stale] } } });
      await insertRows(db, dialect, 'ScoreContribution', added as unknown as Record<string, unknown>[]);
      return score;
    },

    async listScoreContributions(leadId) {
      const rows = await selectRows<Row<'ScoreContribution'>>(
        db,
        'ScoreContribution',
        sql`"leadId" = ${leadId}`,
        '"createdAt" ASC, "id" ASC',
      );
      return rows.map(toContribution);
    },

    async addStageChange(input) {
      const row = newStageChangeRow(input);
      await insertRows(db, dialect, 'StageChange', [{ ...row }]);
      return toStageChange(row);
    },

    async listStageChanges(leadId) {
      const rows = await db.stageChange.findMany({
        where: { leadId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toStageChange);
    },

    async addNote(input) {
      return toNote(await db.note.create({ data: { id: newId(), ...input } }));
    },

    async listNotes(leadId) {
      const rows = await db.note.findMany({
        where: { leadId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toNote);
    },

    async enqueueOutbox(input) {
      // A second row with the same idempotency key is skipped (ON CONFLICT DO NOTHING).
      const now = new Date();
      const row = {
        id: newId(),
        kind: input.kind,
        idempotencyKey: input.idempotencyKey,
        leadId: input.leadId ?? null,
        payload: input.payload,
        nextAttemptAt: now,
        createdAt: now,
      };
      return (await insertRows(db, dialect, 'OutboxMessage', [row], { ignoreDuplicates: true })) > 0;
    },

    async markEventProcessed(platform, eventId) {
      const row = { platform, eventId, createdAt: new Date() };
      return (await insertRows(db, dialect, 'ProcessedEvent', [row], { ignoreDuplicates: true })) > 0;
    },

    // On a transaction's client a verdict is written with the change it judges.
    verdicts: createPrismaVerdictLog(db),
    ...createPrismaSideTables(db, dialect),
  };
  return repo;
}
