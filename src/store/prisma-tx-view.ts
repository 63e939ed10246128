/**
 * The Prisma repo as one transaction sees it: reads answered from what the transaction loaded
 * up front (prefetch.ts) and kept current as it writes; answers, contributions, stage changes,
 * conversation updates and lead updates deferred to `flushWrites` at its end (write-buffer.ts),
 * and so are the leads, accounts and conversations it creates (new-rows.ts). Everything else is
 * the plain repo (prisma-lead-repo.ts) on the transaction's client, after the new rows.
 */
import { ConflictError } from '../core/errors.ts';
import { definedOnly, patchLead } from '../core/lead-rows.ts';
import type { Conversation, Lead, LeadRepo } from '../core/ports/index.ts';
import { leadColumns, toStageChange } from './mappers.ts';
import { flushingFirst, hasNewRows } from './new-rows.ts';
import { eventKey } from './prefetch.ts';
import { createPrismaLeadRepo } from './prisma-lead-repo.ts';
import type { Db, Dialect } from './prisma-types.ts';
import {
  contributionChanges,
  copyConversation,
  copyLead,
  newAnswerRow,
  newConversationRow,
  newStageChangeRow,
  structuredJson,
} from './repo-rows.ts';
import { peopleView } from './tx-view-people.ts';
import {
  flushConversations,
  flushLeads,
  flushNewRows,
  flushWrites,
  type WriteBuffer,
  withPending,
} from './write-buffer.ts';

const OPEN = new Set(['active', 'abandoned']);

