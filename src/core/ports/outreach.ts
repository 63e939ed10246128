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
  recordContact(input: {
    persons: string[];
    kind: string;
    platform: Platform;
    channelId: string;
    at: Date;
  }): Promise<void>;
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
