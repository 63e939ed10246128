/**
 * `leadbot chat`: talk to the qualification flow in the terminal (platform `console`),
 * against the configured database. Lines come from stdin, interactive or piped; lines
 * starting with `/` are commands (`/start`, `/restart`, `/stop`). Choices print numbered
 * and can be answered by number, label or value.
 */
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import pino from 'pino';
import { createEngine } from '../../core/engine.ts';
import type { InboundEvent, OutboundMessage } from '../../core/events.ts';
import { createFlowCatalog, type FlowCatalog } from '../../core/flow/catalog.ts';
import type { Clock, Logger } from '../../core/ports/index.ts';
import { createWebhookLeadEvents } from '../../core/webhooks/lead-events.ts';
import type { CliContext } from '../cli-context.ts';
import { loadFlowCatalog, loadFlowFile } from '../flow-files.ts';

const systemClock: Clock = { now: () => new Date() };

/** Removes terminal control characters from text a person typed before echoing it. */
export function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping them is the point
  return text.replace(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '');
}

/** Renders bot messages for the terminal: choices numbered, errors marked. */
export function formatMessages(messages: OutboundMessage[]): string {
  const lines: string[] = [];
  for (const m of messages) {
    lines.push(`${m.kind === 'error' ? 'bot (!)' : 'bot'}: ${printable(m.text)}`);
    m.choices?.forEach((c, i) => {
      lines.push(`  ${i + 1}) ${printable(c.label)}`);
    });
    if (m.multiple) lines.push('  (several: separate numbers with commas)');
    if (m.offerPrivate) lines.push('  [continue in private]');
  }
  return lines.join('\n');
}

/** A line typed in the terminal as an inbound event. */
export function lineToEvent(line: string, origin: Omit<InboundEvent, 'kind'>): InboundEvent {
  const trimmed = line.trim();
  if (trimmed.startsWith('/') && /^\/[a-z]+/i.test(trimmed)) {
    const [name, ...args] = trimmed.slice(1).split(/\s+/);
    return { ...origin, kind: 'command', name: name!.toLowerCase(), args };
  }
  return { ...origin, kind: 'message', text: line };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('chat')
    .description('run a qualification conversation in the terminal (reads stdin; /restart, /stop)')
    .option('--flow <file>', 'use this flow file instead of the configured flows folder')
    .option('--user <id>', 'the console user id (the same id resumes the same lead)', 'console-user')
    .option('--campaign <name>', 'campaign recorded as the lead source')
    .option('--no-migrate', 'do not migrate; refuse to start while migrations are pending')
    .action(async (opts: { flow?: string; user: string; campaign?: string; migrate: boolean }) => {
      const config = ctx.config();
      // The terminal is for the conversation: only warnings go to stderr.
      const logger = pino({ level: 'warn' }, pino.destination(2)) as unknown as Logger & pino.Logger;
      let flows: FlowCatalog;
      if (opts.flow) flows = createFlowCatalog([await loadFlowFile(opts.flow)]);
      else flows = await loadFlowCatalog(config.flowsDir, config.defaultFlow);
      if (opts.migrate) {
        const { migrateDatabase } = await import('../../store/migrate.ts');
        await migrateDatabase(config.databaseUrl, { logger });
      } else {
        // Without migrating, the database must already be complete (and is never created here).
        const { ensureMigrated } = await import('../../store/migration-status.ts');
        await ensureMigrated(config.databaseUrl);
      }
      const { openStore } = await import('../../store/open-store.ts');
      const store = await openStore(config.databaseUrl, { logger });
      try {
        const engine = createEngine({
          store,
          // Leads met here are real leads of this database: announced like any other.
          leadEvents: createWebhookLeadEvents(config.webhooks, systemClock),
          flows,
          clock: systemClock,
          logger,
          options: { idleMinutes: config.conversationIdleMinutes },
        });
        const run = randomUUID();
        let seq = 0;
        const origin = (): Omit<InboundEvent, 'kind'> => ({
          platform: 'console',
          workspaceId: '',
          channelId: `console:${opts.user}`,
          userId: opts.user,
          displayName: opts.user === 'console-user' ? undefined : opts.user,
          isDirect: true,
          eventId: `${run}:${++seq}`,
          ...(opts.campaign ? { campaign: opts.campaign } : {}),
        });
        const interactive = process.stdin.isTTY === true;
        const say = (messages: OutboundMessage[]) => {
          if (messages.length > 0) process.stdout.write(`${formatMessages(messages)}\n`);
          if (interactive) process.stdout.write('> ');
        };
        const args = opts.campaign ? [opts.campaign] : [];
        say(await engine.handle({ ...origin(), kind: 'command', name: 'start', args }));
        const rl = createInterface({ input: process.stdin, terminal: false });
        for await (const line of rl) {
          if (!interactive) process.stdout.write(`you: ${printable(line)}\n`);
          say(await engine.handle(lineToEvent(line, origin())));
        }
        if (interactive) process.stdout.write('\n');
      } finally {
        await store.close();
      }
    });
}
