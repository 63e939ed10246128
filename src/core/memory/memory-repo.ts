/**
 * {@link LeadRepo} over in-memory tables. Every method reads the tables through `tables()`
 * because a rolled-back transaction swaps the whole state object.
 */
import { ConflictError, LeadbotError } from '../errors.ts';
import { type NewIdentity, newIdentity, newLead, patchLead } from '../lead-rows.ts';
import type {
  Answer,
  Conversation,
  ConversationPatch,
  Identity,
  IdentityKey,
  JsonValue,
  Lead,
  LeadFilter,
  LeadPatch,
  LeadRepo,
  NewAnswer,
  NewConversation,
  NewLead,
  Note,
  Page,
  ScoreContribution,
  StageChange,
} from '../ports/index.ts';
import { decodeCursor, encodeCursor, JournaledTables } from './journaled-tables.ts';
import { MemoryHandoffs } from './memory-handoffs.ts';
import { copy, newId } from './memory-state.ts';

const identityKey = (k: IdentityKey) => `${k.platform}\u0000${k.workspaceId}\u0000${k.userId}`;
const byCreated = <T extends { createdAt: Date; id: string }>(a: T, b: T) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The repo's reads and writes, and its handoffs; the store adds the verdict log (memory-schedules.ts). */
export class MemoryRepo extends JournaledTables implements Omit<LeadRepo, 'verdicts' | 'handoffs'> {
  readonly handoffTables = new MemoryHandoffs(this.tables, this.journal);

  async findIdentity(key: IdentityKey): Promise<Identity | null> {
    const found = this.tables().identities.get(identityKey(key));
    return found ? copy(found) : null;
  }

  async findLeadByIdentity(key: IdentityKey): Promise<Lead | null> {
    const identity = this.tables().identities.get(identityKey(key));
    const lead = identity && this.tables().leads.get(identity.leadId);
    return lead ? copy(lead) : null;
  }

  async createLead(input: NewLead, identity?: NewIdentity): Promise<Lead> {
    const lead = newLead(input, newId(), new Date());
    if (identity && this.tables().identities.has(identityKey(identity))) {
      throw new LeadbotError('DUPLICATE', `identity ${identity.platform}/${identity.userId} already exists`);
    }
    this.put(this.tables().leads, lead.id, lead);
    if (identity) await this.addIdentity(lead.id, identity);
    return copy(lead);
  }

  async addIdentity(leadId: string, identity: NewIdentity): Promise<Identity> {
    const key = identityKey(identity);
    if (this.tables().identities.has(key)) {
      throw new LeadbotError('DUPLICATE', `identity ${identity.platform}/${identity.userId} already exists`);
    }
    this.requireLead(leadId);
    const row = newIdentity(leadId, identity, newId(), new Date());
    this.put(this.tables().identities, key, row);
    return copy(row);
  }

  /** Detaches one account from its lead (identity unlinking); the lead stays. */
  async removeIdentity(key: IdentityKey): Promise<boolean> {
    return this.remove(this.tables().identities, identityKey(key));
  }

  async listIdentities(leadId: string): Promise<Identity[]> {
    return copy([...this.tables().identities.values()].filter((i) => i.leadId === leadId).sort(byCreated));
  }

  async getLead(id: string): Promise<Lead | null> {
    const lead = this.tables().leads.get(id);
    return lead ? copy(lead) : null;
  }

  async updateLead(id: string, patch: LeadPatch): Promise<Lead> {
    const lead = this.requireLead(id);
    const next = patchLead(lead, patch, new Date());
    this.put(this.tables().leads, id, next);
    return copy(next);
  }

  async listLeads(filter: LeadFilter): Promise<Page<Lead>> {
    const limit = filter.limit ?? 50;
    const after = filter.cursor ? decodeCursor(filter.cursor) : null;
    const rows = [...this.tables().leads.values()]
      .filter(
        (l) =>
          (!filter.stage || l.stage === filter.stage) &&
          (!filter.ownerId || l.ownerId === filter.ownerId) &&
          (!filter.source || l.source.platform === filter.source || l.source.campaign === filter.source) &&
          (!filter.since || l.createdAt >= filter.since),
      )
      .sort((a, b) => byCreated(b, a))
      .filter((l) => !after || byCreated(l, after) < 0);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return { items: copy(items), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  async deleteLead(id: string): Promise<void> {
    const t = this.tables();
    const conversations = new Set(
      [...t.conversations.values()].filter((c) => c.leadId === id).map((c) => c.id),
    );
    this.remove(t.leads, id);
    for (const [key, identity] of [...t.identities])
      if (identity.leadId === id) this.remove(t.identities, key);
    for (const cid of conversations) this.remove(t.conversations, cid);
    this.replace(
      'answers',
      t.answers.filter((a) => !conversations.has(a.conversationId)),
    );
    for (const name of ['contributions', 'stageChanges', 'notes'] as const)
      this.replace(name, (t[name] as { leadId: string }[]).filter((r) => r.leadId !== id) as never);
    for (const [key, row] of [...t.outbox]) if (row.leadId === id) this.remove(t.outbox, key);
    this.handoffTables.eraseLead(id);
  }

  async saveFlowVersion(flowId: string, version: string, definition: JsonValue): Promise<void> {
    const key = `${flowId}@${version}`;
    if (!this.tables().flows.has(key)) this.put(this.tables().flows, key, copy(definition));
  }

  async getFlowVersion(flowId: string, version: string): Promise<JsonValue | null> {
    const found = this.tables().flows.get(`${flowId}@${version}`);
    return found === undefined ? null : copy(found);
  }

  async findOpenConversation(leadId: string): Promise<Conversation | null> {
    const open = [...this.tables().conversations.values()]
      .filter((c) => c.leadId === leadId && c.status !== 'completed')
      .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1));
    const newest = open.at(-1);
    return newest ? copy(newest) : null;
  }

