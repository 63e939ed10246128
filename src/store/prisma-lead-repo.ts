/**
 * `LeadRepo` over Prisma. Works on the client or on an interactive-transaction client, so the
 * same code serves `store.x()` and `store.transaction(tx => tx.x())`.
 */

import { ConflictError, LeadbotError } from '../core/errors.ts';
import { definedOnly, newIdentity, newLead, patchLead } from '../core/lead-rows.ts';
import { identityKeyString, leadKeyString } from '../core/outreach/persons.ts';
import type {
  Answer,
  Conversation,
  Identity,
  JsonValue,
  Lead,
  LeadFilter,
  LeadRepo,
  ScoreContribution,
} from '../core/ports.ts';
import { decodeFlowSnapshot, encodeFlowSnapshot } from './flow-snapshot.ts';
import { newId } from './ids.ts';
import {
  decodeCursor,
  encodeCursor,
  leadColumns,
  type Row,
  toContribution,
  toConversation,
  toIdentity,
  toLead,
  toNote,
  toStageChange,
} from './mappers.ts';
import { ANSWER_COLUMNS, type AnswerText, answerFromText, eventKey, prefetch } from './prefetch.ts';
import { eraseOutreachRows } from './prisma-outreach.ts';
import type { Db, Dialect, Prisma } from './prisma-types.ts';
import { insertRows, selectRows, sql, updateReturning } from './raw-statements.ts';
import {
  flushConversations,
  flushLeads,
  flushWrites,
  updateConversations,
  type WriteBuffer,
  withPending,
} from './write-buffer.ts';

const structuredJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const copyLead = (l: Lead): Lead => ({ ...l, source: { ...l.source } });
const copyConversation = (c: Conversation): Conversation => ({
  ...c,
  variables: structuredJson(c.variables),
});
const OPEN = new Set(['active', 'abandoned']);
const DEFAULT_PAGE = 50;
const MAX_PAGE = 500;

/** A unique constraint failed: P2002 from the query API, P2010 with the driver's code from raw SQL. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } } | null;
  return (
    e?.code === 'P2002' ||
    (e?.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}

const pickRule = (i: Pick<ScoreContribution, 'ruleId' | 'stepId' | 'points' | 'reason'>) => ({
  ruleId: i.ruleId,
  stepId: i.stepId,
  points: i.points,
  reason: i.reason,
});

/**
 * The repo on `db`. `deleteLead` issues two statements: call it inside a transaction.
 * With a `state` (inside a transaction), answers, contributions and conversation updates are
 * deferred to `flushWrites` at the transaction's end (write-buffer.ts), and what `prefetch`
 * loaded (prefetch.ts) answers event, lead and contribution reads; without one every call is
 * a statement of its own.
 */
