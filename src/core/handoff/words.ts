/**
 * What a prospect reads during a handoff, in words, the same on every platform: a rep's
 * message after their name, and the bot's notices (a rep joined, the conversation closed).
 * Pure and unescaped: each messenger escapes and splits it for its platform. Also the
 * transcript's own line for a notice, and reading it back, so the words live here only.
 */
import type { ProspectDelivery } from '../ports/index.ts';

/** Characters of a rep's name shown (longer names are cut). */
const NAME_MAX = 80;
const shortName = (name: string | null) => (name?.trim() ? name.trim().slice(0, NAME_MAX) : null);

/**
 * `prefix` is the rep's name before their words (`Ana (sales): `), empty for a notice; `text`
 * is what follows. Kept apart so a platform may format the name and split only the words.
 */
export function handoffWords(message: ProspectDelivery['message']): { prefix: string; text: string } {
  switch (message.kind) {
    case 'rep':
      return { prefix: `${shortName(message.repName) ?? 'Sales'} (sales): `, text: message.text };
    case 'joined':
      return {
        prefix: '',
        text: `${shortName(message.repName) ?? 'Someone'} from the sales team has joined the conversation.`,
      };
    case 'closed': {
      const who = shortName(message.repName);
      return {
        prefix: '',
        text: `${who ? `${who} from the sales team` : 'The sales team'} has closed the conversation. Thanks for your time!`,
      };
    }
  }
}

/** A notice of the bot's, as the prospect is told it. */
export type HandoffNotice = Extract<ProspectDelivery['message'], { kind: 'joined' | 'closed' }>;

/**
 * The transcript's line for a notice (the lead card and dashboard show it), stored with the
 * rep's name as its author name. The use cases write it; {@link noticeOf} reads it back.
 */
export function noticeLine(notice: HandoffNotice): string {
  return notice.kind === 'joined'
    ? `${notice.repName} joined the conversation`
    : `${notice.repName ?? 'The sales team'} closed the conversation`;
}

/**
 * Which notice a stored notice line is, from its text and author name (as written by
 * {@link noticeLine}), or null for a line it did not write. Matched whole, so a rep's name
 * that happens to end in the words of the other notice is not mistaken for it.
 */
export function noticeOf(line: string, authorName: string | null): HandoffNotice | null {
  const candidates: HandoffNotice[] = [
    ...(authorName !== null ? [{ kind: 'joined' as const, repName: authorName }] : []),
    { kind: 'closed', repName: authorName },
  ];
  return candidates.find((n) => noticeLine(n) === line) ?? null;
}
