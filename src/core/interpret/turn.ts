/**
 * One message's proposals inside its transaction: judged against the answers the transaction
 * sees (so a step answered meanwhile is skipped), recorded as inferred answers, and the steps
 * they filled skipped when the conversation moves on.
 */
import type { Variables } from '../flow/conditions.ts';
import { END, type Flow } from '../flow/validate.ts';
import type { Conversation, InterpretedValue, LeadRepo, Logger } from '../ports/index.ts';
import { type JudgedValue, judgeProposals, latestAccepted, openSteps } from './judge.ts';

/** What the engine accepted from a message, and which steps now hold an inferred answer. */
export interface Inference {
  /** The value for the step being asked, when the message answers it through the model. */
  current: JudgedValue | null;
  /** Values for other steps. */
  others: JudgedValue[];
  /** Every step whose latest accepted answer is inferred (earlier messages and this one). */
  inferred: Set<string>;
}

/** Judges `proposals` for the conversation at its current step, reading its answers in `tx`. */
export async function judgeTurn(
  tx: LeadRepo,
  flow: Flow,
  conv: Conversation,
  message: string,
  proposals: InterpretedValue[],
  logger: Logger,
): Promise<Inference> {
  const answers = await tx.listAnswers(conv.id);
  const { accepted, refused } = judgeProposals(flow, openSteps(flow, answers), message, proposals);
  if (refused.length > 0) logger.info({ conversationId: conv.id, refused }, 'inferred values refused');
  const inferred = new Set<string>();
  for (const [id, a] of latestAccepted(answers)) if (a.inferred) inferred.add(id);
  for (const a of accepted) inferred.add(a.stepId);
  return {
    current: accepted.find((a) => a.stepId === conv.currentStep) ?? null,
    others: accepted.filter((a) => a.stepId !== conv.currentStep),
    inferred,
  };
}

/** Records inferred answers of other steps: accepted, marked inferred, with their evidence. */
export async function recordInferred(
  tx: LeadRepo,
  conv: Conversation,
  rawText: string,
  values: JudgedValue[],
  now: Date,
): Promise<void> {
  for (const v of values) {
    await tx.addAnswer({
      conversationId: conv.id,
      stepId: v.stepId,
      value: v.value,
      rawText,
      attempt: 1,
      accepted: true,
      inferred: true,
      evidence: v.evidence,
      createdAt: now,
    });
  }
}

/** Follows `next` past steps that already hold an inferred answer (bounded by the flow's size). */
export function skipInferred(
  next: string,
  variables: Variables,
  inferred: Set<string>,
  follow: (stepId: string, vars: Variables) => string,
): string {
  let step = next;
  for (let hops = 0; step !== END && inferred.has(step) && hops <= inferred.size; hops++)
    step = follow(step, variables);
  return step;
}

/** "team size → 400; budget → Yes, approved": what a message filled, so the person can correct it. */
export function describeNoted(values: JudgedValue[]): string {
  return values.map((v) => `${v.stepId.replace(/[_-]+/g, ' ')} → ${v.display}`).join('; ');
}
