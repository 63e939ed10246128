/**
 * The app's HTTP server under hostile clients, over real sockets: a body sent a byte a second
 * (and headers sent that way) is cut by the configured timeouts, connections over the cap are
 * refused, bodies over a route's cap get 413 whoever reads them (a GET's too), malformed
 * request targets and methods get a 4xx, HSTS rides on https responses only.
 */
import { get as httpGet } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readBody } from '../../adapters/shared/http-body.ts';
import { createHttpServer, type HttpServer } from '../../src/app/http-server.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits, parseHttpLimits } from '../../src/app/ops/http-limits.ts';
import { cameOverHttps, routePath } from '../../src/app/ops/request-target.ts';
import type { Logger } from '../../src/core/ports/index.ts';
import { storeBackends } from '../helpers/stores.ts';
import { startWebHarness, type WebHarness } from '../web/harness.ts';

const lines: { level: string; obj: object; msg?: string }[] = [];
const logger: Logger = {
  debug() {},
  info() {},
  warn: (obj, msg) => void lines.push({ level: 'warn', obj, msg }),
  error: (obj, msg) => void lines.push({ level: 'error', obj, msg }),
  child: () => logger,
};

const servers: HttpServer[] = [];
const sockets: Socket[] = [];
const harnesses: WebHarness[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const h of harnesses.splice(0)) await h.close();
  for (const c of cleanups.splice(0)) await c();
  for (const s of servers.splice(0)) await s.close();
  lines.length = 0;
});

async function serve(limits: Partial<HttpLimits> = {}, mount?: (s: HttpServer) => void) {
  const s = createHttpServer({ logger, limits });
  mount?.(s);
  servers.push(s);
  const { port } = await s.listen(0, '127.0.0.1');
  return { s, port, base: `http://127.0.0.1:${port}` };
}

/** A raw TCP connection: what it received, and when it was closed. */
function rawClient(port: number) {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  let received = '';
  const opened = Date.now();
  socket.setEncoding('latin1');
  socket.on('data', (d: string) => {
    received += d;
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - opened)));
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return {
    socket,
    connected,
    closed,
    received: () => received,
    status: () => Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0),
  };
}

/** A GET with Node's own HTTP client; resolves with the status. */
function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Sends one byte every `everyMs` until the socket closes. */
function trickle(socket: Socket, everyMs: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(timer);
    socket.write('x');
  }, everyMs);
  socket.on('close', () => clearInterval(timer));
  return timer;
}

/** A route that reads its whole body with a generous cap of its own, like an SDK would. */
function echoLength(s: HttpServer, path: string, maxBodyBytes?: number) {
  s.route(
    'POST',
    path,
    async (req, res) => {
      const body = await readBody(req, 10 * 1024 * 1024);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(String(body.length));
    },
    maxBodyBytes === undefined ? {} : { maxBodyBytes },
  );
}

describe('HTTP limits', () => {
  it('has documented defaults, read from HTTP_* variables in seconds', () => {
    expect(parseHttpLimits({})).toEqual(DEFAULT_HTTP_LIMITS);
    expect(DEFAULT_HTTP_LIMITS).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 1000,
      maxBodyBytes: 1024 * 1024,
    });
    expect(
      parseHttpLimits({
        HTTP_HEADERS_TIMEOUT_SECONDS: '2.5',
        HTTP_REQUEST_TIMEOUT_SECONDS: '20',
        HTTP_KEEP_ALIVE_TIMEOUT_SECONDS: '65',
        HTTP_MAX_CONNECTIONS: '200',
        HTTP_MAX_BODY_BYTES: '65536',
      }),
    ).toEqual({
      headersTimeoutMs: 2500,
      requestTimeoutMs: 20_000,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 200,
      maxBodyBytes: 65536,
    });
    expect(() => parseHttpLimits({ HTTP_MAX_CONNECTIONS: 'lots' })).toThrow(
      /HTTP_MAX_CONNECTIONS="lots" is not a positive number/,
    );
    expect(() => parseHttpLimits({ HTTP_REQUEST_TIMEOUT_SECONDS: '0' })).toThrow(
      /HTTP_REQUEST_TIMEOUT_SECONDS/,
    );
    expect(() => parseHttpLimits({ HTTP_HEADERS_TIMEOUT_SECONDS: '60' })).toThrow(
      /longer than HTTP_REQUEST_TIMEOUT_SECONDS/,
    );
  });

  it('applies them to the Node server', async () => {
    const { s } = await serve({
      headersTimeoutMs: 3000,
      requestTimeoutMs: 4000,
      keepAliveTimeoutMs: 1500,
      maxConnections: 7,
    });
    expect(s.server.headersTimeout).toBe(3000);
    expect(s.server.requestTimeout).toBe(4000);
    expect(s.server.keepAliveTimeout).toBe(1500);
    expect(s.server.maxConnections).toBe(7);
  });
});

