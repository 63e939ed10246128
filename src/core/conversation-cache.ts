/**
 * The engine's cache of open conversations and their answers, so a message does not read back
 * what the previous message of the same person just wrote (and of the flow snapshots it knows
 * are stored, so starting a conversation does not write the same snapshot again).
 *
 * It is safe across processes because nothing cached is trusted blindly: a conversation and
 * its answers only change together with the conversation's version (every answer is written in
 * the transaction that bumps it), and every event that acts on a conversation writes it with
 * `updateConversation(conversation, patch)`, checked against the stored version. A stale entry therefore fails that write with a conflict,
 * the transaction rolls back, the entry is evicted, and the engine re-runs the event on fresh
 * rows. Changes made inside a transaction are staged and enter the cache only after it commits.
 */
import type { Answer, Conversation, LeadRepo } from './ports.ts';

interface Entry {
  conversation: Conversation;
  /** Every answer of the conversation, oldest first; undefined until read once. */
  answers?: Answer[];
}

const OPEN = new Set(['active', 'abandoned']);

export interface CacheView {
  /** `tx` with open conversations and their answers served from the cache. */
  repo: LeadRepo;
  /** Publishes what this transaction read and wrote (call after its commit). */
  commit(): void;
  /** Evicts every lead this transaction looked at (call when it failed). */
  discard(): void;
}

export interface ConversationCache {
  begin(tx: LeadRepo): CacheView;
  /** Forgets everything (after a bulk change such as the idle sweep). */
  clear(): void;
  readonly size: number;
}

/** Copies of cached rows: their JSON parts are copied, dates are never mutated. */
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const copyConversation = (c: Conversation): Conversation => ({ ...c, variables: json(c.variables) });
const copyAnswers = (answers: Answer[]): Answer[] =>
  answers.map((a) => ({ ...a, value: a.value === null ? null : json(a.value) }));

/** A cache of at most `limit` leads' open conversations, least recently used out first. */
export function createConversationCache(limit: number): ConversationCache {
  /** By lead id. Map order is recency order: oldest first. */
  const entries = new Map<string, Entry>();
  /** `flowId@version` of flow snapshots known to be stored (immutable rows, never deleted). */
  const storedFlows = new Set<string>();

  function begin(tx: LeadRepo): CacheView {
    /** Lead id → the entry as this transaction left it (null: no open conversation known). */
    const staged = new Map<string, Entry | null>();
    const savedFlows: string[] = [];
    const touched = new Set<string>();

    const lookup = (leadId: string): Entry | null | undefined =>
      staged.has(leadId) ? staged.get(leadId) : entries.get(leadId);
    const byConversation = (conversationId: string): Entry | undefined => {
      for (const e of staged.values()) if (e?.conversation.id === conversationId) return e;
      for (const [leadId, e] of entries)
        if (e.conversation.id === conversationId && !staged.has(leadId)) return e;
      return undefined;
    };
    /** Stages a copy of `entry` for its lead (copy-on-write: the shared entry stays as it was). */
    const stage = (leadId: string, entry: Entry | null) => {
      touched.add(leadId);
      staged.set(leadId, entry);
    };

    const overrides: Partial<LeadRepo> = {
      async saveFlowVersion(flowId, version, definition) {
        const key = `${flowId}@${version}`;
        if (storedFlows.has(key)) return;
        await tx.saveFlowVersion(flowId, version, definition);
        savedFlows.push(key);
      },
      async findOpenConversation(leadId) {
        touched.add(leadId);
        const hit = lookup(leadId);
        if (hit) return copyConversation(hit.conversation);
        const conversation = await tx.findOpenConversation(leadId);
        if (conversation) stage(leadId, { conversation: copyConversation(conversation) });
        return conversation;
      },
      async getConversation(id) {
        const hit = byConversation(id);
        return hit ? copyConversation(hit.conversation) : tx.getConversation(id);
      },
      async listAnswers(conversationId) {
        const hit = byConversation(conversationId);
        if (hit?.answers) return copyAnswers(hit.answers);
        const answers = await tx.listAnswers(conversationId);
        if (hit)
          stage(hit.conversation.leadId, { conversation: hit.conversation, answers: copyAnswers(answers) });
        return answers;
      },
      async addAnswer(input) {
        const answer = await tx.addAnswer(input);
        const hit = byConversation(input.conversationId);
        if (hit?.answers)
          stage(hit.conversation.leadId, { ...hit, answers: [...hit.answers, ...copyAnswers([answer])] });
        return answer;
      },
      async createConversation(input) {
        const conversation = await tx.createConversation(input);
        stage(conversation.leadId, { conversation: copyConversation(conversation), answers: [] });
        return conversation;
      },
      async updateConversation(current, patch) {
        const { id } = current;
        const conversation = await tx.updateConversation(current, patch);
        const leadId = conversation.leadId;
        const previous = lookup(leadId);
        const answers = previous?.conversation.id === id ? previous.answers : undefined;
        stage(
          leadId,
          OPEN.has(conversation.status) ? { conversation: copyConversation(conversation), answers } : null,
        );
        return conversation;
      },
    };
    // Everything else goes to the transaction itself (a class instance or a plain object).
    const repo = new Proxy(tx, {
      get(target, prop) {
        if (prop in overrides) return overrides[prop as keyof LeadRepo];
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    return {
      repo,
      commit() {
        for (const key of savedFlows) storedFlows.add(key);
        for (const [leadId, entry] of staged) {
          entries.delete(leadId);
          if (entry) entries.set(leadId, entry);
        }
        for (const leadId of touched) {
          const entry = entries.get(leadId);
          if (entry && !staged.has(leadId)) {
            entries.delete(leadId); // refresh recency
            entries.set(leadId, entry);
          }
        }
        while (entries.size > limit) entries.delete(entries.keys().next().value!);
      },
      discard() {
        for (const leadId of touched) entries.delete(leadId);
      },
    };
  }

  return {
    begin,
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}
