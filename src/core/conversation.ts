/**
 * What one inbound event does to a lead's conversation, inside one transaction: start,
 * resume, answer, stop, restart. The engine (engine.ts) wraps these with de-duplication,
 * the per-person lock and conflict retries.
 */

import type { OutboundMessage } from './events.ts';
import { evaluate, type Variables } from './flow/conditions.ts';
import { DEFAULT_RETRY, type ParseResult, parseAnswer, parseChoice, stepChoices } from './flow/inputs.ts';
import type { FlowStep } from './flow/schema.ts';
import { render } from './flow/template.ts';
import { defaultNext, END, type Flow } from './flow/validate.ts';
import { changeStage } from './lead-lifecycle.ts';
import { DEFAULT_MESSAGES, type MessageKey } from './messages.ts';
import type {
  Conversation,
  JsonValue,
  Lead,
  LeadEvents,
  LeadPatch,
  LeadRepo,
  Logger,
} from './ports/index.ts';
import { isAutomaticMoveAllowed, scoreConversation, stageFor } from './scoring.ts';

/** Raw text longer than this is stored truncated (the answer is rejected long before). */
export const MAX_RAW_TEXT = 10_000;

/** Everything a step of the conversation needs. */
export interface Turn {
  tx: LeadRepo;
  /** Where the lead's stage changes are announced (lead-lifecycle.ts). */
  events: LeadEvents;
  now: Date;
  lead: Lead;
  logger: Logger;
  /** Where leadbot is reachable from a browser (booking links, src/core/booking/); absent: none sent. */
  publicUrl?: string | undefined;
}

export function message(flow: Flow | undefined, key: MessageKey, vars: Variables = {}): string {
  const custom = flow?.definition.messages[key as keyof Flow['definition']['messages']];
  return render(custom ?? DEFAULT_MESSAGES[key], vars);
}

export function info(text: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { kind: 'info', text, ...extra };
}

/** The question message of a step, with buttons for choices and yes/no. */
export function question(flow: Flow, stepId: string, vars: Variables): OutboundMessage {
  const step = flow.definition.steps[stepId]!;
  const msg: OutboundMessage = { kind: 'question', text: render(step.ask, vars), stepId };
  const choices = stepChoices(step);
  if (choices) msg.choices = choices;
  if (step.type === 'multichoice') msg.multiple = true;
  return msg;
}

/**
 * Stores an accepted answer in the conversation's variables: under the step's `set` name (or
 * its id) and under the lead field it fills. The backtest replays answers through this too.
 */
export function applyAnswer(
  variables: Variables,
  step: Pick<FlowStep, 'set' | 'field'>,
  stepId: string,
  value: JsonValue,
): void {
  variables[step.set ?? stepId] = value;
  if (step.field) variables[step.field] = value;
}

/** Follows a step's `next` with the current variables. */
export function nextStep(flow: Flow, stepId: string, vars: Variables): string {
  const step = flow.definition.steps[stepId]!;
  if (step.next === undefined) return defaultNext(flow.definition, stepId);
  if (typeof step.next === 'string') return step.next;
  for (const b of step.next) if (!b.if || evaluate(b.if, vars)) return b.goto;
  return END;
}

/** Variables every conversation starts with. */
export function baseVariables(
  lead: Pick<Lead, 'source' | 'name' | 'email' | 'phone' | 'company'>,
  origin: { platform: string; displayName?: string },
): Variables {
  const vars: Variables = { platform: origin.platform };
  if (lead.source.campaign) vars.campaign = lead.source.campaign;
  if (origin.displayName) vars.displayName = origin.displayName;
  for (const k of ['name', 'email', 'phone', 'company'] as const) if (lead[k]) vars[k] = lead[k];
  return vars;
}

/** Where a conversation runs. */
export interface ConversationOrigin {
  platform: Conversation['platform'];
  workspaceId: string;
  channelId: string;
  displayName?: string;
}

/** Creates a conversation on the flow's current version, at its first step. */
export async function openConversation(
  t: Turn,
  flow: Flow,
  origin: ConversationOrigin,
): Promise<Conversation> {
  await t.tx.saveFlowVersion(flow.id, flow.version, flow.definition as unknown as JsonValue);
  const conv = await t.tx.createConversation({
    leadId: t.lead.id,
    flowId: flow.id,
    flowVersion: flow.version,
    currentStep: flow.startStep,
    platform: origin.platform,
    workspaceId: origin.workspaceId,
    channelId: origin.channelId,
    variables: baseVariables(t.lead, origin),
  });
  t.logger.info({ leadId: t.lead.id, flowId: flow.id, flowVersion: flow.version }, 'conversation started');
  return conv;
}

