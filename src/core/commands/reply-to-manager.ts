/**
 * How a manager command's reply goes out, the same way on every platform: its text as as many
 * messages as the platform's length limit needs — split at line breaks, measured after the
 * platform's escaping, never inside an escape (src/core/text-fit.ts) — private unless the
 * manager asked for `public`; then the consent prompt and the file, when there are any. Each
 * platform passes its limit and escape as data (Slack section text 3,000, Discord content 2,000,
 * Telegram text 4,096) and sends what comes back, in order.
 */
import { type Escape, splitToFit } from '../text-fit.ts';
import type { CommandFile, CommandReply, ConsentPrompt } from './types.ts';

/** What the platform allows in one message of a reply, and how its markup is made inert. */
export interface ReplyLimits {
  /** The longest text of one message, in UTF-16 code units, after escaping. */
  maxLength: number;
  /** Makes text inert for the platform (identity where messages are sent as plain text). */
  escape: Escape;
}

export interface ManagerReply {
  /** The reply's text, escaped, one entry per message, in order. */
  texts: string[];
  /** To the manager only (ephemeral, or their DM), else to the channel of the command. */
  private: boolean;
  /** A consent prompt to post in the channel after the text. */
  prompt?: ConsentPrompt;
  /** A file to upload where the text went. */
  file?: CommandFile;
}

/** Told to the manager when a command failed unexpectedly (the error itself goes to the log). */
export const COMMAND_FAILED_TEXT = 'Sorry, that failed; the error was logged.';

/** The messages a command's reply becomes on a platform with `limits`. */
export function replyToManager(reply: CommandReply, limits: ReplyLimits): ManagerReply {
  return {
    texts: splitToFit(reply.text, limits.maxLength, limits.escape),
    private: reply.private,
    ...(reply.prompt ? { prompt: reply.prompt } : {}),
    ...(reply.file ? { file: reply.file } : {}),
  };
}