describe('slow clients', () => {
  it('cuts a body sent a byte a second within the request timeout', async () => {
    const requestTimeoutMs = 2000;
    const { port, s } = await serve({ headersTimeoutMs: 1000, requestTimeoutMs });
    let handlerFinished = false;
    s.route('POST', '/slow', async (req, res) => {
      try {
        await readBody(req, 1000);
        res.end('read it all');
      } finally {
        handlerFinished = true;
      }
    });
    const c = rawClient(port);
    await c.connected;
    c.socket.write(
      'POST /slow HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n',
    );
    trickle(c.socket, 1000);
    const ms = await c.closed;
    console.log(
      `[http] slow body (1 byte/s): connection cut after ${ms} ms (request timeout ${requestTimeoutMs} ms), answer ${c.status() || 'none'}`,
    );
    expect(ms).toBeGreaterThanOrEqual(requestTimeoutMs - 100);
    expect(ms).toBeLessThan(requestTimeoutMs + 1500);
    expect(c.status()).toBe(408);
    // The handler's read failed instead of waiting for ever.
    await expect.poll(() => handlerFinished).toBe(true);
  });

  it('cuts headers sent a byte at a time within the headers timeout', async () => {
    const headersTimeoutMs = 1000;
    const { port } = await serve({ headersTimeoutMs, requestTimeoutMs: 5000 });
    const c = rawClient(port);
    await c.connected;
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    trickle(c.socket, 200);
    const ms = await c.closed;
    console.log(
      `[http] slow headers (5 bytes/s): connection cut after ${ms} ms (headers timeout ${headersTimeoutMs} ms)`,
    );
    expect(ms).toBeLessThan(headersTimeoutMs + 1500);
    expect(c.status()).toBe(408);
  });
});

