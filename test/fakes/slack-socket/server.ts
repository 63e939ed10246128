/**
 * A fake of Slack's Socket Mode on 127.0.0.1 for the real `@slack/socket-mode` client (inside
 * bolt's SocketModeReceiver). One port serves:
 * - `POST /api/apps.connections.open` with the app-level token → `{ ok, url: 'ws://…' }`, a
 *   single-use link (each connection calls the method again, as Slack expects);
 * - that WebSocket: `hello` first, then envelopes, each to be acknowledged within
 *   {@link ACK_WINDOW_MS}; an unacknowledged envelope is redelivered (same `envelope_id`,
 *   `retry_attempt` + 1, `retry_reason: 'timeout'`) on any open connection, up to
 *   {@link MAX_RETRIES} times; `disconnect` messages on demand;
 * - every other `/api/<method>` forwarded to the fake Web API given (bolt's Web API client and
 *   the Socket Mode client share `SLACK_API_URL`, as they share slack.com in production).
 * Rules and their sources: ./rules.ts.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  ACK_WINDOW_MS,
  acceptsResponsePayload,
  connectionsOpenError,
  type DisconnectReason,
  type Envelope,
  type EnvelopeType,
  helloMessage,
  MAX_CONNECTIONS,
  MAX_RETRIES,
  type Payload,
  PING_EVERY_MS,
  parseAck,
} from './rules.ts';

export const APP_TOKEN = 'xapp-1-A0LEADBOT-1-fake';
const APP_ID = 'A0LEADBOT';

export interface Delivery {
  envelope: Envelope;
  /** Which connection (in order of connection, from 1) it went to. */
  connection: number;
}

