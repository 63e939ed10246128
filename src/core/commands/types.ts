/**
 * Shapes of the manager commands. Adapters turn a slash command (or a Telegram bot
 * command) into a {@link CommandInput} — words, with member mentions already recognised —
 * and deliver the {@link CommandReply} as reply-to-manager.ts lays it out; everything in
 * between is platform-free.
 */
import type { Platform } from '../events.ts';
import type { ContactPolicy } from '../outreach/contact-policy.ts';
import type { Clock, IdentityKey, LeadEvents, LeadStore, OutreachStore } from '../ports/index.ts';

/** One argument: a plain word, or a member the platform identified (mention, user option, reply). */
export type CommandArg =
  | { kind: 'text'; value: string }
  | { kind: 'member'; userId: string /** As typed, for free text (notes, reasons). */; raw?: string };

export interface CommandInput {
  /** The subcommand (`lead`, `leads`, …); empty for none. */
  sub: string;
  args: CommandArg[];
}

/** Who runs the command and where. */
export interface CommandContext {
  platform: Platform;
  workspaceId: string;
  channelId: string;
  userId: string;
  isDirect: boolean;
  /** The identity key of a member of this community (`workspaceId` rules differ per platform). */
  memberKey(userId: string): IdentityKey;
  /**
   * What the platform itself says about the caller's rights, where it says it with the command
   * (Discord sends the member's roles and permissions with each interaction). Read by the
   * platform's {@link ManagerPermissions}; absent where those look the caller up.
   */
  manager?: boolean;
}

/** Decides who is a community manager; each platform answers from its own configuration. */
export interface ManagerPermissions {
  isManager(ctx: CommandContext): Promise<boolean>;
}

/** A file the adapter uploads where the command was run, produced chunk by chunk. */
export interface CommandFile {
  filename: string;
  mimeType: string;
  chunks(): AsyncIterable<string>;
}

/** A consent prompt to post in the channel, addressed to one member; only they may accept. */
export interface ConsentPrompt {
  userId: string;
  text: string;
  /** The inviting manager (`<platform>:<userId>`), carried by the prompt so acceptance can credit them. */
  invitedBy?: string;
}

export interface CommandReply {
  /** Plain text; the adapter escapes it for its markup. */
  text: string;
  /** Private to the manager (ephemeral / DM) unless they asked for `public`. */
  private: boolean;
  file?: CommandFile;
  prompt?: ConsentPrompt;
}

export interface CommandDeps {
  store: LeadStore;
  /** Where claims, stage changes and erasures are announced (lead-lifecycle.ts). */
  leadEvents: LeadEvents;
  outreach: OutreachStore;
  contactPolicy: ContactPolicy;
  permissions: ManagerPermissions;
  clock: Clock;
}
