/**
 * What a prospect reads during a handoff, in words, the same on every platform: a rep's
 * message after their name, and the bot's notices (a rep joined, the conversation closed).
 * Pure and unescaped: each messenger escapes and splits it for its platform.
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
