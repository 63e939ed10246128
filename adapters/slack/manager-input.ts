/**
 * Pure mapping for manager slash commands: `/leadbot <sub> <args>` text → {@link CommandInput}.
 * Mentions arrive as `<@U123|name>` when the command has "Escape channels, users, and links"
 * on (see docs/managers.md); they become member arguments, everything else stays words.
 */
import { USAGE } from '../../src/core/commands/parse.ts';
import type { CommandArg, CommandInput } from '../../src/core/commands/types.ts';
import { decodeSlackText } from './escape.ts';

/** The slash command: `/leadbot start|restart|stop` for prospects, `/leadbot <sub>` for managers. */
export const LEADBOT_COMMAND = '/leadbot';

/** Subcommands handled by the manager commands; other words (start, restart, stop) stay prospect commands. */
export const MANAGER_SUBCOMMANDS = new Set(Object.keys(USAGE));

/** The manager command in a slash command's text, or null when it is a prospect command. */
export function toManagerInput(text: string): CommandInput | null {
  const tokens = String(text ?? '')
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '');
  const sub = (tokens[0] ?? '').toLowerCase();
  if (!MANAGER_SUBCOMMANDS.has(sub)) return null;
  const args: CommandArg[] = tokens.slice(1).map((t) => {
    const m = /^<@([A-Z0-9]+)(\|[^>]*)?>$/.exec(t);
    return m ? { kind: 'member', userId: m[1]!, raw: t } : { kind: 'text', value: decodeSlackText(t) };
  });
  return { sub, args };
}