/** The repo of one transaction on `db` (its interactive-transaction client) over `buffer`. */
export function createTxView(db: Db, dialect: Dialect, buffer: WriteBuffer): LeadRepo {
  const created = buffer.created;
  // What the view does not answer itself goes to the database after the rows it created.
  const plain = createPrismaLeadRepo(db, dialect);
  const base = flushingFirst(plain, async () => {
    if (hasNewRows(created)) await flushNewRows(db, dialect, buffer);
  });
  const seen = buffer.prefetched;
  /** Conversation reads must see pending updates: write them first. */
  const settle = () => flushConversations(db, dialect, buffer);
  /** Keeps the transaction's view of a lead current; returns it for the caller. */
  const remember = (lead: Lead): Lead => {
    seen.known.set(lead.id, copyLead(lead));
    return lead;
  };
  /** The lead as this transaction knows it, with the handoff the store just set or cleared. */
  const knowHandoff = (leadId: string, openHandoffId: string | null) => {
    const known = seen.known.get(leadId);
    if (known) seen.known.set(leadId, { ...known, openHandoffId });
  };
  /** The lead's open conversation as this transaction knows it, after `next` was written. */
  const keepOpen = (next: Conversation) => {
    if (OPEN.has(next.status)) seen.open.set(next.leadId, copyConversation(next));
    else if (seen.open.get(next.leadId)?.id === next.id) seen.open.delete(next.leadId); // unknown: read again
  };
  const view: LeadRepo = {
    ...base,
    ...peopleView(seen, created, base, remember),

    handoffs: {
      ...base.handoffs,
      async open(input) {
        const handoff = await base.handoffs.open(input);
        knowHandoff(handoff.leadId, handoff.id);
        return handoff;
      },
      async close(id, by, at) {
        await base.handoffs.close(id, by, at);
        for (const lead of seen.known.values()) if (lead.openHandoffId === id) knowHandoff(lead.id, null);
      },
    },

    async getLead(id) {
      const known = seen.known.get(id);
      if (known) return copyLead(known);
      const lead = await base.getLead(id);
      return lead ? remember(lead) : null;
    },

    async updateLead(id, patch) {
      const known = seen.known.get(id);
      if (!known) return remember(await base.updateLead(id, patch));
      // Deferred: the lead as it will be is known; the columns go out with the others' (or
      // with its insert, for a lead this transaction created).
      const now = new Date();
      const columns = { ...leadColumns(patch), updatedAt: now };
      const inserting = created.leads.get(id);
      if (inserting) created.leads.set(id, { ...inserting, ...columns });
      else buffer.leads.set(id, { ...buffer.leads.get(id), ...columns });
      return remember(patchLead(known, patch, now));
    },

    async listLeads(filter) {
      await flushLeads(db, dialect, buffer);
      return base.listLeads(filter);
    },

    async deleteLead(id) {
      await flushWrites(db, dialect, buffer); // pending rows of this lead would otherwise outlive it
      for (const [key, leadId] of seen.leads) if (leadId === id) seen.leads.delete(key);
      seen.known.delete(id);
      seen.accounts.delete(id);
      seen.contributions.delete(id);
      seen.open.delete(id);
      await base.deleteLead(id);
    },

    async saveFlowVersion(flowId, version, definition) {
      // A snapshot this process saw committed is not written again (flow-snapshots in write-buffer.ts).
      const key = `${flowId}@${version}`;
      if (buffer.storedFlows.has(key)) return;
      await plain.saveFlowVersion(flowId, version, definition); // refers to no new row
      buffer.savedFlows.push(key);
    },

    async findOpenConversation(leadId) {
      const known = seen.open.get(leadId);
      if (known !== undefined) return known && copyConversation(known);
      await settle();
      const open = await base.findOpenConversation(leadId);
      seen.open.set(leadId, open && copyConversation(open));
      return open;
    },

    async getConversation(id) {
      for (const c of seen.open.values()) if (c?.id === id) return copyConversation(c);
      await settle();
      return base.getConversation(id);
    },

    async listConversations(leadId) {
      await settle();
      return base.listConversations(leadId);
    },

    async createConversation(input) {
      // Inserted at the end (new-rows.ts), as it stands then.
      const row = newConversationRow(input, new Date());
      created.conversations.set(row.id, copyConversation(row));
      seen.open.set(row.leadId, copyConversation(row));
      seen.answers.set(row.id, []);
      return copyConversation(row);
    },

    async updateConversation(current, patch): Promise<Conversation> {
      const next: Conversation = { ...current, ...definedOnly(patch), version: current.version + 1 };
      const inserting = created.conversations.get(current.id);
      if (inserting) {
        // Not stored yet, so nobody else has seen it: only this transaction's own races.
        if (inserting.version !== current.version)
          throw new ConflictError(
            `conversation ${current.id} is at version ${inserting.version} in this transaction`,
          );
        created.conversations.set(current.id, copyConversation(next));
        keepOpen(next);
        return copyConversation(next);
      }
      const pending = buffer.conversations.get(current.id);
      if (pending && pending.next.version !== current.version)
        throw new ConflictError(
          `conversation ${current.id} is at version ${pending.next.version} in this transaction`,
        );
      // Written (and version-checked) with the others at the commit: a conflict rejects the transaction.
      buffer.conversations.set(current.id, { expected: pending?.expected ?? current.version, next });
      keepOpen(next);
      return copyConversation(next);
    },

    async abandonIdleConversations(before) {
      await settle();
      seen.open.clear(); // statuses change under it
      return base.abandonIdleConversations(before);
    },

    async addAnswer(input) {
      const row = newAnswerRow(input);
      buffer.answers.push({ ...row });
      return row;
    },

    async listAnswers(conversationId) {
      const known = seen.answers.get(conversationId);
      const stored = known
        ? known.map((a) => ({ ...a, value: structuredJson(a.value) }))
        : await base.listAnswers(conversationId);
      return withPending(stored, buffer.answers, (a) => a.conversationId === conversationId);
    },

    async replaceScoreContributions(leadId, conversationId, items) {
      const all = await view.listScoreContributions(leadId);
      const { added, stale, score } = contributionChanges(all, leadId, conversationId, items);
      // A stale row that is still pending leaves the buffer; stale stored rows are deleted now.
      buffer.contributions = buffer.contributions.filter((c) => !stale.delete(c.id));
      buffer.contributions.push(...added);
      if (stale.size > 0) {
        await db.scoreContribution.deleteMany({ where: { id: { in: [...stale] } } });
        const known = seen.contributions.get(leadId);
        if (known)
          seen.contributions.set(
            leadId,
            known.filter((c) => !stale.has(c.id)),
          );
      }
      return score;
    },

    async listScoreContributions(leadId) {
      const known = seen.contributions.get(leadId);
      const stored = known ? known.map((c) => ({ ...c })) : await base.listScoreContributions(leadId);
      return withPending(stored, buffer.contributions, (c) => c.leadId === leadId);
    },

    async addStageChange(input) {
      const change = toStageChange(newStageChangeRow(input));
      buffer.stageChanges.push(change);
      return { ...change };
    },

    async listStageChanges(leadId) {
      const stored = await base.listStageChanges(leadId);
      return withPending(stored, buffer.stageChanges, (c) => c.leadId === leadId);
    },

    async enqueueOutbox(input) {
      const inserted = await base.enqueueOutbox(input);
      if (inserted) buffer.enqueued = true; // the store tells subscribers after the commit
      return inserted;
    },

    async markEventProcessed(platform, eventId) {
      const key = eventKey(platform, eventId);
      const first = seen.events.get(key);
      if (first === undefined) return plain.markEventProcessed(platform, eventId); // refers to no new row
      seen.events.set(key, false); // recorded now: a second call is a repeat
      return first;
    },
  };
  return view;
}
