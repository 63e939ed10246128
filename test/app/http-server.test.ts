import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import type { Logger } from '../../src/core/ports/index.ts';

const errors: object[] = [];
const warnings: { obj: object; msg?: string }[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (obj, msg) => void warnings.push({ obj, msg }),
  error: (obj) => void errors.push(obj),
  child: () => logger,
};

let server: HttpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  errors.length = 0;
  warnings.length = 0;
});

async function listen(s: HttpServer): Promise<string> {
  server = s;
  const { port } = await s.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${port}`;
}

describe('http server', () => {
  it('hands mounted handlers the raw request with its body unread', async () => {
    const s = createHttpServer({ logger });
    s.route('POST', '/hooks/echo', async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`${req.headers['x-signature']}|${raw}`);
    });
    const base = await listen(s);
    const res = await fetch(`${base}/hooks/echo?retry=1`, {
      method: 'POST',
      headers: { 'x-signature': 'v0=abc' },
      body: '{"a": 1 }',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('v0=abc|{"a": 1 }');
  });

  it('answers 404 for an unknown path and 405 with Allow for a wrong method', async () => {
    const s = createHttpServer({ logger });
    s.route('POST', '/telegram/webhook', (_req, res) => void res.end('ok'));
    const base = await listen(s);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const wrong = await fetch(`${base}/telegram/webhook`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
  });

  it('refuses to mount the same route twice', () => {
    const s = createHttpServer({ logger });
    s.route('POST', '/x', () => {});
    expect(() => s.route('post', '/x', () => {})).toThrow(/already mounted/);
  });

  it('turns a failing handler into a logged 500 and keeps serving', async () => {
    const s = createHttpServer({ logger });
    s.route('GET', '/boom', async () => {
      throw new Error('handler broke');
    });
    const base = await listen(s);
    expect((await fetch(`${base}/boom`)).status).toBe(500);
    expect(errors).toHaveLength(1);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('reports health as JSON, only ok or not ok, 503 when the check fails (the reason is logged)', async () => {
    let healthy = true;
    const s = createHttpServer({
      logger,
      health: async () => {
        if (!healthy) throw new Error('database is gone');
        return { ok: true, adapters: ['telegram'] };
      },
    });
    const base = await listen(s);
    const ok = await fetch(`${base}/healthz`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toContain('application/json');
    expect(await ok.json()).toEqual({ ok: true });
    healthy = false;
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ ok: false });
    expect(warnings).toEqual([
      {
        obj: { error: 'database is gone', suppressed: 0 },
        msg: expect.stringMatching(/health check failed/),
      },
    ]);
  });

  it('closes even with a keep-alive connection open', async () => {
    const s = createHttpServer({ logger });
    const base = await listen(s);
    await fetch(`${base}/healthz`, { headers: { connection: 'keep-alive' } });
    await s.close();
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
