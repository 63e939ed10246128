/**
 * A lead costs an answer. For an anonymous visitor ({@link EventOrigin.leadOnAnswer}: the web
 * chat) nothing is written until they answer the first question in a way the flow takes: opening
 * the chat shows the welcome and the first question from the flow alone, and the lead, its
 * identity and the conversation are created in the transaction of that first answer. So a
 * client that opens chats by the thousand writes no row at all.
 */
import {
  baseVariables,
  firstQuestion,
  info,
  message,
  parseReply,
  question,
  type Reply,
  retryMessage,
} from './conversation.ts';
import type { EventOrigin, InboundEvent, OutboundMessage } from './events.ts';
import { namesStep } from './flow/step-ref.ts';
import type { Flow } from './flow/validate.ts';

/** What an event of a person without a lead does: record `answer`, or only `show` messages. */
export type FirstContact = { answer: Reply } | { show: OutboundMessage[] };

/** The answer an event carries, or null when it carries none. */
function replyOf(e: InboundEvent): Reply | null {
  if (e.kind === 'message') return { text: e.text };
  if (e.kind === 'choice') return { values: e.values };
  return null;
}

/** The variables the visitor's conversation will start with (as `baseVariables` of the new lead). */
function startVariables(e: EventOrigin) {
  return baseVariables(
    {
      source: {
        platform: e.platform,
        workspaceId: e.workspaceId,
        channelId: e.channelId,
        campaign: e.campaign ?? null,
      },
      name: e.displayName ?? null,
      email: null,
      phone: null,
      company: null,
    },
    e,
  );
}

/**
 * What an event of a person without a lead does, decided from the flow alone (no read, no
 * write): `answer` when it is an answer to the first step that the flow takes (accepted, or
 * its last allowed attempt), so the caller creates the lead and records it; otherwise the
 * messages to `show`, and nothing is stored.
 *
 * - a `stop` (command or stop word): the "stopped" message;
 * - `start`, `restart`, any other command: the welcome and the first question;
 * - an answer for another step than the first (`stepId` of a question the visitor no longer
 *   has, e.g. the flow changed, or the lead was erased meanwhile): "stale" and the first question;
 * - an answer the first step refuses with attempts left: its retry message and the question
 *   again (an anonymous attempt is not counted: there is no row to count it in); without
 *   `stepId`, the welcome and the first question, as for a `start`.
 *
 * An answer without `stepId` answers the first step, the only question such a visitor can have
 * been shown (API clients and scripts; the widget always names the step).
 */
export function firstContact(e: InboundEvent, flow: Flow, isStop: boolean): FirstContact {
  const variables = startVariables(e);
  // As for a person who never had a conversation on any platform: the flow-neutral text.
  if (isStop) return { show: [info(message(undefined, 'stopped'))] };
  const reply = replyOf(e);
  if (!reply) return { show: firstQuestion(flow, variables) };
  const stepId = e.kind === 'message' || e.kind === 'choice' ? e.stepId : undefined;
  if (stepId !== undefined && !namesStep(stepId, flow.startStep))
    return { show: [info(message(flow, 'stale')), question(flow, flow.startStep, variables)] };
  const step = flow.definition.steps[flow.startStep]!;
  if (parseReply(flow, flow.startStep, reply).ok || step.maxAttempts <= 1) return { answer: reply };
  // Without a step the client may never have shown the question: greet as a start does.
  if (stepId === undefined) return { show: firstQuestion(flow, variables) };
  return { show: [retryMessage(flow, flow.startStep, variables), question(flow, flow.startStep, variables)] };
}
