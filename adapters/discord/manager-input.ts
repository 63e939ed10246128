/**
 * The `/leadbot` manager command (pure): its definition, built with discord.js's
 * `SlashCommandBuilder` — one subcommand per manager command of the core, with typed options
 * (a member picker instead of a typed mention, stage choices) — and the mapping of a received
 * command to a {@link CommandInput}. Discord checks the option types before the bot sees them;
 * the core still validates the combination (a lead needs a member or an id) and answers with
 * the usage.
 */
import {
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { CommandArg, CommandInput } from '../../src/core/commands/types.ts';
import { STAGES } from '../../src/core/ports/index.ts';

type Sub = SlashCommandSubcommandBuilder;

const member =
  (required: boolean, description = 'The member') =>
  (s: Sub) =>
    s.addUserOption((o) => o.setName('member').setDescription(description).setRequired(required));
const leadId = (s: Sub) =>
  s.addStringOption((o) =>
    o.setName('id').setDescription('A lead id (instead of a member)').setRequired(false),
  );
const text = (name: string, description: string, required: boolean) => (s: Sub) =>
  s.addStringOption((o) => o.setName(name).setDescription(description).setRequired(required));
const stageChoice = (required: boolean) => (s: Sub) =>
  s.addStringOption((o) =>
    o
      .setName('stage')
      .setDescription(required ? 'The new stage' : 'Only leads at this stage')
      .setRequired(required)
      .addChoices(...STAGES.map((stage) => ({ name: stage, value: stage }))),
  );
const publicFlag = (s: Sub) =>
  s.addBooleanOption((o) =>
    o
      .setName('public')
      .setDescription('Show the answer to the channel (default: only you)')
      .setRequired(false),
  );
const filters = [
  stageChoice(false),
  (s: Sub) =>
    s.addUserOption((o) =>
      o.setName('owner').setDescription('Only leads owned by this rep').setRequired(false),
    ),
  text('source', 'Only leads from this platform or campaign', false),
  text('since', 'Created since YYYY-MM-DD or 7d', false),
];

/** A subcommand with its options, in order: Discord wants required options before optional ones. */
const sub =
  (name: string, description: string, options: ((s: Sub) => Sub)[] = []) =>
  (s: Sub) =>
    options.reduce((acc, add) => add(acc), s.setName(name).setDescription(description));

const SUBCOMMANDS = [
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
    (s: Sub) => s.addUserOption((o) => o.setName('rep').setDescription('The sales rep').setRequired(true)),
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
  sub('close', "End the conversation with the lead (in a sales alert's thread)"),
  sub('help', 'What each subcommand does'),
];

function leadbotCommand(): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const command = new SlashCommandBuilder()
    .setName('leadbot')
    .setDescription('Community manager commands (leads, stages, export) and account linking')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    // Shown to members with Manage Server only; a server admin can grant it to the manager role
    // (Server Settings → Integrations → leadbot). Everyone else links accounts with `/link`.
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild);
  for (const add of SUBCOMMANDS) command.addSubcommand(add);
  return command.toJSON();
}

/** `/leadbot <subcommand>`: community managers' commands (visible to Manage Server by default). */
export const LEADBOT_COMMAND = leadbotCommand();

/** `/link [code]`: account linking for everyone (the same as `/leadbot link`, which managers see). */
export const LINK_COMMAND: RESTPostAPIChatInputApplicationCommandsJSONBody = new SlashCommandBuilder()
  .setName('link')
  .setDescription('Link your accounts: get a code here, or enter one from another platform')
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .addStringOption((o) =>
    o.setName('code').setDescription('A code from the bot on your other platform').setRequired(false),
  )
  .toJSON();

/** What the mapping reads from a discord.js chat input interaction. */
export interface ManagerCommandView {
  options: {
    getSubcommand(required: false): string | null;
    getString(name: string): string | null;
    getBoolean(name: string): boolean | null;
    getUser(name: string): { id: string } | null;
  };
}

/** The subcommand and its options as the core's manager commands want them. */
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
