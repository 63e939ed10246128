/**
 * `leadbot setup <platform>`: prints what a new user configures on the platform's side before
 * anything works — Slack's app manifest, Discord's invite URL and intents, Telegram's BotFather
 * steps — from the platform's own `setup` (its registry entry, adapters.ts).
 */
import type { Command } from 'commander';
import { LeadbotError } from '../../core/errors.ts';
import { ADAPTERS } from '../adapters.ts';
import type { CliContext } from '../cli-context.ts';
import { createLogger } from '../logger.ts';

export function register(program: Command, ctx: CliContext): void {
  const withSetup = ADAPTERS.filter((a) => a.setup);
  program
    .command('setup')
    .description('print what to configure on a platform before connecting it (manifest, invite URL, steps)')
    .argument('<platform>', withSetup.map((a) => a.name).join(' | '))
    .option('--url <base>', 'the public https URL leadbot is reached at (request and webhook URLs)')
    .option('--socket', 'Slack: Socket Mode, no public URL needed')
    .option('--apply', 'also apply what the API allows (Telegram: the bot command list)')
    .option('--format <format>', 'json or yaml, where a file is printed', 'yaml')
    .action(
      async (platform: string, opts: { url?: string; socket?: boolean; apply?: boolean; format: string }) => {
        const entry = withSetup.find((a) => a.name === platform);
        if (!entry?.setup)
          throw new LeadbotError(
            'CONFIG_INVALID',
            `setup knows no platform ${platform}: use ${withSetup.map((a) => a.name).join(', ')}`,
          );
        if (opts.format !== 'json' && opts.format !== 'yaml')
          throw new LeadbotError('CONFIG_INVALID', `--format ${opts.format} is neither json nor yaml`);
        if (opts.url !== undefined && !/^https:\/\/[^/\s]+/.test(opts.url))
          throw new LeadbotError(
            'CONFIG_INVALID',
            `--url ${opts.url} is not an https URL: platforms call only https (e.g. https://bot.example.com)`,
          );
        const text = await entry.setup({
          ...(opts.url ? { url: opts.url.replace(/\/+$/, '') } : {}),
          ...(opts.socket ? { socket: true } : {}),
          ...(opts.apply ? { apply: true } : {}),
          format: opts.format,
          env: ctx.env(),
          logger: createLogger({ level: 'warn', destination: process.stderr }),
        });
        process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      },
    );
}