  async getConversation(id: string): Promise<Conversation | null> {
    const found = this.tables().conversations.get(id);
    return found ? copy(found) : null;
  }

  async listConversations(leadId: string): Promise<Conversation[]> {
    return copy(
      [...this.tables().conversations.values()]
        .filter((c) => c.leadId === leadId)
        .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || (a.id < b.id ? -1 : 1)),
    );
  }

  async createConversation(input: NewConversation): Promise<Conversation> {
    this.requireLead(input.leadId);
    const now = new Date();
    const row: Conversation = {
      id: newId(),
      ...input,
      variables: copy(input.variables ?? {}),
      status: 'active',
      attempts: 0,
      version: 0,
      startedAt: now,
      lastActivityAt: now,
      endedAt: null,
    };
    this.put(this.tables().conversations, row.id, row);
    return copy(row);
  }

  async updateConversation(conversation: Conversation, patch: ConversationPatch): Promise<Conversation> {
    const { id, version: expectedVersion } = conversation;
    const row = this.tables().conversations.get(id);
    if (!row || row.version !== expectedVersion) {
      throw new ConflictError(`conversation ${id} changed since version ${expectedVersion}`);
    }
    const next = { ...row, ...copy(patch), version: row.version + 1 };
    this.put(this.tables().conversations, id, next);
    return copy(next);
  }

  async abandonIdleConversations(before: Date): Promise<number> {
    let count = 0;
    const conversations = this.tables().conversations;
    for (const row of [...conversations.values()]) {
      if (row.status === 'active' && row.lastActivityAt < before) {
        this.put(conversations, row.id, { ...row, status: 'abandoned', version: row.version + 1 });
        count += 1;
      }
    }
    return count;
  }

  async addAnswer(input: NewAnswer): Promise<Answer> {
    const { inferred = false, evidence = null, createdAt = new Date() } = input;
    const row: Answer = { ...copy(input), inferred, evidence, id: newId(), createdAt };
    this.append(this.tables().answers, row);
    return copy(row);
  }

  async listAnswers(conversationId: string): Promise<Answer[]> {
    return copy(this.tables().answers.filter((a) => a.conversationId === conversationId));
  }

  async replaceScoreContributions(
    leadId: string,
    conversationId: string | null,
    items: Omit<ScoreContribution, 'id' | 'leadId' | 'conversationId' | 'createdAt'>[],
  ): Promise<number> {
    const t = this.tables();
    this.replace(
      'contributions',
      t.contributions.filter((c) => !(c.leadId === leadId && c.conversationId === conversationId)),
    );
    const now = new Date();
    const rows = items.map((item) => ({ ...item, id: newId(), leadId, conversationId, createdAt: now }));
    this.append(t.contributions, ...rows);
    return t.contributions.filter((c) => c.leadId === leadId).reduce((sum, c) => sum + c.points, 0);
  }

  async listScoreContributions(leadId: string): Promise<ScoreContribution[]> {
    return copy(this.tables().contributions.filter((c) => c.leadId === leadId));
  }

  async addStageChange(
    input: Omit<StageChange, 'id' | 'createdAt'> & { createdAt?: Date },
  ): Promise<StageChange> {
    this.requireLead(input.leadId);
    const row: StageChange = { ...input, id: newId(), createdAt: input.createdAt ?? new Date() };
    this.append(this.tables().stageChanges, row);
    return copy(row);
  }

  async listStageChanges(leadId: string): Promise<StageChange[]> {
    return copy(this.tables().stageChanges.filter((c) => c.leadId === leadId));
  }

  async addNote(input: Omit<Note, 'id' | 'createdAt'>): Promise<Note> {
    this.requireLead(input.leadId);
    const row: Note = { ...input, id: newId(), createdAt: new Date() };
    this.append(this.tables().notes, row);
    return copy(row);
  }

  async listNotes(leadId: string): Promise<Note[]> {
    return copy(this.tables().notes.filter((n) => n.leadId === leadId));
  }

  async enqueueOutbox(input: {
    kind: string;
    idempotencyKey: string;
    leadId?: string | null;
    payload: JsonValue;
  }): Promise<boolean> {
    const t = this.tables();
    for (const row of t.outbox.values()) if (row.idempotencyKey === input.idempotencyKey) return false;
    const now = new Date();
    const id = newId();
    this.put(t.outbox, id, {
      id,
      kind: input.kind,
      idempotencyKey: input.idempotencyKey,
      leadId: input.leadId ?? null,
      payload: copy(input.payload),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now,
      deliveredAt: null,
      externalRef: null,
      lastError: null,
      createdAt: now,
      lockedBy: null,
      lockedUntil: null,
    });
    return true;
  }

  async markEventProcessed(platform: string, eventId: string): Promise<boolean> {
    const key = `${platform}\u0000${eventId}`;
    if (this.tables().events.has(key)) return false;
    const events = this.tables().events;
    events.set(key, new Date());
    this.journal.record(() => events.delete(key));
    return true;
  }
}
