/**
 * Answering the current step: the typed reply (and, with an answer interpreter, what the engine
 * accepted of the model's reading of it), recorded, then the conversation moves on and rescores.
 */
import { offerBooking } from './booking/booking-link.ts';
import {
  applyAnswer,
  info,
  MAX_RAW_TEXT,
  message,
  nextStep,
  parseReply,
  question,
  type Reply,
  rescore,
  retryMessage,
  type Turn,
} from './conversation.ts';
import type { OutboundMessage } from './events.ts';
import type { Variables } from './flow/conditions.ts';
import type { FlowStep } from './flow/schema.ts';
import { END, type Flow } from './flow/validate.ts';
import { describeNoted, type Inference, judgeTurn, recordInferred, skipInferred } from './interpret/turn.ts';
import type { Conversation, InterpretedValue, JsonValue, LeadPatch } from './ports/index.ts';
import { truncateText } from './text-fit.ts';

/** Puts an accepted value in the variables and, for a step that fills a lead field, in the lead patch. */
function acceptValue(
  t: Turn,
  step: FlowStep,
  stepId: string,
  value: JsonValue,
  variables: Variables,
  leadPatch: LeadPatch,
): void {
  applyAnswer(variables, step, stepId, value);
  if (step.field === 'consent') {
    leadPatch.consent = value === true;
    leadPatch.consentAt = value === true ? t.now : null;
  } else if (step.field) {
    leadPatch[step.field] = String(value);
  }
}

/**
 * Records the reply to the current step (accepted or not), moves the conversation on,
 * and rescores the lead. Returns the messages to send.
 *
 * `proposals` are what the answer interpreter read in the message (the engine passes them only
 * when one is configured; without, the turn is exactly the typed one): the engine judges them
 * (interpret/judge.ts), records the accepted ones as inferred answers, takes one for the current
 * step over the typed parse, and skips steps that already hold an inferred answer.
 */
export async function answerStep(
  t: Turn,
  flow: Flow,
  conv: Conversation,
  reply: Reply,
  proposals?: InterpretedValue[],
): Promise<OutboundMessage[]> {
  const stepId = conv.currentStep!;
  const step = flow.definition.steps[stepId]!;
  const raw = 'text' in reply ? reply.text : reply.values.join(', ');
  const inference: Inference | null = proposals
    ? await judgeTurn(t.tx, flow, conv, 'text' in reply ? reply.text : '', proposals, t.logger)
    : null;
  const current = inference?.current;
  const parsed = current
    ? { ok: true as const, value: current.value, display: current.display }
    : parseReply(flow, stepId, reply);
  const others = inference?.others ?? [];
  const rawText = truncateText(raw, MAX_RAW_TEXT);
  const variables: Variables = { ...conv.variables };
  const leadPatch: LeadPatch = {};
  const out: OutboundMessage[] = [];
  if (others.length > 0) {
    await recordInferred(t.tx, conv, rawText, others, t.now);
    for (const v of others)
      acceptValue(t, flow.definition.steps[v.stepId]!, v.stepId, v.value, variables, leadPatch);
    if (!parsed.ok) {
      out.push(info(message(flow, 'noted', { noted: describeNoted(others) })));
      // The message answered other steps (or corrected one), not this one: no attempt is spent.
      await t.tx.updateConversation(conv, { variables, lastActivityAt: t.now });
      await rescore(t, flow, conv.id, variables, leadPatch);
      return [...out, question(flow, stepId, variables)];
    }
  }
  const attempt = conv.attempts + 1;
  await t.tx.addAnswer({
    conversationId: conv.id,
    stepId,
    value: parsed.ok ? parsed.value : null,
    rawText,
    attempt,
    accepted: parsed.ok,
    ...(current ? { inferred: true, evidence: current.evidence } : {}),
    createdAt: t.now,
  });
  // Say what the model's reading filled, this step included, so the person can correct it.
  const noted = current ? [current, ...others] : others;
  if (parsed.ok && noted.length > 0) out.push(info(message(flow, 'noted', { noted: describeNoted(noted) })));
  let next: string;
  if (!parsed.ok) {
    if (attempt < step.maxAttempts) {
      await t.tx.updateConversation(conv, { attempts: attempt, lastActivityAt: t.now });
      return [retryMessage(flow, stepId, variables), question(flow, stepId, variables)];
    }
    next =
      step.onInvalid === 'skip'
        ? nextStep(flow, stepId, variables)
        : step.onInvalid === 'end'
          ? END
          : step.onInvalid.goto;
    out.push(info(message(flow, 'movingOn', variables)));
  } else {
    acceptValue(t, step, stepId, parsed.value, variables, leadPatch);
    next = nextStep(flow, stepId, variables);
  }
  if (inference) next = skipInferred(next, variables, inference.inferred, (id, v) => nextStep(flow, id, v));
  const done = next === END;
  await t.tx.updateConversation(conv, {
    currentStep: done ? null : next,
    attempts: 0,
    variables,
    lastActivityAt: t.now,
    ...(done ? { status: 'completed' as const, endedAt: t.now } : {}),
  });
  if (parsed.ok || others.length > 0) await rescore(t, flow, conv.id, variables, leadPatch);
  if (!done) return [...out, question(flow, next, variables)];
  // An SQL's final message carries the flow's meeting link, stored in this transaction.
  const booking = await offerBooking(t, flow);
  const final = message(flow, 'done', variables);
  out.push(info(booking ? `${final}\n\n${booking}` : final));
  return out;
}
