/**
 * The manager commands: permission check, validation, then one use case per subcommand.
 * Adapters call {@link ManagerCommands.run} and deliver the reply with `replyToManager`
 * (reply-to-manager.ts); replies are private unless the manager added `public`, and refusals and
 * usage errors are always private.
 */
import { isLeadbotError } from '../errors.ts';
import { sanitizeText, storableText } from '../text-hygiene.ts';
import { assign } from './assign.ts';
import { exportCsv } from './export-csv.ts';
import { forget } from './forget.ts';
import { leadCard } from './lead-card.ts';
import { unlink } from './link.ts';
import { listLeads } from './list-leads.ts';
import { addNote } from './note.ts';
import { type ParsedCommand, parseCommand, usage } from './parse.ts';
import { qualify } from './qualify.ts';
import { setStage } from './set-stage.ts';
import { stats } from './stats.ts';
import type { CommandArg, CommandContext, CommandDeps, CommandInput, CommandReply } from './types.ts';

export { usage } from './parse.ts';
export type * from './types.ts';

export const NOT_A_MANAGER =
  'Sorry, these commands are for the community managers. If you are interested in our product, just send me a message!';

export interface ManagerCommands {
  /** Runs one command for the caller in `ctx`; refusals and usage errors come back as replies. */
  run(input: CommandInput, ctx: CommandContext): Promise<CommandReply>;
}

/**
 * What a manager typed, through the same text hygiene as every inbound event (notes and
 * reasons are shown to reps); a word with nothing visible left is no word.
 */
export function sanitizeCommandInput(input: CommandInput): CommandInput {
  const args: CommandArg[] = [];
  for (const a of input.args) {
    if (a.kind === 'member') {
      const raw = a.raw === undefined ? undefined : sanitizeText(a.raw);
      args.push({ kind: 'member', userId: storableText(a.userId), ...(raw ? { raw } : {}) });
      continue;
    }
    const value = sanitizeText(a.value);
    if (value !== '') args.push({ kind: 'text', value });
  }
  return { sub: sanitizeText(input.sub), args };
}

/** The commands over the stores and the contact policy in `deps`. */
export function createManagerCommands(deps: CommandDeps): ManagerCommands {
  async function execute(cmd: ParsedCommand, ctx: CommandContext): Promise<Omit<CommandReply, 'private'>> {
    switch (cmd.sub) {
      case 'help':
        return { text: usage() };
      case 'qualify':
        return qualify(deps, ctx, cmd.member);
      case 'lead':
        return leadCard(deps, ctx, cmd.target);
      case 'leads':
        return listLeads(deps, ctx, cmd.filters);
      case 'stage':
        return setStage(deps, ctx, cmd.target, cmd.stage, cmd.reason);
      case 'assign':
        return assign(deps, ctx, cmd.target, cmd.rep);
      case 'note':
        return addNote(deps, ctx, cmd.target, cmd.text);
      case 'export':
        return exportCsv(deps, ctx, cmd.filters);
      case 'forget':
        return forget(deps, ctx, cmd.target);
      case 'stats':
        return stats(deps);
      case 'unlink':
        return unlink(deps, ctx, cmd.member);
    }
  }

  return {
    async run(input, ctx) {
      if (!(await deps.permissions.isManager(ctx))) return { text: NOT_A_MANAGER, private: true };
      const parsed = parseCommand(sanitizeCommandInput(input), deps.clock.now());
      if (!parsed.ok) return { text: `${parsed.error}\n${parsed.usage}`, private: true };
      try {
        const reply = await execute(parsed.command, ctx);
        return { ...reply, private: !parsed.public };
      } catch (err) {
        if (isLeadbotError(err, 'NOT_FOUND') || isLeadbotError(err, 'BAD_INPUT'))
          return { text: err.userMessage, private: true };
        throw err;
      }
    },
  };
}