/** The welcome and the first question of a flow, with the variables a conversation starts with. */
export function firstQuestion(flow: Flow, variables: Variables): OutboundMessage[] {
  return [info(message(flow, 'welcome', variables)), question(flow, flow.startStep, variables)];
}

/** Creates a conversation on the flow's current version and asks its first question. */
export async function startConversation(
  t: Turn,
  flow: Flow,
  origin: ConversationOrigin,
): Promise<OutboundMessage[]> {
  const conv = await openConversation(t, flow, origin);
  return firstQuestion(flow, conv.variables);
}

/** Stops a conversation so it can be resumed later with /start. */
export async function stopConversation(t: Turn, flow: Flow | undefined, conv: Conversation | null) {
  if (conv && conv.status === 'active') {
    await t.tx.updateConversation(conv, {
      status: 'abandoned',
      variables: { ...conv.variables, _stopped: true },
      lastActivityAt: t.now,
    });
  }
  return [info(message(flow, 'stopped', conv?.variables ?? {}))];
}

/** Re-activates an abandoned conversation and asks the current question again. */
export async function resumeConversation(
  t: Turn,
  flow: Flow,
  conv: Conversation,
): Promise<OutboundMessage[]> {
  const { _stopped, ...variables } = conv.variables;
  void _stopped;
  if (conv.status !== 'active' || _stopped !== undefined) {
    await t.tx.updateConversation(conv, {
      status: 'active',
      variables,
      lastActivityAt: t.now,
    });
  }
  if (!conv.currentStep) return [info(message(flow, 'alreadyDone', variables))];
  return [info(message(flow, 'resumed', variables)), question(flow, conv.currentStep, variables)];
}

/** The message that asks again after a refused answer (the step's `retry`, or its type's default). */
export function retryMessage(flow: Flow, stepId: string, vars: Variables): OutboundMessage {
  const step = flow.definition.steps[stepId]!;
  return { kind: 'error', text: render(step.retry ?? DEFAULT_RETRY[step.type], vars), stepId };
}

/** The person's reply to the current step, as typed text or picked values. */
export type Reply = { text: string } | { values: string[] };

/** Parses a reply to one step of the flow (no state is read or written). */
export function parseReply(flow: Flow, stepId: string, reply: Reply): ParseResult {
  const step = flow.definition.steps[stepId]!;
  if ('text' in reply) return parseAnswer(step, reply.text);
  if (step.type === 'choice' || step.type === 'multichoice') return parseChoice(step, reply.values);
  return parseAnswer(step, reply.values.join(', '));
}

/**
 * Recomputes the conversation's contributions, the lead's score (sum of all its
 * contributions) and moves the stage forward when the flow says so.
 */
export async function rescore(
  t: Turn,
  flow: Flow,
  conversationId: string,
  variables: Variables,
  leadPatch: LeadPatch = {},
): Promise<Lead> {
  const accepted = new Map<string, JsonValue>();
  const evidence = new Map<string, string>();
  for (const a of await t.tx.listAnswers(conversationId)) {
    if (!a.accepted || a.value === null) continue;
    accepted.set(a.stepId, a.value);
    if (a.inferred && a.evidence) evidence.set(a.stepId, a.evidence);
    else evidence.delete(a.stepId);
  }
  const { contributions, hard } = scoreConversation(flow.definition, accepted, variables, evidence);
  const score = await t.tx.replaceScoreContributions(t.lead.id, conversationId, contributions);
  let lead = await t.tx.updateLead(t.lead.id, { ...leadPatch, score });
  const target = stageFor(flow.definition, score, accepted.size, hard);
  if (isAutomaticMoveAllowed(lead.stage, target.stage)) {
    const result = await changeStage(t.tx, t.events, {
      leadId: lead.id,
      to: target.stage,
      reason: target.reason,
      actor: 'engine',
      now: t.now,
      flow: { definition: flow.definition, conversationId },
      current: lead,
    });
    lead = result.lead;
    t.logger.info(
      { leadId: lead.id, from: result.change?.from, to: target.stage, score, alert: result.alertQueued },
      'stage changed',
    );
  }
  t.lead = lead;
  return lead;
}
