/**
 * The slash commands leadbot registers (built with discord.js's `SlashCommandBuilder`), and
 * their idempotent registration: the current commands are read first and the bulk-overwrite
 * PUT happens only when they differ, so a restart does not rewrite (and re-propagate)
 * commands that are already right.
 */
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type REST,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
  Routes,
  SlashCommandBuilder,
} from 'discord.js';
import { LEADBOT_COMMAND, LINK_COMMAND } from './manager-input.ts';

/** `/qualify [action]`: the prospect's own entry point. */
export const QUALIFY_COMMAND: RESTPostAPIChatInputApplicationCommandsJSONBody = new SlashCommandBuilder()
  .setName('qualify')
  .setDescription('Tell us what you need and get in touch with our team (continues privately)')
  .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
  .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
  .addStringOption((o) =>
    o
      .setName('action')
      .setDescription('What to do (default: start, or resume where you left off)')
      .setRequired(false)
      .addChoices(
        { name: 'start or resume', value: 'start' },
        { name: 'restart from the beginning', value: 'restart' },
        { name: 'stop', value: 'stop' },
      ),
  )
  .toJSON();

export const COMMANDS: RESTPostAPIChatInputApplicationCommandsJSONBody[] = [
  QUALIFY_COMMAND,
  LEADBOT_COMMAND,
  LINK_COMMAND,
];

interface ComparableOption {
  type: unknown;
  name: unknown;
  description: unknown;
  required: boolean;
  choices: unknown[][];
  options: ComparableOption[];
}

/** Options with their nested subcommand options, in the form compared. */
function comparableOptions(options: unknown): ComparableOption[] {
  return ((options as Record<string, unknown>[] | undefined) ?? []).map((o) => ({
    type: o.type,
    name: o.name,
    description: o.description,
    required: o.required === true,
    choices: ((o.choices as { name: string; value: unknown }[] | undefined) ?? []).map((c) => [
      c.name,
      c.value,
    ]),
    options: comparableOptions(o.options),
  }));
}

/** The fields leadbot sets, in a stable form; Discord adds ids, versions and defaults. */
function comparable(cmd: Record<string, unknown>): string {
  const options = comparableOptions(cmd.options);
  const sorted = (v: unknown) => [...((v as number[] | undefined) ?? [])].sort();
  return JSON.stringify({
    type: cmd.type ?? ApplicationCommandType.ChatInput,
    name: cmd.name,
    description: cmd.description,
    options,
    contexts: sorted(cmd.contexts),
    integration_types: sorted(cmd.integration_types),
    // Who sees the command by default: an older registration without it showed /leadbot to all.
    default_member_permissions: cmd.default_member_permissions ?? null,
  });
}

/** True when the registered commands already are exactly `wanted`. */
export function commandsMatch(existing: Record<string, unknown>[], wanted: object[]): boolean {
  const have = existing.map(comparable).sort();
  const want = wanted.map((c) => comparable(c as Record<string, unknown>)).sort();
  return have.length === want.length && have.every((c, i) => c === want[i]);
}

/**
 * Registers {@link COMMANDS} (`/qualify`, `/leadbot` for managers, `/link`) for the application, in one server when `guildId` is set (instant)
 * or globally. Returns whether anything was written. `signal` cancels the requests (start's deadline).
 */
export async function registerCommands(
  rest: REST,
  applicationId: string,
  guildId?: string,
  signal?: AbortSignal,
): Promise<{ changed: boolean; scope: string }> {
  const route = guildId
    ? Routes.applicationGuildCommands(applicationId, guildId)
    : Routes.applicationCommands(applicationId);
  const scope = guildId ? `guild ${guildId}` : 'global';
  const existing = (await rest.get(route, signal ? { signal } : {})) as Record<string, unknown>[];
  if (commandsMatch(existing, COMMANDS)) return { changed: false, scope };
  await rest.put(route, { body: COMMANDS, ...(signal ? { signal } : {}) });
  return { changed: true, scope };
}
