/**
 * `startBot` wiring: with WEBHOOK_URLS set, lead events from a real conversation reach a
 * loopback receiver, signed; with a flow defining follow-ups, the reminder is planned in the
 * database and shown by `leads show`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { type AdapterEntry, adapterSections, defineAdapter } from '../../src/app/adapters.ts';
import { startBot } from '../../src/app/commands/start.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { ChatAdapter, InboundHandler } from '../../src/core/ports/index.ts';
import { verifyWebhook } from '../../src/core/webhooks/sign.ts';
import { ROOT, runCli } from '../app/run-cli.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { NURTURE_FLOW } from '../nurture/harness.ts';
import { type Receiver, startReceiver } from './receiver.ts';

const SECRET = 'start-test-secret-0123';
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** A platform that takes events over the app's HTTP server. */
const entry = defineAdapter({
  name: 'fake',
  prefix: 'FAKE_',
  variables: ['FAKE_TOKEN'],
  parse: (env) => (env.FAKE_TOKEN ? { token: env.FAKE_TOKEN } : null),
  create: (_config, deps): ChatAdapter => {
    let handler: InboundHandler | undefined;
    deps.http?.route('POST', '/fake/hook', async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const replies = await handler!(JSON.parse(body) as InboundEvent);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(replies));
    });
    return {
      platform: 'console',
      async start(h) {
        handler = h;
      },
      async stop() {},
      async send() {},
    };
  },
}) as AdapterEntry;

async function waitFor(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('leadbot start with webhooks and follow-ups', () => {
  it('delivers signed lead events, logs them and plans reminders', async () => {
    const receiver: Receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const db = tempSqliteUrl();
    cleanups.push(() => db.cleanup());
    const flows = mkdtempSync(join(tmpdir(), 'leadbot-flows-'));
    writeFileSync(join(flows, 'nurture.yaml'), stringify(NURTURE_FLOW));
    const config = loadConfig(
      {
        DATABASE_URL: db.url,
        PORT: '0',
        FLOWS_DIR: flows,
        DEFAULT_FLOW: 'nurture',
        WEB_CHAT: 'off',
        FAKE_TOKEN: 't',
        WEBHOOK_URLS: receiver.url,
        WEBHOOK_SECRET: SECRET,
      },
      { sections: adapterSections([entry]), envFile: null },
    );
    const bot = await startBot(config, createLogger({ level: 'silent' }), {
      migrate: true,
      registry: [entry],
    });
    cleanups.push(() => bot.stop());
    const post = (e: Partial<InboundEvent>) =>
      fetch(`http://${bot.http.host}:${bot.http.port}/fake/hook`, {
        method: 'POST',
        body: JSON.stringify({
          platform: 'console',
          workspaceId: '',
          channelId: 'dm-1',
          userId: 'u1',
          isDirect: true,
          ...e,
        }),
      }).then((r) => r.json());
    await post({ kind: 'message', text: 'hi', eventId: 'e1' } as Partial<InboundEvent>);
    await post({ kind: 'choice', values: ['buy'], eventId: 'e2' } as Partial<InboundEvent>);

    await waitFor(() => receiver.received.length >= 2, 'two webhook deliveries');
    const types = receiver.received.map((r) => JSON.parse(r.body).type);
    expect(types).toEqual(['lead.created', 'lead.stage_changed']);
    for (const r of receiver.received)
      expect(verifyWebhook(SECRET, r.body, r.headers['x-leadbot-signature'] as string, new Date())).toBe(
        true,
      );

    const leadId = JSON.parse(receiver.received[0]!.body).leadId as string;
    const show = await runCli(
      ['leads', 'show', leadId],
      { DATABASE_URL: db.url, FLOWS_DIR: join(ROOT, 'flows') },
      db.dir,
    );
    expect(show.stderr).toBe('');
    expect(show.stdout).toContain('Scheduled messages:');
    expect(show.stdout).toMatch(/reminder #1 via console {2}pending/);
    expect(show.stdout).toMatch(/reminder #1 via console {2}cancelled \(answered\)/);

    const log = await runCli(['webhooks', 'log'], { DATABASE_URL: db.url }, db.dir);
    expect(log.stderr).toBe('');
    const lines = log.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/delivered +1x {2}lead\.stage_changed +127\.0\.0\.1:\d+ {2}HTTP 200/);
    expect(lines[1]).toMatch(/delivered +1x {2}lead\.created /);
    // Starts the bot and spawns the real CLI twice: generous on a loaded two-core machine.
  }, 90_000);
});
