/**
 * The flow a scheduled message belongs to: the loaded version when it matches the
 * conversation, otherwise the immutable version stored with it (a conversation keeps its flow).
 */
import type { FlowCatalog } from '../flow/catalog.ts';
import { type Flow, parseFlow } from '../flow/validate.ts';
import type { Conversation, LeadRepo } from '../ports/index.ts';

/** Returns null when neither the catalog nor the store knows the version (nothing to send then). */
export async function flowOfConversation(
  repo: LeadRepo,
  flows: FlowCatalog,
  conv: Pick<Conversation, 'flowId' | 'flowVersion'>,
): Promise<Flow | null> {
  const current = flows.get(conv.flowId);
  if (current?.version === conv.flowVersion) return current;
  const stored = await repo.getFlowVersion(conv.flowId, conv.flowVersion);
  if (!stored) return current ?? null;
  try {
    return { ...parseFlow(stored, `${conv.flowId}@${conv.flowVersion}`), version: conv.flowVersion };
  } catch {
    return current ?? null; // An old version that no longer validates: the current one is the best guess.
  }
}

/** The lead's newest conversation (by start), if any. */
export async function latestConversation(
  repo: Pick<LeadRepo, 'listConversations'>,
  leadId: string,
): Promise<Conversation | null> {
  let latest: Conversation | null = null;
  for (const c of await repo.listConversations(leadId))
    if (!latest || c.startedAt >= latest.startedAt) latest = c;
  return latest;
}

/** When the person last did anything (any conversation), or null for none. */
export async function lastActivity(repo: LeadRepo, leadId: string): Promise<Date | null> {
  let last: Date | null = null;
  for (const c of await repo.listConversations(leadId))
    if (!last || c.lastActivityAt > last) last = c.lastActivityAt;
  return last;
}