describe('connection cap', () => {
  it('refuses connections over the cap at once, logs that once, and serves again when one closes', async () => {
    const maxConnections = 5;
    const { port, base } = await serve({ maxConnections });
    const held = Array.from({ length: maxConnections }, () => rawClient(port));
    await Promise.all(held.map((c) => c.connected));
    // Each holds a request open (headers not finished), like a slow client.
    for (const c of held) c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await new Promise((r) => setTimeout(r, 100));

    const refused = Array.from({ length: 3 }, () => rawClient(port));
    const refusedIn = await Promise.all(refused.map((c) => c.closed));
    expect(refused.map((c) => c.received())).toEqual(['', '', '']);
    // An ordinary client gets an error at once. (undici's fetch waits on a connection refused
    // this way instead of failing: Node's own client is used here.)
    const started = Date.now();
    await expect(get(`${base}/healthz`)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const clientMs = Date.now() - started;
    const drops = lines.filter((l) => l.msg?.includes('HTTP_MAX_CONNECTIONS'));
    expect(drops).toHaveLength(1);

    held[0]!.socket.destroy();
    await held[0]!.closed;
    await new Promise((r) => setTimeout(r, 50));
    expect(await get(`${base}/healthz`)).toBe(200);
    console.log(
      `[http] connection cap ${maxConnections}: ${maxConnections} held open, ${refused.length + 1} more refused ` +
        `(closed after ${Math.max(...refusedIn)} ms at most; an HTTP client failed after ${clientMs} ms; ` +
        `${drops.length} log line), served again after one closed`,
    );
  });
});

describe('body caps', () => {
  it('answers 413 past a route’s cap whoever reads the body, declared or streamed', async () => {
    const { port, base, s } = await serve({ maxBodyBytes: 1000 }, (srv) => {
      echoLength(srv, '/small', 100);
      echoLength(srv, '/default');
    });
    let ran = 0;
    s.route(
      'POST',
      '/counted',
      async (_req, res) => {
        ran += 1;
        res.end();
      },
      { maxBodyBytes: 10 },
    );

    expect(await (await fetch(`${base}/small`, { method: 'POST', body: 'x'.repeat(100) })).text()).toBe(
      '100',
    );
    const declared = await fetch(`${base}/small`, { method: 'POST', body: 'x'.repeat(101) });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toEqual({ error: 'The request body is larger than 100 bytes.' });
    expect((await fetch(`${base}/counted`, { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
    expect(ran).toBe(0); // refused on its Content-Length: the handler never ran

    // Chunked, no Content-Length: cut while streaming; the handler never sees a whole body.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(50)));
        controller.close();
      },
    });
    const chunked = await fetch(`${base}/small`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);

    // Routes without a cap of their own get HTTP_MAX_BODY_BYTES.
    expect((await fetch(`${base}/default`, { method: 'POST', body: 'z'.repeat(1000) })).status).toBe(200);
    expect((await fetch(`${base}/default`, { method: 'POST', body: 'z'.repeat(1001) })).status).toBe(413);

    // A body longer than it claims to be: the rest is no new request.
    const c = rawClient(port);
    await c.connected;
    c.socket.write(
      `POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${(300).toString(16)}\r\n${'w'.repeat(300)}\r\n`,
    );
    await c.closed;
    expect(c.status()).toBe(413);
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
    console.log('[http] 413 on a capped route: declared length, streamed chunks and the default cap');
  });

  it('caps a GET with a body too', async () => {
    const { port, base } = await serve();
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const c = rawClient(port);
    await c.connected;
    c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
    await c.closed;
    expect(c.status()).toBe(413);
    const chunked = rawClient(port);
    await chunked.connected;
    chunked.socket.write(
      'GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
    );
    await chunked.closed;
    expect(chunked.status()).toBe(413);
  });
});

describe('odd requests', () => {
  it('never answers a malformed request target or method with a 5xx (web chat, dashboard and ops mounted, PostgreSQL)', async () => {
    // PostgreSQL refuses a NUL in a query parameter: a dashboard filter of %00 must not get there.
    const backend = storeBackends().find((b) => b.name === 'postgres')!;
    const o = (await backend.open()) ?? (await storeBackends()[0]!.open())!;
    cleanups.push(() => o.cleanup());
    const token = 'a-token-of-sixteen-chars';
    const h = await startWebHarness({ dashboardToken: token, store: o.store });
    harnesses.push(h);
    const port = Number(new URL(h.base).port);
    const targets = [
      '/%zz',
      '/%',
      '/dashboard?stage=%E0%A4%A',
      '/dashboard/leads?q=%ff',
      '/dashboard/leads?campaign=%00',
      '/dashboard/leads?q=a%00b',
      '/dashboard?platform=%F0%9F%98%80%00',
      '/dashboard/lead?id=%ed%a0%80',
      '/dashboard/leads.csv?q=%C0%AF',
      '/dashboard/leads?q=%F0%9F%98%80&campaign=%E2%80%AEx',
      '/api/chat/events%00',
      '/%2e%2e/%2e%2e/etc/passwd',
      '//evil.example/',
      'http://evil.example/dashboard',
      'https://x/healthz?%zz',
      '*',
      'evil.example:443',
      '/dashboard/leads?page=-1&stage=%27%22%3E%3Cscript%3E',
      `/${'a'.repeat(20_000)}`,
      '/\u00ff',
    ];
    const methods = [
      'GET',
      'POST',
      'HEAD',
      'OPTIONS',
      'PUT',
      'DELETE',
      'PATCH',
      'PROPFIND',
      'M-SEARCH',
      'FOO',
      'G\u00c9T',
      'CONNECT',
      '',
    ];
    const statuses = new Map<number, number>();
    const fivexx: string[] = [];
    const requests = [
      ...targets.map((t) => `GET ${t} HTTP/1.1`),
      ...methods.map((m) => `${m} /dashboard HTTP/1.1`),
      ...methods.map((m) => `${m} /api/chat/events HTTP/1.1`),
      'GET /healthz HTTP/9.9',
      'GET /healthz',
      'GET  /healthz HTTP/1.1',
      '\u0000\u0001\u0002',
    ];
    for (const line of requests) {
      const c = rawClient(port);
      await c.connected;
      c.socket.write(
        Buffer.from(
          `${line}\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
          'latin1',
        ),
      );
      await c.closed;
      const status = c.status();
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (status >= 500) fivexx.push(`${line.slice(0, 60)} → ${status}`);
    }
    const summary = [...statuses]
      .sort(([a], [b]) => a - b)
      .map(([st, n]) => `${st || 'closed'}: ${n}`)
      .join(', ');
    console.log(`[http] ${requests.length} odd requests: ${summary}; ${fivexx.length} 5xx`);
    expect(fivexx).toEqual([]);
    // The server still serves.
    expect((await fetch(`${h.base}/healthz`)).status).toBe(200);
  });

  it('routes on the path of a well-formed target and refuses the rest', () => {
    expect(routePath('/healthz?x=1')).toBe('/healthz');
    expect(routePath('http://host:3000/healthz?x')).toBe('/healthz');
    expect(routePath('https://host')).toBe('/');
    expect(routePath('/dashboard/leads?q=caf%C3%A9')).toBe('/dashboard/leads');
    for (const bad of ['*', 'host:443', '/%zz', '/?q=%ff', '/%00', '/a%0d%0aSet-Cookie:x', '', undefined])
      expect(routePath(bad), String(bad)).toBeNull();
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent only when the request came over https (directly or per X-Forwarded-Proto)', async () => {
    const { base } = await serve();
    const hsts = async (headers: Record<string, string>, path = '/healthz') =>
      (await fetch(`${base}${path}`, { headers })).headers.get('strict-transport-security');
    expect(await hsts({})).toBeNull();
    expect(await hsts({ 'x-forwarded-proto': 'http' })).toBeNull();
    expect(await hsts({ 'x-forwarded-proto': 'https' })).toBe('max-age=31536000');
    expect(await hsts({ 'x-forwarded-proto': 'HTTPS, http' })).toBe('max-age=31536000');
    expect(await hsts({ 'x-forwarded-proto': 'https' }, '/nope')).toBe('max-age=31536000');
    const tls = { socket: { encrypted: true }, headers: {} } as never;
    expect(cameOverHttps(tls)).toBe(true);
    expect(cameOverHttps({ socket: {}, headers: {} } as never)).toBe(false);
  });
});
