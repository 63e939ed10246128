/**
 * {@link HandoffStore} over Prisma, on the client or on a transaction's client (then its
 * writes join that transaction, with the outbox rows the use case writes beside them). Not the
 * hot path: plain statements, no deferral. The lead's `openHandoffId` is written here with the
 * handoff, so the two never disagree; the per-transaction view (prisma-tx-view.ts) updates its
 * copy of the lead to match.
 */
import { LeadbotError } from '../core/errors.ts';
import { SALES_ALERT } from '../core/lead-lifecycle.ts';
import type {
  Handoff,
  HandoffStatus,
  HandoffStore,
  TranscriptDirection,
  TranscriptMessage,
} from '../core/ports/index.ts';
import { ALERT_REMINDER, HANDOFF_TO_SALES } from '../core/ports/index.ts';
import type { Handoff as HandoffRow, TranscriptMessage as MessageRow } from './generated/sqlite/client.ts';
import { newId } from './ids.ts';
import type { Db, Dialect } from './prisma-types.ts';
import { insertRows, sql } from './raw-statements.ts';

const toHandoff = (r: HandoffRow): Handoff => ({
  id: r.id,
  leadId: r.leadId,
  alert: { sink: r.alertSink, externalRef: r.alertRef },
  prospect: {
    platform: r.prospectPlatform,
    workspaceId: r.prospectWorkspace,
    userId: r.prospectUserId,
    channelId: r.prospectChannel,
  },
  status: r.status as HandoffStatus,
  openedBy: r.openedBy,
  openedByName: r.openedByName,
  openedAt: r.openedAt,
  closedAt: r.closedAt,
  closedBy: r.closedBy,
});

const toMessage = (r: MessageRow): TranscriptMessage => ({
  ...r,
  direction: r.direction as TranscriptDirection,
});

/** The handoff store on `db`. `open` and `close` write two rows: call them inside a transaction. */
export function createPrismaHandoffStore(db: Db, dialect: Dialect): HandoffStore {
  const setLeadHandoff = (leadId: string, handoffId: string | null) =>
    db.$executeRaw(sql`UPDATE "Lead" SET "openHandoffId" = ${handoffId} WHERE "id" = ${leadId}`);

  return {
    async findAlertLead(alert) {
      const row = await db.outboxMessage.findFirst({
        // The alert or a post of the bot in its thread: a reply to any of them is about the alert
        // (Telegram has no threads; a rep may answer the relayed message instead of the alert).
        where: {
          kind: { in: [SALES_ALERT, HANDOFF_TO_SALES, ALERT_REMINDER] },
          externalRef: alert.externalRef,
          status: 'delivered',
        },
        select: { leadId: true },
      });
      return row?.leadId ?? null;
    },

    async findOpen(leadId) {
      const row = await db.handoff.findUnique({ where: { openLeadId: leadId } });
      return row ? toHandoff(row) : null;
    },

    async open(input) {
      const handoff: Handoff = { ...input, id: newId(), status: 'open', closedAt: null, closedBy: null };
      // ON CONFLICT DO NOTHING: a unique violation would abort the whole PostgreSQL transaction,
      // where the caller wants to read the handoff another transaction opened instead.
      const inserted = await insertRows(
        db,
        dialect,
        'Handoff',
        [
          {
            id: handoff.id,
            leadId: input.leadId,
            openLeadId: input.leadId,
            alertSink: input.alert.sink,
            alertRef: input.alert.externalRef,
            prospectPlatform: input.prospect.platform,
            prospectWorkspace: input.prospect.workspaceId,
            prospectUserId: input.prospect.userId,
            prospectChannel: input.prospect.channelId,
            status: 'open',
            openedBy: input.openedBy,
            openedByName: input.openedByName,
            openedAt: input.openedAt,
          },
        ],
        { ignoreDuplicates: true },
      );
      if (inserted === 0) throw new LeadbotError('DUPLICATE', `lead ${input.leadId} has an open handoff`);
      await setLeadHandoff(input.leadId, handoff.id);
      return handoff;
    },

    async close(id, by, at) {
      const rows = await db.$queryRaw<{ leadId: string }[]>(
        sql`UPDATE "Handoff" SET "status" = 'closed', "openLeadId" = NULL, "closedBy" = ${by},
              "closedAt" = ${dialect === 'postgres' ? sql`${at}::timestamp(3)` : at}
            WHERE "id" = ${id} AND "status" = 'open' RETURNING "leadId"`,
      );
      const leadId = rows[0]?.leadId;
      if (leadId)
        await db.$executeRaw(
          sql`UPDATE "Lead" SET "openHandoffId" = NULL WHERE "id" = ${leadId} AND "openHandoffId" = ${id}`,
        );
    },

    async list(leadId) {
      const rows = await db.handoff.findMany({
        where: { leadId },
        orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toHandoff);
    },

    async addMessage(input) {
      const row: TranscriptMessage = { ...input, id: newId() };
      await insertRows(db, dialect, 'TranscriptMessage', [{ ...row }]);
      return row;
    },

    async listMessages(leadId, opts = {}) {
      const rows = await db.transcriptMessage.findMany({
        where: { leadId, ...(opts.after !== undefined ? { id: { gt: opts.after } } : {}) },
        orderBy: { id: 'asc' },
        ...(opts.limit !== undefined ? { take: opts.limit } : {}),
      });
      return rows.map(toMessage);
    },
  };
}
