/**
 * The composition in `startBot`, in process: a registered adapter gets the app's HTTP routes,
 * the store, and the real engine's handler; stopping undoes everything in reverse order; a
 * failure half-way stops what was started.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type AdapterEntry, adapterSections, defineAdapter } from '../../src/app/adapters.ts';
import { startBot } from '../../src/app/commands/start.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import type { InboundEvent } from '../../src/core/events.ts';
import type { AlertPayload, AlertSink, ChatAdapter, InboundHandler } from '../../src/core/ports/index.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { ROOT } from './run-cli.ts';

const logger = createLogger({ level: 'silent' });
const temps: { cleanup(): void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});

/** A stand-in platform that receives "messages" over the app's HTTP server. */
function fakePlatform(opts: { failOnStart?: boolean } = {}) {
  const journal: string[] = [];
  const alerts: { alert: AlertPayload; key: string }[] = [];
  let alerted: (() => void) | undefined;
  const firstAlert = new Promise<void>((resolve) => (alerted = resolve));
  const alertSink: AlertSink = {
    name: 'fake-sales',
    async deliver(alert, key) {
      alerts.push({ alert, key });
      alerted?.();
      return { externalRef: `msg-${alerts.length}` };
    },
  };
  const entry = defineAdapter({
    name: 'fake',
    prefix: 'FAKE_',
    variables: ['FAKE_TOKEN'],
    parse: (env) => (env.FAKE_TOKEN ? { token: env.FAKE_TOKEN } : null),
    create: (config, deps): ChatAdapter & { alertSink: AlertSink } => {
      journal.push(`create ${config.token}`);
      let handler: InboundHandler | undefined;
      deps.http?.route('POST', '/fake/hook', async (req, res) => {
        let body = '';
        for await (const chunk of req) body += chunk;
        const event = JSON.parse(body) as InboundEvent;
        const replies = await handler!(event);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(replies));
      });
      return {
        alertSink,
        platform: 'console',
        async start(h) {
          if (opts.failOnStart) throw new Error('platform refused the token');
          handler = h;
          journal.push('start');
        },
        async stop() {
          journal.push('stop');
        },
      };
    },
  });
  return { entry: entry as AdapterEntry, journal, alerts, firstAlert };
}

function configFor(registry: AdapterEntry[], env: Record<string, string> = {}) {
  const db = tempSqliteUrl();
  temps.push(db);
  const config = loadConfig(
    { DATABASE_URL: db.url, PORT: '0', FLOWS_DIR: join(ROOT, 'flows'), ...env },
    { sections: adapterSections(registry), envFile: null },
  );
  return { config, dbPath: db.url.slice('file:'.length) };
}

const startEvent = {
  kind: 'command',
  name: 'start',
  args: [],
  platform: 'console',
  workspaceId: '',
  channelId: 'c1',
  userId: 'u1',
  isDirect: true,
  eventId: 'e1',
} satisfies InboundEvent;

describe('startBot', () => {
  it('leaves an adapter without its token unstarted', async () => {
    const fake = fakePlatform();
    const { config } = configFor([fake.entry]);
    const bot = await startBot(config, logger, { migrate: true, registry: [fake.entry] });
    expect(bot.adapters).toEqual([]);
    expect(fake.journal).toEqual([]);
    await bot.stop();
  });

  it('wires a configured adapter to HTTP and the real engine, and stops it before the server', async () => {
    const fake = fakePlatform();
    const { config, dbPath } = configFor([fake.entry], { FAKE_TOKEN: 't0k3n' });
    const bot = await startBot(config, logger, { migrate: true, registry: [fake.entry] });
    const base = `http://127.0.0.1:${bot.http.port}`;
    expect(bot.adapters).toEqual(['console']);
    expect(fake.journal).toEqual(['create t0k3n', 'start']);

    const res = await fetch(`${base}/fake/hook`, { method: 'POST', body: JSON.stringify(startEvent) });
    expect(res.status).toBe(200);
    const replies = (await res.json()) as { kind: string }[];
    expect(replies.some((m) => m.kind === 'question')).toBe(true);

    const db = new Database(dbPath, { readonly: true });
    const leads = db.prepare('SELECT COUNT(*) AS n FROM Lead').get() as { n: number };
    db.close();
    expect(leads.n).toBe(1);

    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });
    await bot.stop();
    expect(fake.journal).toEqual(['create t0k3n', 'start', 'stop']);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });

  it('delivers the sales alert of a prospect who reaches SQL through the adapter sink', async () => {
    const fake = fakePlatform();
    const { config } = configFor([fake.entry], { FAKE_TOKEN: 't0k3n' });
    const bot = await startBot(config, logger, { migrate: true, registry: [fake.entry] });
    try {
      const transcript = parse(
        readFileSync(join(ROOT, 'flows/transcripts/strong-prospect.yaml'), 'utf8'),
      ) as {
        steps: ({ command: string; args?: string[] } | { choose: string[] } | { say: string })[];
      };
      let n = 0;
      for (const step of transcript.steps) {
        const origin = { ...startEvent, eventId: `e${++n}` };
        const event: InboundEvent =
          'command' in step
            ? { ...origin, kind: 'command', name: step.command, args: step.args ?? [] }
            : 'choose' in step
              ? { ...origin, kind: 'choice', values: step.choose }
              : { ...origin, kind: 'message', text: step.say };
        const res = await fetch(`http://127.0.0.1:${bot.http.port}/fake/hook`, {
          method: 'POST',
          body: JSON.stringify(event),
        });
        expect(res.status).toBe(200);
      }
      await fake.firstAlert;
      expect(fake.alerts).toHaveLength(1);
      expect(fake.alerts[0]?.alert.stage).toBe('SQL');
      expect(fake.alerts[0]?.key).toMatch(/^sales_alert:/);
    } finally {
      await bot.stop();
    }
  });

  it('stops what it started when an adapter fails to start', async () => {
    const fake = fakePlatform({ failOnStart: true });
    const { config } = configFor([fake.entry], { FAKE_TOKEN: 't0k3n' });
    await expect(startBot(config, logger, { migrate: true, registry: [fake.entry] })).rejects.toThrow(
      'platform refused the token',
    );
    expect(fake.journal).toEqual(['create t0k3n', 'stop']);
  });
});
