/**
 * Rows as the Prisma repo (prisma-lead-repo.ts) and its per-transaction view
 * (prisma-tx-view.ts) both build them: new answers, conversations and stage changes, copies
 * handed to callers (so a caller's edits never reach a kept row), and the difference between a
 * conversation's stored score contributions and its new ones.
 */

import type {
  Answer,
  Conversation,
  Lead,
  LeadRepo,
  NewConversation,
  ScoreContribution,
} from '../core/ports/index.ts';
import { newId } from './ids.ts';
import type { Row } from './mappers.ts';

export const structuredJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
export const copyLead = (l: Lead): Lead => ({ ...l, source: { ...l.source } });
export const copyConversation = (c: Conversation): Conversation => ({
  ...c,
  variables: structuredJson(c.variables),
});

/** A unique constraint failed: P2002 from the query API, P2010 with the driver's code from raw SQL. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } } | null;
  return (
    e?.code === 'P2002' ||
    (e?.code === 'P2010' && e.meta?.driverAdapterError?.cause?.kind === 'UniqueConstraintViolation')
  );
}

export function newConversationRow(input: NewConversation, now: Date): Conversation {
  return {
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
}

export function newAnswerRow(input: Parameters<LeadRepo['addAnswer']>[0]): Answer {
  return {
    id: newId(),
    conversationId: input.conversationId,
    stepId: input.stepId,
    value: input.value,
    rawText: input.rawText,
    attempt: input.attempt,
    accepted: input.accepted,
    inferred: input.inferred ?? false,
    evidence: input.evidence ?? null,
    createdAt: input.createdAt ?? new Date(),
  };
}

export function newStageChangeRow(input: Parameters<LeadRepo['addStageChange']>[0]): Row<'StageChange'> {
  return {
    id: newId(),
    leadId: input.leadId,
    fromStage: input.from,
    toStage: input.to,
    reason: input.reason,
    actor: input.actor,
    createdAt: input.createdAt ?? new Date(),
  };
}

type Rule = Pick<ScoreContribution, 'ruleId' | 'stepId' | 'points' | 'reason'>;

/**
 * What replacing one conversation's contributions with `items` changes, given all the lead's
 * contributions: the rows to add, the ids of rows to delete, and the lead's score afterwards.
 * Only the difference is written: each answer rescores its conversation, which usually keeps
 * every contribution and adds one; deleting and re-inserting them all was the costliest part of
 * handling a message (profiled by bench/). Rows kept keep their id and createdAt.
 */
export function contributionChanges(
  all: ScoreContribution[],
  leadId: string,
  conversationId: string | null,
  items: Rule[],
): { added: ScoreContribution[]; stale: Set<string>; score: number } {
  const others = all.filter((c) => c.conversationId !== conversationId);
  const signature = (c: Rule) => JSON.stringify([c.ruleId, c.stepId, c.points, c.reason]);
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
    added.push({
      id: newId(),
      leadId,
      conversationId,
      ruleId: i.ruleId,
      stepId: i.stepId,
      points: i.points,
      reason: i.reason,
      createdAt,
    });
  }
  const stale = new Set([...unmatched.values()].flat().map((r) => r.id));
  const score = [...others, ...items].reduce((sum, c) => sum + c.points, 0);
  return { added, stale, score };
}
