/**
 * What scoring tools read back from the store: per lead, the latest conversation's accepted
 * answers, its flow definition, the score contributions, whether it ever reached SQL, and the
 * rep's newest verdict. Shared by `scoring report` and `scoring backtest`.
 */
import type { FlowDefinition } from './flow/schema.ts';
import { parseFlow } from './flow/validate.ts';
import type { Conversation, JsonValue, Lead, LeadStore, ScoreContribution, Verdict } from './ports/index.ts';

export interface LeadScoringData {
  lead: Lead;
  conversation: Conversation | null;
  definition: FlowDefinition | null;
  /** Latest accepted value per step id. */
  answers: Map<string, JsonValue>;
  contributions: ScoreContribution[];
  reachedSql: boolean;
  verdict: Verdict | null;
}

/** A stored flow version's definition; null when missing or no longer valid (its answers still count by step id). */
export function storedDefinition(stored: JsonValue | null): FlowDefinition | null {
  try {
    return stored ? parseFlow(stored).definition : null;
  } catch {
    return null;
  }
}

async function definitionOf(store: LeadStore, conv: Conversation): Promise<FlowDefinition | null> {
  return storedDefinition(await store.getFlowVersion(conv.flowId, conv.flowVersion));
}

/** Reads every lead (page by page) with what scoring needs. */
export async function* readScoringData(store: LeadStore): AsyncGenerator<LeadScoringData> {
  const newest = new Map<string, Verdict>();
  for (const v of await store.verdicts.list()) newest.set(v.leadId, v.verdict);
  let cursor: string | undefined;
  do {
    const page = await store.listLeads({ limit: 200, ...(cursor ? { cursor } : {}) });
    for (const lead of page.items) {
      const conversations = await store.listConversations(lead.id);
      const conversation = conversations.reduce<Conversation | null>(
        (a, c) => (a === null || c.startedAt >= a.startedAt ? c : a),
        null,
      );
      const answers = new Map<string, JsonValue>();
      if (conversation)
        for (const a of await store.listAnswers(conversation.id))
          if (a.accepted && a.value !== null) answers.set(a.stepId, a.value);
      yield {
        lead,
        conversation,
        definition: conversation ? await definitionOf(store, conversation) : null,
        answers,
        contributions: await store.listScoreContributions(lead.id),
        // Its first stage change to SQL is kept on the lead (src/core/lead-lifecycle.ts).
        reachedSql: lead.reachedSqlAt !== null,
        verdict: newest.get(lead.id) ?? null,
      };
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
