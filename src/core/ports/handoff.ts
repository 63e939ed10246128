/**
 * Handoff: after an alert, a sales rep talks with the prospect from the alert's thread.
 *
 * The rep writes in the alert's thread (Slack thread, Discord thread on the alert message,
 * Telegram reply to the alert in the sales chat); the core records the message in the lead's
 * transcript and writes a `handoff_to_prospect` outbox row in the same transaction; the
 * dispatcher hands it to the {@link ProspectMessenger} of the prospect's platform, which
 * delivers it in their private chat. While the handoff is open the prospect's messages go the
 * other way: transcript row + `handoff_to_sales` outbox row, delivered in the thread by the
 * {@link SalesThread} of the platform the alert was posted on. Reminders of an unclaimed alert
 * (`alert_reminder`) go to the same thread.
 */
import type { Platform } from '../events.ts';

/** Outbox kinds of the handoff, one sink each. */
export const HANDOFF_TO_PROSPECT = 'handoff_to_prospect';
export const HANDOFF_TO_SALES = 'handoff_to_sales';
export const ALERT_REMINDER = 'alert_reminder';

/**
 * The alert message a thread hangs off: the sink that posted it (`slack`, `discord`,
 * `telegram`) and the reference the dispatcher recorded when it delivered the `sales_alert` row
 * (Slack `ts`, Discord message id, Telegram `chatId:messageId`).
 */
export interface AlertRef {
  sink: string;
  externalRef: string;
}

/** Where the prospect is reached privately: the account and the private chat of the flow. */
export interface ProspectAddress {
  platform: Platform;
  workspaceId: string;
  userId: string;
  /** The private chat (Slack DM `D…`, Telegram chat id, web visitor); Discord opens the DM by user id. */
  channelId: string;
}

export type HandoffStatus = 'open' | 'closed';

export interface Handoff {
  id: string;
  leadId: string;
  alert: AlertRef;
  prospect: ProspectAddress;
  status: HandoffStatus;
  /** The rep who opened it (`<platform>:<userId>`) and their display name. */
  openedBy: string;
  openedByName: string | null;
  openedAt: Date;
  closedAt: Date | null;
  closedBy: string | null;
}

/** Who wrote a transcript line. `notice`: the bot's own line (joined, closed). */
export type TranscriptDirection = 'to_prospect' | 'from_prospect' | 'notice';

/** One relayed message, kept on the lead (shown on the lead card and dashboard; erased by forget). */
export interface TranscriptMessage {
  id: string;
  leadId: string;
  handoffId: string;
  direction: TranscriptDirection;
  /** `<platform>:<userId>` of the rep, or of the prospect's account. */
  author: string;
  authorName: string | null;
  text: string;
  createdAt: Date;
}

/**
 * Handoffs and transcripts, on the same database. Inside a {@link LeadRepo} transaction
 * (`tx.handoffs`) the writes join it, with the outbox rows that deliver them.
 */
export interface HandoffStore {
  /**
   * The lead the alert with this reference was about (a delivered `sales_alert` row whose
   * `externalRef` it is, or a delivered post of the bot in the alert's thread — on Telegram a rep
   * may answer the relayed message or the reminder instead of the alert), or null. The sink is not stored on the row: the references of the
   * sinks do not overlap (Slack `ts` has a dot, Telegram `chat:message` a colon, Discord ids
   * are digits), so the reference alone names the alert.
   */
  findAlertLead(alert: AlertRef): Promise<string | null>;
  /** The lead's open handoff, if any (at most one per lead). */
  findOpen(leadId: string): Promise<Handoff | null>;
  /**
   * Opens a handoff and sets the lead's `openHandoffId` to it.
   * @throws LeadbotError `DUPLICATE` when the lead has an open handoff already (another
   * transaction opened it first: the caller re-runs and finds it).
   */
  open(input: Omit<Handoff, 'id' | 'status' | 'closedAt' | 'closedBy'>): Promise<Handoff>;
  /** Closes the handoff (a closed one stays as it was) and clears the lead's `openHandoffId`. */
  close(id: string, by: string, at: Date): Promise<void>;
  /** The lead's handoffs, oldest first (the lead card shows them). */
  list(leadId: string): Promise<Handoff[]>;
  addMessage(input: Omit<TranscriptMessage, 'id'>): Promise<TranscriptMessage>;
  /** The lead's transcript, oldest first, after the message with id `after` when given. */
  listMessages(leadId: string, opts?: { after?: string; limit?: number }): Promise<TranscriptMessage[]>;
}

/** Payload of a `handoff_to_prospect` row. */
export interface ProspectDelivery {
  leadId: string;
  handoffId: string;
  messageId: string;
  to: ProspectAddress;
  /** A rep's message (prefixed with their name by the messenger), or the bot's notice. */
  message:
    | { kind: 'rep'; repName: string; text: string }
    | { kind: 'joined'; repName: string }
    | { kind: 'closed'; repName: string | null };
}

/**
 * Delivers handoff messages in a prospect's private chat on one platform (an adapter's part).
 * Same contract as an AlertSink: idempotent per key where the platform lets a bot find its
 * own message (Slack metadata, Discord nonce); errors are DeliveryErrors.
 */
export interface ProspectMessenger {
  readonly platform: Platform;
  deliver(delivery: ProspectDelivery, idempotencyKey: string): Promise<{ externalRef: string }>;
}

/** Payload of a `handoff_to_sales` or `alert_reminder` row: a post in the alert's thread. */
export interface ThreadPost {
  leadId: string;
  alert: AlertRef;
  post:
    | { kind: 'prospect'; name: string; text: string }
    /**
     * Unclaimed for `minutes` (reminder `round` 1 or 2): mention `mention` — a rep's platform
     * user id, or on Slack a user group id (`S…`, SLACK_SALES_ESCALATE_TO: `<!subteam^S…>`) —
     * or nobody. Written by src/core/sales/escalate-alerts.ts.
     */
    | { kind: 'reminder'; minutes: number; mention: string | null; round: number }
    | { kind: 'closed'; by: string };
}

/** Posts in alert threads on the sales platform (an adapter's part, beside its AlertSink). */
export interface SalesThread {
  readonly sink: string;
  post(post: ThreadPost, idempotencyKey: string): Promise<{ externalRef: string }>;
}

/**
 * Where adapters offer their handoff parts at start (the app's registry,
 * src/app/handoff-wiring.ts): a {@link ProspectMessenger} for the platform prospects talk on, a
 * {@link SalesThread} beside the adapter's alert sink. The dispatcher routes each row to the
 * part registered for its platform or sink; a row with none fails for good, saying which.
 */
export interface HandoffChannels {
  register(part: ProspectMessenger | SalesThread): void;
}
