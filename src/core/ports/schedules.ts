/** Messages the bot plans to send later (follow-ups). */
import type { Platform } from '../events.ts';
import type { Conversation } from './conversations.ts';
import type { Lead } from './leads.ts';

export type ScheduleKind = 'reminder' | 'nurture' | 'reengage';

export type ScheduleStatus = 'pending' | 'sending' | 'sent' | 'cancelled' | 'skipped';

/** Where a follow-up goes as planned (the flow's `channel`): see `FollowUpChannel` in the flow schema. */
export type ScheduleChannel = 'chat' | 'email' | 'chat-then-email';

/** Where a follow-up went once sent. */
export type SentVia = 'chat' | 'email';

/** A message the bot plans to send later (src/core/nurture/). */
export interface ScheduledMessage {
  id: string;
  /** Unique per purpose, so planning twice writes one row (`reminder:<conv>:<n>`, `reengage:<lead>`). */
  key: string;
  leadId: string;
  kind: ScheduleKind;
  conversationId: string | null;
  platform: Platform;
  workspaceId: string;
  channelId: string;
  /** Which message of a sequence: reminder number (1-based), nurture index (0-based). */
  sequence: number;
  dueAt: Date;
  status: ScheduleStatus;
  attempts: number;
  /** The lead's last activity when planned: activity after it means the person engaged. */
  basis: Date | null;
  /** Why it ended: `sent`, `stopped`, `quiet_hours`, `limit`, `engaged`, … */
  outcome: string | null;
  doneAt: Date | null;
  createdAt: Date;
  /** Where it goes as planned. */
  channel: ScheduleChannel;
  /** Where it went once sent; null until then. */
  sentVia: SentVia | null;
}

export type NewScheduledMessage = Pick<
  ScheduledMessage,
  'key' | 'leadId' | 'kind' | 'platform' | 'workspaceId' | 'channelId' | 'sequence' | 'dueAt'
> & { conversationId?: string | null; basis?: Date | null; channel?: ScheduleChannel };

/**
 * Scheduled messages, safe with several runners on one database: rows are leased through
 * {@link ScheduleStore.claim} exactly like outbox rows, so each fires once.
 */
export interface ScheduleStore {
  /** Inserts the row unless one with its key exists; returns whether it was new. */
  plan(input: NewScheduledMessage): Promise<boolean>;
  /** Leases up to `limit` due pending rows (or `sending` rows whose lease expired). */
  claim(opts: { workerId: string; limit: number; now: Date; leaseMs: number }): Promise<ScheduledMessage[]>;
  /**
   * Ends a leased row (`sent`, `skipped`, `cancelled`) with an outcome, and for a sent row where
   * it went; ignored if the lease was lost.
   */
  finish(
    id: string,
    workerId: string,
    status: 'sent' | 'skipped' | 'cancelled',
    outcome: string,
    now: Date,
    sentVia?: SentVia,
  ): Promise<void>;
  /**
   * Notes on a leased row, before an irreversible send, what is being attempted (the outcome
   * becomes `note`; the row stays leased). A runner that claims the row after a crash reads
   * the note and knows the send may have happened. Ignored if the lease was lost.
   */
  note(id: string, workerId: string, note: string): Promise<void>;
  /**
   * Hands a leased row back as pending, due at `dueAt` (quiet hours, transient send failure);
   * `basis` replaces the planned activity basis when given.
   */
  postpone(id: string, workerId: string, dueAt: Date, outcome: string, basis?: Date): Promise<void>;
  /** Cancels the lead's pending rows (of `kinds` and planned for `channels`, or all); returns how many. */
  cancelPending(
    leadId: string,
    reason: string,
    now: Date,
    kinds?: ScheduleKind[],
    channels?: ScheduleChannel[],
  ): Promise<number>;
  /** Every row of a lead, oldest due first (the lead card shows them). */
  listForLead(leadId: string): Promise<ScheduledMessage[]>;
}

/**
 * What the follow-up planner needs after a person's event (`LeadStore.followUpState`): read in
 * one round trip, since it runs after every direct event.
 */
export interface FollowUpState {
  lead: Lead;
  /** The lead's newest conversation by start (ties: highest id), whatever its status. */
  conversation: Conversation | null;
  /** Whether a nurture message of the lead went out: any later message of theirs ends the series. */
  nurtureSent: boolean;
  /** Keys of the lead's pending scheduled messages. */
  pendingKeys: string[];
}
