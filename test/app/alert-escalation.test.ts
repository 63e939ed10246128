/**
 * `leadbot start` runs the escalation of unclaimed alerts (ALERT_ESCALATE_AFTER) for the sink
 * that delivers its alerts: through `startBot` with a stand-in `slack` platform whose section
 * offers a rotation and a manager, on a real database and the real clock (a 1 s interval).
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type AdapterEntry, adapterSections, defineAdapter } from '../../src/app/adapters.ts';
import { startBot } from '../../src/app/commands/start.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import { changeStage } from '../../src/core/lead-lifecycle.ts';
import {
  ALERT_REMINDER,
  type AlertSink,
  type ChatAdapter,
  type ThreadPost,
} from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT } from './run-cli.ts';

const logger = createLogger({ level: 'silent' });
const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});

/** A `slack` stand-in: its sink records the alert; its section offers SLACK_SALES_REPS and the manager. */
const slack = defineAdapter({
  name: 'slack',
  prefix: 'SLACK_',
  variables: ['SLACK_TOKEN', 'SLACK_SALES_CHANNEL'],
  parse: (env) =>
    env.SLACK_TOKEN
      ? {
          salesChannel: env.SLACK_SALES_CHANNEL,
          salesReps: ['U0ANA', 'U0BEN'],
          salesEscalateTo: 'S0MANAGERS',
        }
      : null,
  create: (): ChatAdapter & { alertSink: AlertSink } => ({
    platform: 'console',
    alertSink: { name: 'slack', deliver: async () => ({ externalRef: '1700000000.000100' }) },
    async start() {},
    async stop() {},
  }),
}) as AdapterEntry;

async function run(escalateAfter: string, waitMs: number) {
  const db = tempSqliteUrl();
  temps.push(db);
  const env = {
    DATABASE_URL: db.url,
    PORT: '0',
    FLOWS_DIR: join(ROOT, 'flows'),
    SLACK_TOKEN: 't',
    SLACK_SALES_CHANNEL: 'C1',
  };
  const config = loadConfig(
    { ...env, ALERT_ESCALATE_AFTER: escalateAfter },
    { sections: adapterSections([slack]), envFile: null },
  );
  const bot = await startBot(config, logger, { migrate: true, registry: [slack] });
  const store = await openStore(db.url, { logger: pino({ level: 'silent' }) });
  try {
    const lead = await store.createLead({ name: 'Ann' });
    await store.transaction((tx) =>
      changeStage(tx, NO_LEAD_EVENTS, {
        leadId: lead.id,
        to: 'SQL',
        reason: 'test',
        actor: 'engine',
        now: new Date(),
      }),
    );
    const deadline = Date.now() + waitMs;
    let reminders = await store.outbox.list({ kind: ALERT_REMINDER });
    while (Date.now() < deadline && reminders.length < 2) {
      await new Promise((r) => setTimeout(r, 200));
      reminders = await store.outbox.list({ kind: ALERT_REMINDER });
    }
    const [alert] = await store.outbox.list({ kind: 'sales_alert' });
    return { lead, alert: alert!, reminders };
  } finally {
    await store.close();
    await bot.stop();
  }
}

describe('ALERT_ESCALATE_AFTER in leadbot start', () => {
  it('queues a reminder naming the next rep after one interval and one naming the manager after two, in the sink that posted the alert', async () => {
    const { lead, alert, reminders } = await run('1s', 8000);
    expect(alert.status).toBe('delivered');
    expect(reminders.map((r) => r.idempotencyKey)).toEqual([
      `alert_reminder:${alert.id}:1`,
      `alert_reminder:${alert.id}:2`,
    ]);
    const posts = reminders.map((r) => r.payload as unknown as ThreadPost);
    for (const p of posts) {
      expect(p.leadId).toBe(lead.id);
      expect(p.alert).toEqual({ sink: 'slack', externalRef: '1700000000.000100' });
    }
    // The stand-in sink assigns nobody, so the rotation's counter is unused: U0ANA is next.
    expect(posts.map((p) => p.post)).toEqual([
      { kind: 'reminder', minutes: 0, mention: 'U0ANA', round: 1 },
      { kind: 'reminder', minutes: 0, mention: 'S0MANAGERS', round: 2 },
    ]);
  }, 30_000);

  it('off: no job, no reminder', async () => {
    const { alert, reminders } = await run('off', 2500);
    expect(alert.status).toBe('delivered');
    expect(reminders).toEqual([]);
  }, 30_000);
});
