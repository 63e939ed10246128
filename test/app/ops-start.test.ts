/**
 * The zero-setup run, through the real entry point: `leadbot start` with no platform token on a
 * fresh SQLite file serves the web chat, the dashboard (with a printed token), /readyz and
 * /metrics; SIGTERM shuts it down cleanly (exit 0) and a restart finds the lead again.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { STRONG_PROSPECT } from '../web/strong-prospect.ts';
import { ROOT, type RunningCli, startCli } from './run-cli.ts';

const running: RunningCli[] = [];
const temps: { cleanup(): void }[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await r.exited;
  }
  for (const t of temps.splice(0)) t.cleanup();
});

async function start(url: string, env: Record<string, string> = {}) {
  const bot = startCli(['start'], { DATABASE_URL: url, PORT: '0', FLOWS_DIR: join(ROOT, 'flows'), ...env });
  running.push(bot);
  const ready = await bot.waitForLog('leadbot ready');
  return { bot, ready, base: String(ready.http) };
}

const id = () => randomUUID().replaceAll('-', '');

describe('leadbot start without platform tokens', () => {
  it('serves the web chat, dashboard, /readyz and /metrics, and stops on SIGTERM with exit 0', async () => {
    const db = tempSqliteUrl();
    temps.push(db);
    const { bot, ready, base } = await start(db.url);
    expect(ready.adapters).toEqual(['web']);
    expect(ready.webChat).toBe(`${base}/`);
    expect(ready.dashboard).toBe(`${base}/dashboard`);
    const tokenLine = bot.logs.find((l) => typeof l.dashboardToken === 'string');
    const token = String(tokenLine?.dashboardToken);
    expect(token.length).toBeGreaterThanOrEqual(24);

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/widget.js');
    expect((await fetch(`${base}/dashboard`)).status).toBe(401);
    expect((await fetch(`${base}/dashboard`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      200,
    );
    const readyz = await fetch(`${base}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({ ready: true, adapters: { connected: ['web'] } });

    const visitor = id();
    // Like the widget, every request carries the page's source (the lead is made by the first answer).
    const source = { utm_campaign: 'launch' };
    const post = (body: Record<string, unknown>) =>
      fetch(`${base}/api/chat/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ visitorId: visitor, eventId: id(), source, ...body }),
      });
    expect((await post({ kind: 'command', name: 'start' })).status).toBe(200);
    for (const step of STRONG_PROSPECT) expect((await post(step)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('leadbot_events_processed_total{platform="web",outcome="ok"} 10');
    expect(metrics).toContain('leadbot_stage_transitions_total{from="MQL",to="SQL"} 1');

    bot.child.kill('SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.logs.some((l) => l.msg === 'shutting down')).toBe(true);
    expect(bot.stderr()).toBe('');

    // The same database after a restart: the lead is there, at SQL, under its campaign.
    const again = await start(db.url, { DASHBOARD_TOKEN: 'a-fixed-dashboard-token-1234' });
    expect(again.bot.logs.some((l) => 'dashboardToken' in l)).toBe(false);
    const funnel = await (
      await fetch(`${again.base}/dashboard?campaign=launch`, {
        headers: { authorization: 'Bearer a-fixed-dashboard-token-1234' },
      })
    ).text();
    expect(funnel).toMatch(/data-testid="sql">1</);
    again.bot.child.kill('SIGTERM');
    expect((await again.bot.exited).code).toBe(0);
  });
});