export function createPrismaLeadRepo(db: Db, dialect: Dialect, state?: WriteBuffer): LeadRepo {
  /** Conversation reads must see pending updates: write them first. */
  const settle = () => (state ? flushConversations(db, dialect, state) : Promise.resolve());
  const settleAll = () => (state ? flushWrites(db, dialect, state) : Promise.resolve());
  /** Inserts an identity; one that belongs to a lead already is DUPLICATE. */
  const insertIdentity = async (row: Identity) => {
    try {
      await insertRows(db, dialect, 'Identity', [{ ...row }]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new LeadbotError('DUPLICATE', `identity ${row.platform}/${row.userId} belongs to a lead`);
    }
  };
  /** Keeps the transaction's view of a lead current; returns a copy for the caller. */
  const remember = (lead: Lead): Lead => {
    state?.prefetched.known.set(lead.id, copyLead(lead));
    return lead;
  };
  const repo: LeadRepo = {
    async findIdentity(key) {
      const row = await db.identity.findUnique({ where: { platform_workspaceId_userId: key } });
      return row ? toIdentity(row) : null;
    },

    async findLeadByIdentity(key) {
      const leadId = state?.prefetched.leads.get(identityKeyString(key));
      if (leadId === null) return null;
      const known = leadId ? state?.prefetched.known.get(leadId) : undefined;
      if (known) return copyLead(known);
      const rows = await db.$queryRaw<Row<'Lead'>[]>(
        sql`SELECT "Lead".* FROM "Lead" JOIN "Identity" ON "Identity"."leadId" = "Lead"."id"
            WHERE "Identity"."platform" = ${key.platform} AND "Identity"."workspaceId" = ${key.workspaceId}
              AND "Identity"."userId" = ${key.userId}`,
      );
      return rows[0] ? remember(toLead(rows[0])) : null;
    },

    async createLead(lead, identity) {
      // Raw inserts of rows built here (defaults as in the schema): the ORM's nested create
      // was three statements, the last one reading back what is known already.
      const now = new Date();
      const created = newLead(lead, newId(), now);
      const row = { id: created.id, ...leadColumns(created), createdAt: now, updatedAt: now };
      await insertRows(db, dialect, 'Lead', [row]);
      // Another instance may have created this person's lead first: DUPLICATE, the caller re-runs.
      if (identity) await insertIdentity(newIdentity(row.id, identity, newId(), now));
      remember(created);
      if (state && identity) {
        state.prefetched.leads.set(identityKeyString(identity), created.id);
        state.prefetched.contributions.set(created.id, []);
      }
      return created;
    },

    async addIdentity(leadId, identity) {
      state?.prefetched.leads.delete(identityKeyString(identity));
      const row = newIdentity(leadId, identity, newId(), new Date());
      await insertIdentity(row);
      return row;
    },

    async listIdentities(leadId) {
      const rows = await db.identity.findMany({
        where: { leadId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toIdentity);
    },

    async getLead(id) {
      const known = state?.prefetched.known.get(id);
      if (known) return copyLead(known);
      const row = await db.lead.findUnique({ where: { id } });
      return row ? remember(toLead(row)) : null;
    },

    async updateLead(id, patch) {
      const now = new Date();
      const columns = { ...leadColumns(patch), updatedAt: now };
      const known = state?.prefetched.known.get(id);
      if (state && known) {
        // Deferred: the lead as it will be is known; the columns go out with the others'.
        state.leads.set(id, { ...state.leads.get(id), ...columns });
        return remember(patchLead(known, patch, now));
      }
      const row = await updateReturning<Row<'Lead'>>(db, dialect, 'Lead', id, columns);
      if (!row) throw new LeadbotError('NOT_FOUND', `lead ${id} not found`);
      return remember(toLead(row));
    },

    async listLeads(filter: LeadFilter) {
      if (state) await flushLeads(db, dialect, state);
      const limit = Math.min(Math.max(filter.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
      const and: Prisma.LeadWhereInput[] = [];
      if (filter.stage) and.push({ stage: filter.stage });
      if (filter.ownerId) and.push({ ownerId: filter.ownerId });
      if (filter.source)
        and.push({ OR: [{ sourcePlatform: filter.source }, { sourceCampaign: filter.source }] });
      if (filter.since) and.push({ createdAt: { gte: filter.since } });
      if (filter.cursor) {
        const c = decodeCursor(filter.cursor);
        if (!c) throw new LeadbotError('BAD_INPUT', 'invalid page cursor');
        // Newest first: the next page holds rows strictly "older" than the last one shown.
        and.push({ OR: [{ createdAt: { lt: c.createdAt } }, { createdAt: c.createdAt, id: { lt: c.id } }] });
      }
      const rows = await db.lead.findMany({
        where: { AND: and },
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
      state?.prefetched.leads.delete(identityKeyString(key));
      const { count } = await db.identity.deleteMany({ where: key });
      return count > 0;
    },

    async deleteLead(id) {
      await settleAll(); // pending rows of this lead would otherwise outlive it
      if (state) {
        for (const [key, leadId] of state.prefetched.leads)
          if (leadId === id) state.prefetched.leads.delete(key);
        state.prefetched.known.delete(id);
        state.prefetched.contributions.delete(id);
        state.prefetched.open.delete(id);
      }
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
      // Identities, conversations, answers, contributions, stage changes, notes: ON DELETE CASCADE.
      await db.lead.deleteMany({ where: { id } });
    },

    async saveFlowVersion(flowId, version, definition) {
      // Versions are immutable snapshots: the first write wins. Not an upsert: on PostgreSQL two
      // instances' upserts can both insert, and the loser's unique violation aborts its transaction.
      // A snapshot this process saw committed is not written again (flow-snapshots in write-buffer.ts).
      const key = `${flowId}@${version}`;
      if (state?.storedFlows.has(key)) return;
      const now = new Date();
      await insertRows(
        db,
        dialect,
        'FlowVersion',
        [{ flowId, version, definition: encodeFlowSnapshot(definition), createdAt: now }],
        {
          ignoreDuplicates: true,
        },
      );
      state?.savedFlows.push(key);
    },

    async getFlowVersion(flowId, version) {
      const row = await db.flowVersion.findUnique({ where: { flowId_version: { flowId, version } } });
      return row ? decodeFlowSnapshot(row.definition as JsonValue) : null;
    },

    async findOpenConversation(leadId) {
      const known = state?.prefetched.open.get(leadId);
      if (known !== undefined) return known && copyConversation(known);
      await settle();
      const [row] = await selectRows<Row<'Conversation'>>(
        db,
        'Conversation',
        sql`"leadId" = ${leadId} AND "status" IN ('active', 'abandoned')`,
        '"startedAt" DESC, "id" DESC',
        1,
      );
      const open = row ? toConversation(row) : null;
      state?.prefetched.open.set(leadId, open && copyConversation(open));
      return open;
    },

    async getConversation(id) {
      for (const c of state?.prefetched.open.values() ?? []) if (c?.id === id) return copyConversation(c);
      await settle();
      const row = await db.conversation.findUnique({ where: { id } });
      return row ? toConversation(row) : null;
    },

    async listConversations(leadId) {
      await settle();
      const rows = await db.conversation.findMany({
        where: { leadId },
        orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toConversation);
    },

    async createConversation(input) {
      const now = new Date();
      const row: Conversation = {
        id: newId(),
        leadId: input.leadId,
        flowId: input.flowId,
        flowVersion: input.flowVersion,
        currentStep: input.currentStep,
        status: 'active',
        platform: input.platform,
        workspaceId: input.workspaceId,
        channelId: input.channelId,
        variables: structuredJson(input.variables ?? {}),
        attempts: 0,
        version: 0,
        startedAt: now,
        lastActivityAt: now,
        endedAt: null,
      };
      await insertRows(db, dialect, 'Conversation', [{ ...row }]);
      state?.prefetched.open.set(row.leadId, copyConversation(row));
      state?.prefetched.answers.set(row.id, []);
      return copyConversation(row);
    },

    async updateConversation(current, patch): Promise<Conversation> {
      const next: Conversation = { ...current, ...definedOnly(patch), version: current.version + 1 };
      if (state) {
        const pending = state.conversations.get(current.id);
        if (pending && pending.next.version !== current.version)
          throw new ConflictError(
            `conversation ${current.id} is at version ${pending.next.version} in this transaction`,
          );
        state.conversations.set(current.id, { expected: pending?.expected ?? current.version, next });
        const open = state.prefetched.open;
        if (OPEN.has(next.status)) open.set(next.leadId, copyConversation(next));
        else if (open.get(next.leadId)?.id === next.id) open.delete(next.leadId); // unknown: read again
        return copyConversation(next);
      }
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
      await settle();
      state?.prefetched.open.clear(); // statuses change under it
      const { count } = await db.conversation.updateMany({
        where: { status: 'active', lastActivityAt: { lt: before } },
        data: { status: 'abandoned', version: { increment: 1 } },
      });
      return count;
    },

    async addAnswer(input) {
      const row: Answer = {
        id: newId(),
        conversationId: input.conversationId,
        stepId: input.stepId,
        value: input.value,
        rawText: input.rawText,
        attempt: input.attempt,
        accepted: input.accepted,
        createdAt: input.createdAt ?? new Date(),
      };
      if (state) state.answers.push({ ...row });
      else await insertRows(db, dialect, 'Answer', [{ ...row }]);
      return row;
    },

    async listAnswers(conversationId) {
      const known = state?.prefetched.answers.get(conversationId);
      const stored = known
        ? known.map((a) => ({ ...a, value: structuredJson(a.value) }))
        : (
            await db.$queryRaw<AnswerText[]>(
              sql`SELECT ${ANSWER_COLUMNS} FROM "Answer" WHERE "conversationId" = ${conversationId}
                  ORDER BY "createdAt" ASC, "id" ASC`,
            )
          ).map(answerFromText);
      return state ? withPending(stored, state.answers, (a) => a.conversationId === conversationId) : stored;
    },

    async replaceScoreContributions(leadId, conversationId, items) {
      // Writes only the difference. Each answer rescores its conversation, which usually keeps
      // every contribution and adds one; deleting and re-inserting them all was the costliest
      // part of handling a message (profiled by bench/). Rows kept keep their id and createdAt.
      // One read of the lead's contributions serves both the difference and the new score.
      const all = await repo.listScoreContributions(leadId);
      const others = all.filter((c) => c.conversationId !== conversationId);
      const signature = (c: { ruleId: string; stepId: string | null; points: number; reason: string }) =>
        JSON.stringify([c.ruleId, c.stepId, c.points, c.reason]);
      const unmatched = new Map<string, ScoreContribution[]>();
      for (const row of all) {
        if (row.conversationId !== conversationId) continue;
        const key = signature(row);
        unmatched.set(key, [...(unmatched.get(key) ?? []), row]);
      }
      const createdAt = new Date();
      const added: ScoreContribution[] = [];
      for (const i of items) {
        if (unmatched.get(signature(i))?.shift()) continue;
        added.push({ id: newId(), leadId, conversationId, ...pickRule(i), createdAt });
      }
      const stale = new Set([...unmatched.values()].flat().map((r) => r.id));
      if (state) {
        // A stale row that is still pending leaves the buffer; stale stored rows are deleted now.
        state.contributions = state.contributions.filter((c) => !stale.delete(c.id));
        state.contributions.push(...added);
      }
      if (stale.size > 0) {
        await db.scoreContribution.deleteMany({ where: { id: { in: [...stale] } } });
        const known = state?.prefetched.contributions.get(leadId);
        if (known)
          state!.prefetched.contributions.set(
            leadId,
            known.filter((c) => !stale.has(c.id)),
          );
      }
      if (!state)
        await insertRows(db, dialect, 'ScoreContribution', added as unknown as Record<string, unknown>[]);
      return [...others, ...items].reduce((sum, c) => sum + c.points, 0);
    },

    async listScoreContributions(leadId) {
      const known = state?.prefetched.contributions.get(leadId);
      const stored = known
        ? known.map((c) => ({ ...c }))
        : (
            await selectRows<Row<'ScoreContribution'>>(
              db,
              'ScoreContribution',
              sql`"leadId" = ${leadId}`,
              '"createdAt" ASC, "id" ASC',
            )
          ).map(toContribution);
      return state ? withPending(stored, state.contributions, (c) => c.leadId === leadId) : stored;
    },

    async addStageChange(input) {
      const row: Row<'StageChange'> = {
        id: newId(),
        leadId: input.leadId,
        fromStage: input.from,
        toStage: input.to,
        reason: input.reason,
        actor: input.actor,
        createdAt: input.createdAt ?? new Date(),
      };
      if (state) state.stageChanges.push(toStageChange(row));
      else await insertRows(db, dialect, 'StageChange', [{ ...row }]);
      return toStageChange(row);
    },

    async listStageChanges(leadId) {
      const rows = await db.stageChange.findMany({
        where: { leadId },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      const stored = rows.map(toStageChange);
      return state ? withPending(stored, state.stageChanges, (c) => c.leadId === leadId) : stored;
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
      const inserted =
        (await insertRows(db, dialect, 'OutboxMessage', [row], { ignoreDuplicates: true })) > 0;
      if (inserted && state) state.enqueued = true;
      return inserted;
    },

    async markEventProcessed(platform, eventId) {
      const key = eventKey(platform, eventId);
      const first = state?.prefetched.events.get(key);
      if (first !== undefined) {
        state!.prefetched.events.set(key, false); // recorded now: a second call is a repeat
        return first;
      }
      const row = { platform, eventId, createdAt: new Date() };
      return (await insertRows(db, dialect, 'ProcessedEvent', [row], { ignoreDuplicates: true })) > 0;
    },

    async prefetch(request) {
      if (state) await prefetch(db, dialect, state.prefetched, request);
    },
  };
  return repo;
}
