/**
 * Pure mapping of a manager command message (`/leadbot <sub> <args>`) to a {@link CommandInput}.
 * Members are named by replying to their message, by a text mention (a name picked in the
 * client, which Telegram sends as an entity with the user's id), or as `@<numeric id>`.
 */
import type { Message, MessageEntity } from 'grammy/types';
import type { CommandArg, CommandInput } from '../../src/core/commands/types.ts';

/** The command managers type (grammY matches `/leadbot` and `/leadbot@<this bot>`). */
export const LEADBOT_COMMAND = 'leadbot';

/** The manager command of a message (`/leadbot sub args`), or null for any other message. */
export function toManagerInput(m: Message, botUsername: string): CommandInput | null {
  const text = m.text ?? '';
  const entities: MessageEntity[] = m.entities ?? [];
  const head = /^\/leadbot(@\w+)?(\s|$)/i.exec(text);
  if (!head || (head[1] && head[1].slice(1).toLowerCase() !== botUsername.toLowerCase())) return null;
  const args: CommandArg[] = [];
  let sub = '';
  for (const match of text.slice(head[0].length).matchAll(/\S+/g)) {
    const offset = head[0].length + match.index;
    const mention = entities.find((e) => e.type === 'text_mention' && e.offset === offset);
    const token = match[0];
    if (sub === '' && !mention) {
      sub = token.toLowerCase();
      continue;
    }
    if (mention && mention.type === 'text_mention')
      args.push({ kind: 'member', userId: String(mention.user.id), raw: token });
    else if (/^@\d+$/.test(token)) args.push({ kind: 'member', userId: token.slice(1), raw: token });
    else args.push({ kind: 'text', value: token });
  }
  const replied = m.reply_to_message?.from;
  if (replied && !replied.is_bot && !args.some((a) => a.kind === 'member'))
    args.unshift({ kind: 'member', userId: String(replied.id) });
  return { sub, args };
}
