/** How the bot approaches people: contacts, opt-outs, link codes. */
import type { Platform } from '../events.ts';

/**
 * Bookkeeping of how the bot approaches people (src/core/outreach/): bot-initiated contacts
 * (for contact limits and cooldowns), opt-outs (`stop`) and one-time identity link codes.
 * A person is named by a key: `lead:<leadId>` once a lead exists, and `<platform>:<workspace>:<user>`
 * for each account, so limits and opt-outs hold across linked platforms.
 */
export interface OutreachStore {
  /** Notes one bot-initiated message (consent prompt, offer, DM) to `person`. */
  recordContact(input: NewContact): Promise<void>;
  /**
   * Decides and records one bot-initiated message as a single step, so that two instances
   * cannot both approach someone the rules allow to be approached once (check, then act).
   * `refuse` reads the log once no other caller can record a contact for any of
   * `contact.persons` or in `contact.channelId` — callers take turns: an advisory lock per key
   * on PostgreSQL, the one writer on SQLite, a queue in memory — and returns why not, or null;
   * on null the contact is recorded before the turn ends. `contact.id` names the approach: when
   * a contact with that id is recorded already (the same signal seen twice), nothing is
   * recorded and the answer is `'recorded'`.
   */
  recordContactUnless<R extends string>(
    contact: NewContact & { id: string },
    refuse: (log: ContactLog) => Promise<R | null>,
  ): Promise<R | 'recorded' | null>;
  /** Bot-initiated messages to any of `persons` since `since`. */
  countContacts(persons: string[], since: Date): Promise<number>;
  /** When the bot last approached anyone in `channelId` with a message of `kind`, if ever. */
  lastContactInChannel(channelId: string, kind: string): Promise<Date | null>;
  /** When the bot last approached any of `persons` with a message of `kind`, if ever. */
  lastContactOf(persons: string[], kind: string): Promise<Date | null>;
  setOptOut(person: string, at: Date): Promise<void>;
  clearOptOut(persons: string[]): Promise<void>;
  isOptedOut(persons: string[]): Promise<boolean>;
  /** Stores a one-time link code for a lead (replacing the lead's previous code). */
  saveLinkCode(input: { code: string; leadId: string; expiresAt: Date }): Promise<void>;
  /** Returns and deletes the code's lead if the code exists and has not expired. */
  takeLinkCode(code: string, now: Date): Promise<{ leadId: string } | null>;
  /** Erases every row about these persons and this lead (forget). */
  erase(persons: string[], leadId: string | null): Promise<void>;
}

/** One bot-initiated message as the contact log keeps it, under every key naming the person. */
export interface NewContact {
  persons: string[];
  kind: string;
  platform: Platform;
  channelId: string;
  at: Date;
}

/** The reads of the contact log that a decision to approach someone needs. */
export type ContactLog = Pick<
  OutreachStore,
  'isOptedOut' | 'countContacts' | 'lastContactOf' | 'lastContactInChannel'
>;
