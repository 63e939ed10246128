/**
 * Asking the answer interpreter about one message, before the event's unit of work: a model
 * call takes up to seconds and must not hold a transaction (on SQLite, every writer would wait).
 * The state read here is only used to describe the open steps; the engine judges the proposals
 * again inside the transaction against what it reads there.
 */
import type { InboundEvent } from '../events.ts';
import { cleanText, parseAnswer } from '../flow/inputs.ts';
import type { Flow } from '../flow/validate.ts';
import type {
  Answer,
  AnswerInterpreter,
  Conversation,
  InterpretedValue,
  LeadStore,
  Logger,
} from '../ports/index.ts';
import { describeSteps, openSteps } from './judge.ts';

/** A message this short that the current step already takes is its answer: no call is spent on it. */
const FEW_WORDS = 4;
/** Longer messages are not sent to a model (cost; a chat answer is rarely longer). */
const MAX_MESSAGE = 2000;

export interface AskDeps {
  interpreter: AnswerInterpreter;
  store: LeadStore;
  logger: Logger;
  /** The flow a new conversation starts on, and the flow (version) of an open one. */
  currentFlow(campaign?: string): Flow;
  flowOf(conv: Conversation): Promise<Flow>;
}

/** Where the person stands: the flow, the step being asked and the answers so far; null when nothing is asked. */
async function standing(
  deps: AskDeps,
  e: InboundEvent,
): Promise<{ flow: Flow; stepId: string; answers: Answer[] } | null> {
  const lead = await deps.store.findLeadByIdentity({
    platform: e.platform,
    workspaceId: e.workspaceId,
    userId: e.userId,
  });
  if (!lead) {
    if (!e.leadOnAnswer) return null; // the first message starts the conversation, it answers nothing
    const flow = deps.currentFlow(e.campaign);
    return { flow, stepId: flow.startStep, answers: [] };
  }
  const conv = await deps.store.findOpenConversation(lead.id);
  if (!conv?.currentStep || conv.variables._stopped !== undefined) return null;
  if (e.kind !== 'message' || (e.stepId !== undefined && e.stepId !== conv.currentStep)) return null;
  return {
    flow: await deps.flowOf(conv),
    stepId: conv.currentStep,
    answers: await deps.store.listAnswers(conv.id),
  };
}

/**
 * The interpreter's proposals for a direct text message; `[]` for anything else, for a short
 * message the current step takes as typed, and whenever reading or asking fails (the flow then
 * goes on exactly as without a model).
 */
export async function askInterpreter(deps: AskDeps, e: InboundEvent): Promise<InterpretedValue[]> {
  if (e.kind !== 'message' || !e.isDirect) return [];
  const text = cleanText(e.text);
  if (text === '' || text.length > MAX_MESSAGE) return [];
  try {
    const at = await standing(deps, e);
    if (!at) return [];
    const step = at.flow.definition.steps[at.stepId];
    if (!step) return [];
    if (text.split(/\s+/).length < FEW_WORDS && parseAnswer(step, text).ok) return [];
    const open = openSteps(at.flow, at.answers);
    if (open.size === 0) return [];
    return await deps.interpreter.interpret({
      steps: describeSteps(at.flow, open),
      message: text,
      personKey: `${e.platform}:${e.workspaceId}:${e.userId}`,
    });
  } catch (err) {
    deps.logger.warn({ err, eventId: e.eventId }, 'answer interpreter skipped');
    return [];
  }
}