export interface FakeSlackSocket {
  /** Base for `slackApiUrl` / `SLACK_API_URL` (ends with `/api/`). */
  apiUrl: string;
  appToken: string;
  /** Every envelope sent, retries included, in order. */
  deliveries: Delivery[];
  /** Acks received, in order (an ack for an unknown or settled envelope is in `strayAcks`). */
  acks: { envelope_id: string; payload?: Payload }[];
  strayAcks: string[];
  /** `apps.connections.open` answers given (ok or the error). */
  opens: string[];
  /** Open connections now; `hellos` counts every connection that got its hello. */
  connections(): number;
  hellos(): number;
  /**
   * Sends one envelope and resolves with its ack's payload (`{}` when none), or rejects when
   * every retry went unacknowledged. With no connection open it is held for the next one — a
   * simplification: Slack counts that as a failed attempt and retries on its own schedule.
   */
  send(type: EnvelopeType, payload: Payload, opts?: { acceptsResponsePayload?: boolean }): Promise<Payload>;
  /** Where other Web API methods go from now on (when the Web API fake starts later). */
  forwardTo(webApiUrl: string): void;
  /** The next `n` acks are lost on the way (as on a connection that broke): the envelopes are redelivered. */
  loseAcks(n: number): void;
  /** Sends `disconnect` on every open connection; unless `warning`, drops them after `graceMs`. */
  disconnect(reason: DisconnectReason, graceMs?: number): Promise<void>;
  /** Resolves once `n` connections got their hello. */
  waitForHellos(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Pending {
  envelope: Envelope;
  timer: NodeJS.Timeout | null;
  resolve: (p: Payload) => void;
  reject: (e: Error) => void;
}

/** Starts the fake; `webApiUrl` is the fake Web API other methods are forwarded to. */
export async function startFakeSlackSocket(
  opts: { webApiUrl?: string; appToken?: string } = {},
): Promise<FakeSlackSocket> {
  const appToken = opts.appToken ?? APP_TOKEN;
  let webApiUrl = opts.webApiUrl;
  const tickets = new Set<string>();
  const sockets: { ws: WebSocket; n: number; ping: NodeJS.Timeout }[] = [];
  const pending = new Map<string, Pending>();
  const queue: string[] = []; // envelopes waiting for a connection
  const deliveries: Delivery[] = [];
  const acks: { envelope_id: string; payload?: Payload }[] = [];
  const strayAcks: string[] = [];
  const opens: string[] = [];
  const helloWaiters = new Set<() => void>();
  let hellos = 0;
  let lost = 0;
  let next = 0; // round-robin across connections, as Slack spreads envelopes
  let port = 0;

  function deliver(id: string): void {
    const p = pending.get(id);
    if (!p) return;
    const open = sockets.filter((s) => s.ws.readyState === WebSocket.OPEN);
    if (open.length === 0) {
      queue.push(id);
      return;
    }
    const target = open[next++ % open.length]!;
    deliveries.push({ envelope: { ...p.envelope }, connection: target.n });
    target.ws.send(JSON.stringify(p.envelope));
    p.timer = setTimeout(() => {
      p.timer = null;
      if (p.envelope.retry_attempt >= MAX_RETRIES) {
        pending.delete(id);
        p.reject(new Error(`envelope ${id} never acknowledged (${MAX_RETRIES} retries)`));
        return;
      }
      p.envelope = { ...p.envelope, retry_attempt: p.envelope.retry_attempt + 1, retry_reason: 'timeout' };
      deliver(id);
    }, ACK_WINDOW_MS);
  }

  function onAck(raw: string): void {
    const ack = parseAck(raw);
    if (!ack) return; // not an ack: Slack ignores it too
    if (lost > 0) {
      lost--;
      return;
    }
    const p = pending.get(ack.envelope_id);
    if (!p) {
      strayAcks.push(ack.envelope_id);
      return;
    }
    acks.push(ack);
    if (p.timer) clearTimeout(p.timer);
    pending.delete(ack.envelope_id);
    p.resolve(ack.payload ?? {});
  }

  async function forward(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers: Record<string, string> = {};
    for (const h of ['content-type', 'authorization']) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    if (!webApiUrl) {
      res.writeHead(502).end();
      return;
    }
    try {
      const r = await fetch(`${webApiUrl}${method}`, {
        method: req.method ?? 'POST',
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      const out: Record<string, string> = {};
      for (const h of ['content-type', 'retry-after']) {
        const v = r.headers.get(h);
        if (v) out[h] = v;
      }
      res.writeHead(r.status, out).end(Buffer.from(await r.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = path.replace(/^\/api\//, '');
    if (method !== 'apps.connections.open') {
      void forward(req, res, method);
      return;
    }
    req.resume();
    // The method's documented access: POST only (apps.connections.open, "Method access").
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const error = connectionsOpenError(req.headers.authorization, appToken);
    opens.push(error ?? 'ok');
    const json = (body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (error) return json({ ok: false, error });
    const ticket = randomUUID();
    tickets.add(ticket);
    json({ ok: true, url: `ws://127.0.0.1:${port}/link/?ticket=${ticket}&app_id=${APP_ID}` });
  });

  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const ticket = url.searchParams.get('ticket') ?? '';
    const open = sockets.filter((s) => s.ws.readyState === WebSocket.OPEN).length;
    // A link is good for one connection; a used or made-up one, or an 11th connection, is refused.
    if (url.pathname !== '/link/' || !tickets.delete(ticket) || open >= MAX_CONNECTIONS) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const n = ++hellos;
      const ping = setInterval(() => ws.ping(), PING_EVERY_MS);
      const entry = { ws, n, ping };
      sockets.push(entry);
      ws.on('message', (data) => onAck(data.toString()));
      ws.on('close', () => {
        clearInterval(ping);
        sockets.splice(sockets.indexOf(entry), 1);
      });
      ws.on('error', () => {});
      const live = sockets.filter((s) => s.ws.readyState === WebSocket.OPEN).length;
      ws.send(JSON.stringify(helloMessage(live, APP_ID, `fake-${n}`)));
      for (const w of [...helloWaiters]) w();
      for (const id of queue.splice(0)) deliver(id);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    appToken,
    deliveries,
    acks,
    strayAcks,
    opens,
    connections: () => sockets.filter((s) => s.ws.readyState === WebSocket.OPEN).length,
    hellos: () => hellos,
    send(type, payload, o = {}) {
      const envelope: Envelope = {
        envelope_id: randomUUID(),
        type,
        payload,
        accepts_response_payload: o.acceptsResponsePayload ?? acceptsResponsePayload(type, payload),
        retry_attempt: 0,
        retry_reason: '',
      };
      return new Promise<Payload>((resolve, reject) => {
        pending.set(envelope.envelope_id, { envelope, timer: null, resolve, reject });
        deliver(envelope.envelope_id);
      });
    },
    forwardTo(url) {
      webApiUrl = url;
    },
    loseAcks(n) {
      lost = n;
    },
    async disconnect(reason, graceMs = 1000) {
      const targets = sockets.filter((s) => s.ws.readyState === WebSocket.OPEN);
      for (const s of targets) {
        s.ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: `fake-${s.n}` } }));
      }
      if (reason === 'warning') return;
      await new Promise((r) => setTimeout(r, graceMs));
      for (const s of targets) s.ws.terminate(); // whoever did not leave is dropped
    },
    waitForHellos(n, timeoutMs = 15_000) {
      if (hellos >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const check = () => {
          if (hellos < n) return;
          clearTimeout(timer);
          helloWaiters.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          helloWaiters.delete(check);
          reject(new Error(`fake Socket Mode: ${hellos} hellos, waited for ${n}`));
        }, timeoutMs);
        helloWaiters.add(check);
      });
    },
    async close() {
      for (const p of pending.values()) if (p.timer) clearTimeout(p.timer);
      pending.clear();
      for (const s of sockets) {
        clearInterval(s.ping);
        s.ws.terminate();
      }
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
