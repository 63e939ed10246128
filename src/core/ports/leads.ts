/** Leads and what hangs off them: accounts (identities), score contributions, the stage audit, notes. */
import type { Platform } from '../events.ts';

export type Stage = 'cold' | 'MQL' | 'SQL' | 'disqualified';

export const STAGES: readonly Stage[] = ['cold', 'MQL', 'SQL', 'disqualified'];

/** Identifies one account on one platform. `workspaceId` is `''` where the platform has none. */
export interface IdentityKey {
  platform: Platform;
  workspaceId: string;
  userId: string;
}

export interface LeadSource {
  platform: string | null;
  workspaceId: string | null;
  channelId: string | null;
  campaign: string | null;
  /** The workspace's name where the platform gives one ("Acme Slack", a Discord server, a Telegram group title). */
  workspaceName?: string | null;
  /** The channel's name where the platform gives one (`community` of `#community`). */
  channelName?: string | null;
}

export interface Lead {
  id: string;
  stage: Stage;
  score: number;
  ownerId: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  consent: boolean;
  consentAt: Date | null;
  /** The manager who invited this person with `qualify` (`<platform>:<userId>`); set when they accept. */
  invitedBy: string | null;
  source: LeadSource;
  /**
   * When the lead first reached MQL / SQL: the time of its first stage change to that stage,
   * set by `changeStage` (src/core/lead-lifecycle.ts); null while it never has. Reporting
   * counts a lead for every stage it ever reached from these and the current stage.
   */
  reachedMqlAt: Date | null;
  reachedSqlAt: Date | null;
  /**
   * The lead's open handoff (src/core/handoff/), null when none. Written by the
   * `HandoffStore` (handoff.ts) with the handoff; the engine reads it from the lead it loads anyway,
   * so a message of a person in a handoff costs no extra read.
   */
  openHandoffId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Who the person behind an account is, as their platform shows them: captured when the account
 * is first seen, erased with the lead by `forget`.
 */
export interface PersonProfile {
  /** The platform handle without `@` (Telegram/Discord username, Slack display name); null where none. */
  username: string | null;
  /** The name people see (Telegram first + last name, Discord global name, Slack real name). */
  displayName: string | null;
  /** A link that reaches the person on their platform (`https://t.me/<username>`), given by its adapter. */
  profileUrl: string | null;
}

/** An account to attach to a lead, with what its platform told about the person. */
export type NewIdentity = IdentityKey & {
  username?: string;
  displayName?: string;
  profileUrl?: string;
  chatId?: string;
};

export interface Identity extends IdentityKey, PersonProfile {
  id: string;
  leadId: string;
  chatId: string | null;
  createdAt: Date;
}

export interface ScoreContribution {
  id: string;
  leadId: string;
  conversationId: string | null;
  ruleId: string;
  stepId: string | null;
  points: number;
  reason: string;
  createdAt: Date;
}

export interface StageChange {
  id: string;
  leadId: string;
  from: Stage | null;
  to: Stage;
  reason: string;
  /** `engine`, `system`, or the platform user id of a manager (`slack:U123`). */
  actor: string;
  createdAt: Date;
}

export interface Note {
  id: string;
  leadId: string;
  author: string;
  text: string;
  createdAt: Date;
}

export type NewLead = Partial<Omit<Lead, 'id' | 'createdAt' | 'updatedAt' | 'source'>> & {
  source?: Partial<LeadSource>;
};

export type LeadPatch = Partial<Omit<Lead, 'id' | 'createdAt' | 'updatedAt' | 'source'>> & {
  source?: Partial<LeadSource>;
};

export interface LeadFilter {
  stage?: Stage;
  ownerId?: string;
  /** Matches `source.platform` or `source.campaign`. */
  source?: string;
  since?: Date;
  limit?: number;
  /** Opaque cursor from a previous page. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
