/**
 * `leadbot start`'s composition (startBot) on PostgreSQL, then its database dropped:
 * `/healthz` and `/readyz` say only that the app is not ok — the database's error text (which
 * names the database) goes to the log, one line a minute however often they are probed. The
 * HTTP_* settings reach the server: a slow body is cut at HTTP_REQUEST_TIMEOUT_SECONDS.
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterSections } from '../../src/app/adapters.ts';
import { type RunningBot, startBot } from '../../src/app/commands/start.ts';
import { loadConfig } from '../../src/app/config.ts';
import { createLogger } from '../../src/app/logger.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { ROOT } from './run-cli.ts';

let db: TestDatabase | null = null;
let bot: RunningBot | undefined;
afterAll(async () => {
  await bot?.stop();
  await db?.drop();
});

describe('health endpoints with the database gone', () => {
  it('answer only {"ok":false}, log why once a minute, and the HTTP limits are those configured', async (ctx) => {
    db = await createTestDatabase();
    if (!db) return ctx.skip();
    const lines: { level: number; msg: string; error?: string; suppressed?: number }[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination, pretty: false });
    const config = loadConfig(
      {
        DATABASE_URL: db.url,
        PORT: '0',
        FLOWS_DIR: join(ROOT, 'flows'),
        WEB_CHAT: 'off',
        HTTP_HEADERS_TIMEOUT_SECONDS: '1',
        HTTP_REQUEST_TIMEOUT_SECONDS: '1.5',
      },
      { sections: adapterSections(), envFile: null },
    );
    bot = await startBot(config, logger, { migrate: true });
    const base = `http://127.0.0.1:${bot.http.port}`;
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true });

    // HTTP_REQUEST_TIMEOUT_SECONDS=1.5: a body sent a byte a second is cut.
    const started = Date.now();
    const socket = connect(bot.http.port, '127.0.0.1');
    socket.on('error', () => {});
    socket.write('POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n');
    const timer = setInterval(() => socket.writable && socket.write('x'), 1000);
    // Cut: the server's 408 (it closes the connection right after) or the close itself.
    await new Promise<void>((resolve) => {
      socket.on('data', (d) => String(d).includes(' 408 ') && resolve());
      socket.on('close', () => resolve());
    });
    clearInterval(timer);
    socket.destroy();
    const cutMs = Date.now() - started;
    expect(cutMs).toBeGreaterThanOrEqual(1400);
    expect(cutMs).toBeLessThan(2800);

    await db.drop();
    const probes = 10;
    const answers: { status: number; body: string }[] = [];
    for (let i = 0; i < probes; i++) {
      const res = await fetch(`${base}/healthz`);
      answers.push({ status: res.status, body: await res.text() });
    }
    const ready = await fetch(`${base}/readyz`);
    const readyBody = await ready.text();
    await fetch(`${base}/readyz`);

    const healthLines = lines.filter((l) => l.msg.includes('health check failed'));
    const readyLines = lines.filter((l) => l.msg.includes('not ready'));
    console.log(
      `[health] database dropped: ${answers.filter((a) => a.status === 503).length}/${probes} probes 503 with body ${answers[0]?.body}; ` +
        `${healthLines.length} log line for them (why: …${healthLines[0]?.error?.slice(-70)}); ` +
        `/readyz ${ready.status} ${readyBody}; slow body cut after ${cutMs} ms (HTTP_REQUEST_TIMEOUT_SECONDS=1.5)`,
    );
    expect(answers.every((a) => a.status === 503 && a.body === '{"ok":false}')).toBe(true);
    expect(healthLines).toHaveLength(1);
    expect(healthLines[0]?.error).toBeTruthy();
    expect(ready.status).toBe(503);
    expect(readyBody).not.toContain(db.name);
    expect(JSON.parse(readyBody).database).toEqual({ ok: false });
    expect(readyLines).toHaveLength(1);
    expect(readyLines[0]?.error).toBeTruthy();
  }, 60_000);
});
