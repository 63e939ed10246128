/** Conversations (one run of a flow with one lead) and their answers. */
import type { Platform } from '../events.ts';
import type { JsonValue } from './json.ts';

export type ConversationStatus = 'active' | 'completed' | 'abandoned';

export interface Conversation {
  id: string;
  leadId: string;
  flowId: string;
  flowVersion: string;
  /** The step waiting for an answer; null once the flow ended. */
  currentStep: string | null;
  status: ConversationStatus;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  variables: Record<string, JsonValue>;
  /** Failed attempts on the current step. */
  attempts: number;
  /** Optimistic-lock version, bumped by every update. */
  version: number;
  startedAt: Date;
  lastActivityAt: Date;
  endedAt: Date | null;
}

export interface Answer {
  id: string;
  conversationId: string;
  stepId: string;
  /** The validated value; null for a rejected attempt. */
  value: JsonValue | null;
  rawText: string;
  attempt: number;
  accepted: boolean;
  /**
   * True when the value was filled from a message written for another step, by the
   * `AnswerInterpreter` (answer-interpreter.ts); the engine accepted it only after the step's own validation and
   * after finding `evidence` in that message.
   */
  inferred: boolean;
  /** The words of the message an inferred value rests on (null for a typed answer). */
  evidence: string | null;
  createdAt: Date;
}

/** What `addAnswer` takes: `inferred` defaults to false, `evidence` to null. */
export type NewAnswer = Omit<Answer, 'id' | 'createdAt' | 'inferred' | 'evidence'> & {
  createdAt?: Date;
  inferred?: boolean;
  evidence?: string | null;
};

export interface NewConversation {
  leadId: string;
  flowId: string;
  flowVersion: string;
  currentStep: string | null;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  variables?: Record<string, JsonValue>;
}

export type ConversationPatch = Partial<
  Pick<Conversation, 'currentStep' | 'status' | 'variables' | 'attempts' | 'lastActivityAt' | 'endedAt'>
>;
