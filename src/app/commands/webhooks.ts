/**
 * `leadbot webhooks log [--status failed] [--limit 50] [--json]`: the delivery log of outbound
 * webhooks (the outbox rows of kind `webhook`), newest first.
 */
import type { Command } from 'commander';
import type { OutboxStatus } from '../../core/ports/index.ts';
import { isWebhookJob } from '../../core/webhooks/events.ts';
import { WEBHOOK_KIND } from '../../core/webhooks/lead-events.ts';
import { type CliContext, withStore } from '../cli-context.ts';

const STATUSES: OutboxStatus[] = ['pending', 'sending', 'delivered', 'failed'];

export function register(program: Command, ctx: CliContext): void {
  program
    .command('webhooks')
    .description('outbound webhooks (docs/webhooks.md)')
    .command('log')
    .description('the delivery log: one line per event and endpoint, newest first')
    .option('--status <status>', `only rows with this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'how many rows', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { status?: string; limit: string; json?: boolean }) => {
      if (opts.status && !STATUSES.includes(opts.status as OutboxStatus))
        throw new Error(`--status must be one of ${STATUSES.join(', ')}`);
      await withStore(ctx, async (store) => {
        const rows = (
          await store.outbox.list({
            kind: WEBHOOK_KIND,
            ...(opts.status ? { status: opts.status as OutboxStatus } : {}),
          })
        )
          .reverse()
          .slice(0, Math.max(1, Number(opts.limit) || 50));
        const entries = rows.map((r) => {
          const job = isWebhookJob(r.payload) ? r.payload : null;
          return {
            id: r.id,
            event: job?.event.type ?? '?',
            eventId: job?.event.id ?? '?',
            url: job ? new URL(job.url).host : '?',
            status: r.status,
            attempts: r.attempts,
            result: r.externalRef ?? r.lastError ?? null,
            createdAt: r.createdAt,
            deliveredAt: r.deliveredAt,
            nextAttemptAt: r.status === 'pending' ? r.nextAttemptAt : null,
          };
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
          return;
        }
        if (entries.length === 0) process.stdout.write('no webhook deliveries\n');
        for (const e of entries)
          process.stdout.write(
            `${e.createdAt.toISOString()}  ${e.status.padEnd(9)} ${String(e.attempts).padStart(2)}x  ${e.event.padEnd(19)} ${e.url}  ${e.result ?? ''}\n`,
          );
      });
    });
}
