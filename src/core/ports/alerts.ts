/** Sales alerts: their platform-neutral content and where they go. */
import type { LeadSource, Stage } from './leads.ts';

/** The content of a sales alert, platform-neutral; the sink renders and escapes it. */
export interface AlertPayload {
  leadId: string;
  name: string | null;
  company: string | null;
  email: string | null;
  platform: string | null;
  source: LeadSource;
  stage: Stage;
  score: number;
  reason: string;
  answers: { stepId: string; question: string; answer: string }[];
  breakdown: { ruleId: string; points: number; reason: string }[];
  conversationId: string | null;
  /**
   * Who the lead is on each platform (their accounts' profiles), so a rep can reach them.
   * Absent on alerts queued before profiles existed.
   */
  people?: AlertPerson[];
}

/** One account of the lead as an alert shows it. */
export interface AlertPerson {
  platform: string;
  workspaceId: string;
  userId: string;
  displayName: string | null;
  username: string | null;
  profileUrl: string | null;
}

/** Where sales alerts go (Slack channel, or Discord/Telegram). */
export interface AlertSink {
  readonly name: string;
  /**
   * Posts the alert. Must be idempotent per `idempotencyKey`: if a message with this key
   * was already posted (the process died before marking it), return its reference instead.
   */
  deliver(alert: AlertPayload, idempotencyKey: string): Promise<{ externalRef: string }>;
}
