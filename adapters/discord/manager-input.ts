/**
 * The `/leadbot` manager command (pure): its definition — one subcommand per use case of the
 * platform-free command layer, with typed options (a member picker instead of a typed
 * mention, stage choices) — and the mapping of a received command to a {@link CommandInput}.
 * Discord checks the option types before the bot sees them; the command layer still validates
 * the combination (a lead needs a member or an id) and answers with the usage.
 */
import {
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandArg, CommandInput } from '../../src/core/commands/types.ts';
import { STAGES } from '../../src/core/ports/index.ts';

const T = ApplicationCommandOptionType;

const member = (required: boolean, description = 'The member'): APIApplicationCommandBasicOption => ({
  type: T.User,
  name: 'member',
  description,
  required,
});
const leadId: APIApplicationCommandBasicOption = {
  type: T.String,
  name: 'id',
  description: 'A lead id (instead of a member)',
  required: false,
};
const text = (name: string, description: string, required: boolean): APIApplicationCommandBasicOption => ({
  type: T.String,
  name,
  description,
  required,
});
const stageChoice = (required: boolean): APIApplicationCommandBasicOption => ({
  type: T.String,
  name: 'stage',
  description: required ? 'The new stage' : 'Only leads at this stage',
  required,
  choices: STAGES.map((s) => ({ name: s, value: s })),
});
const publicFlag: APIApplicationCommandBasicOption = {
  type: T.Boolean,
  name: 'public',
  description: 'Show the answer to the channel (default: only you)',
  required: false,
};
const filters = [
  stageChoice(false),
  { type: T.User, name: 'owner', description: 'Only leads owned by this rep', required: false },
  text('source', 'Only leads from this platform or campaign', false),
  text('since', 'Created since YYYY-MM-DD or 7d', false),
] as APIApplicationCommandBasicOption[];

// Discord wants required options before optional ones.
const sub = (
  name: string,
  description: string,
  options: APIApplicationCommandBasicOption[] = [],
): APIApplicationCommandSubcommandOption => ({ type: T.Subcommand, name, description, options });

/** `/leadbot <subcommand>`: community managers' commands, plus `link` for anyone. */
export const LEADBOT_COMMAND: RESTPostAPIChatInputApplicationCommandsJSONBody = {
  type: ApplicationCommandType.ChatInput,
  name: 'leadbot',
  description: 'Community manager commands (leads, stages, export) and account linking',
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
  integration_types: [ApplicationIntegrationType.GuildInstall],
  options: [
    sub('qualify', 'Invite a member to qualify (they must accept before any DM)', [
      member(true, 'The member to invite'),
    ]),
    sub('lead', 'Show the lead card', [member(false), leadId, publicFlag]),
    sub('leads', 'List leads, 20 per page', [
      ...filters,
      text('page', 'Page cursor from the previous answer', false),
      publicFlag,
    ]),
    sub('stage', 'Change the stage (audited; SQL alerts sales)', [
      stageChoice(true),
      text('reason', 'Why', true),
      member(false),
      leadId,
    ]),
    sub('assign', 'Set the owner of a lead', [
      { type: T.User, name: 'rep', description: 'The sales rep', required: true },
      member(false),
      leadId,
    ]),
    sub('note', 'Add a note to a lead', [text('text', 'The note', true), member(false), leadId]),
    sub('export', 'CSV file of the leads', [...filters, publicFlag]),
    sub('forget', 'Erase a person everywhere', [member(false), leadId]),
    sub('stats', 'Counts per stage and conversion by source', [publicFlag]),
    sub('unlink', 'Detach this account from its lead', [member(true, 'The member to unlink')]),
    sub('link', 'Link your accounts: get a code here, or enter one from another platform', [
      text('code', 'A code from the bot on your other platform', false),
    ]),
    sub('help', 'What each subcommand does'),
  ],
};

/** What the mapping reads from a discord.js chat input interaction. */
export interface ManagerCommandView {
  options: {
    getSubcommand(required: false): string | null;
    getString(name: string): string | null;
    getBoolean(name: string): boolean | null;
    getUser(name: string): { id: string } | null;
  };
}

/** The subcommand and its options as the platform-free command layer wants them. */
export function toManagerInput(i: ManagerCommandView): CommandInput {
  const o = i.options;
  const sub = o.getSubcommand(false) ?? '';
  const args: CommandArg[] = [];
  const word = (value: string | null) => {
    if (value !== null && value.trim() !== '') args.push({ kind: 'text', value: value.trim() });
  };
  const user = (name: string) => {
    const u = o.getUser(name);
    if (u) args.push({ kind: 'member', userId: u.id });
  };
  const target = () => {
    user('member');
    word(o.getString('id'));
  };
  switch (sub) {
    case 'qualify':
    case 'unlink':
      user('member');
      break;
    case 'lead':
    case 'forget':
      target();
      break;
    case 'stage':
      target();
      word(o.getString('stage'));
      word(o.getString('reason'));
      break;
    case 'assign':
      target();
      user('rep');
      break;
    case 'note':
      target();
      word(o.getString('text'));
      break;
    case 'leads':
    case 'export': {
      word(o.getString('stage'));
      user('owner');
      word(o.getString('source'));
      word(o.getString('since'));
      const page = o.getString('page');
      if (page) word(`page:${page.replace(/^page:/, '')}`);
      break;
    }
  }
  if (o.getBoolean('public') === true) args.push({ kind: 'text', value: 'public' });
  return { sub, args };
}
