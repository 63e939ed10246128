/**
 * The app's single HTTP server: webhooks of every adapter plus `/healthz`, on one port.
 * Handlers receive the raw Node request with its body unread, because the SDKs verify
 * signatures over the exact bytes (bolt's receiver, grammY's `webhookCallback`).
 *
 * Hardened for the open internet (limits in ops/http-limits.ts): every route has a body cap
 * (413 beyond, enforced here whoever reads the body — ops/body-cap.ts), slow clients are cut
 * by Node's header and request timeouts, connections over the cap are closed on arrival, a
 * malformed request target is a 400 before any handler sees it, `/healthz` tells only whether
 * the app is healthy (why not goes to the log, once a minute) and responses to https requests
 * carry `Strict-Transport-Security`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tooLarge } from '../../adapters/shared/http-body.ts';
import type { HttpRoutes, RouteOptions } from '../../adapters/shared/types.ts';
import type { Logger } from '../core/ports/index.ts';
import { BODY_DROPPED, CappedRequest } from './ops/body-cap.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './ops/http-limits.ts';
import { createLogThrottle } from './ops/log-throttle.ts';
import { cameOverHttps, routePath } from './ops/request-target.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
export type { RouteOptions } from '../../adapters/shared/types.ts';

export interface HttpServer extends HttpRoutes {
  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(port: number, host: string): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
  readonly server: Server;
  /** The limits in force (defaults merged with what was given). */
  readonly limits: HttpLimits;
}

/**
 * Whether the app is healthy; `ok: false` (or a throw, or no answer within the timeout) makes
 * `/healthz` answer 503 `{"ok":false}` so a load balancer stops routing here. Other fields are
 * logged when unhealthy, never sent.
 */
export type HealthCheck = () => Promise<Record<string, unknown> & { ok: boolean }>;

export interface HttpServerOptions {
  logger: Logger;
  health?: HealthCheck;
  /** Overrides of {@link DEFAULT_HTTP_LIMITS} (`leadbot start` passes the HTTP_* settings). */
  limits?: Partial<HttpLimits>;
  /** How long `/healthz` waits for its check before saying not ok (default 2 s). */
  healthTimeoutMs?: number;
}

/** One year; no `includeSubDomains`, which would bind sites of the operator this app knows nothing of. */
const HSTS = 'max-age=31536000';
/** Methods whose routes take no body unless they declare a cap. */
const BODYLESS = new Set(['GET', 'HEAD']);
/** How long a refused body is still read and dropped after the 413 before the connection closes. */
const LINGER_MS = 10_000;

interface Route {
  handler: RouteHandler;
  maxBodyBytes: number | undefined;
}

/**
 * Creates the server with its route table. Exact method + path match (query string ignored);
 * a path ending in `/*` matches every longer path under it (`/r/*`: `/r/<id>`), exact paths
 * first. An unknown path answers 404, a known path with another method 405.
 */
export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...opts.limits };
  const logger = opts.logger;
  const throttle = createLogThrottle();
  const routes = new Map<string, Map<string, Route>>();
  /** `/r/` of `/r/*`, with its methods (few: a linear scan after the exact lookup misses). */
  const prefixes = new Map<string, Map<string, Route>>();
  const lookup = (path: string): Map<string, Route> | undefined => {
    const exact = routes.get(path);
    if (exact) return exact;
    for (const [prefix, byMethod] of prefixes)
      if (path.length > prefix.length && path.startsWith(prefix)) return byMethod;
    return undefined;
  };

  const route = (method: string, path: string, handler: RouteHandler, options: RouteOptions = {}): void => {
    const table = path.endsWith('/*') ? prefixes : routes;
    const key = path.endsWith('/*') ? path.slice(0, -1) : path;
    const byMethod = table.get(key) ?? new Map<string, Route>();
    const m = method.toUpperCase();
    if (byMethod.has(m)) throw new Error(`HTTP route ${m} ${path} is already mounted`);
    byMethod.set(m, { handler, maxBodyBytes: options.maxBodyBytes });
    table.set(key, byMethod);
  };

  route('GET', '/healthz', async (_req, res) => {
    let ok = false;
    let detail: Record<string, unknown> = {};
    try {
      const body = await withTimeout(opts.health?.() ?? Promise.resolve({ ok: true }), opts.healthTimeoutMs);
      ok = body.ok === true;
      detail = body;
    } catch (err) {
      // One line in the log: Prisma's messages span several.
      const text = err instanceof Error ? err.message : String(err);
      detail = { error: text.replace(/\s+/g, ' ').trim().slice(0, 500) };
    }
    if (!ok) {
      const line = throttle.take('healthz');
      if (line)
        logger.warn({ ...detail, suppressed: line.suppressed }, 'health check failed: /healthz answers 503');
    }
    sendJson(res, ok ? 200 : 503, { ok }, { 'cache-control': 'no-store' });
  });

  /**
   * Answers 413 (unless a response began), then closes the connection after a short linger:
   * a client still sending its body (every HTTP client writes the whole body before it reads)
   * would otherwise meet a reset instead of the answer. Meanwhile what it sends is read and
   * dropped (body-cap.ts), as nginx's lingering close does. A handler still waiting for the
   * body fails its read when the connection closes.
   */
  function refuseBody(req: CappedRequest, res: ServerResponse, max: number): void {
    const error = tooLarge(max);
    if (!res.headersSent) sendJson(res, 413, { error: error.userMessage });
    const close = () => {
      const timer = setTimeout(() => req.destroy(error), LINGER_MS);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
      // The whole body arrived (and was dropped). Refused on its declared length: the request
      // ended normally (body-cap.ts) and the connection stays open for the client's next
      // request; a body cut midway never ends, so its connection closes now.
      req.once(BODY_DROPPED, () => {
        if (req.refused) clearTimeout(timer);
        else req.destroy(error);
      });
    };
    if (res.writableFinished) close();
    else res.once('finish', close);
  }

  function dispatch(req: CappedRequest, res: ServerResponse): void {
    if (cameOverHttps(req)) res.setHeader('strict-transport-security', HSTS);
    const method = req.method ?? 'GET';
    const path = routePath(req.url);
    const entry = path === null ? undefined : lookup(path)?.get(method);
    const max = entry?.maxBodyBytes ?? (BODYLESS.has(method) ? 0 : limits.maxBodyBytes);
    req.capBody({ max, onOver: () => refuseBody(req, res, max) });
    const declared = Number(req.headers['content-length']);
    if (declared > max) {
      req.refuse();
      refuseBody(req, res, max);
      return;
    }
    if (path === null) {
      sendJson(res, 400, { error: 'malformed request target' }, { connection: 'close' });
      return;
    }
    const byMethod = lookup(path);
    if (!byMethod) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    if (!entry) {
      res.setHeader('allow', [...byMethod.keys()].join(', '));
      sendJson(res, 405, { error: 'method not allowed' });
      return;
    }
    Promise.resolve()
      .then(() => entry.handler(req, res))
      .catch((err: unknown) => {
        // Cut at its body cap: the 413 is the answer, the handler only failed to read the rest.
        if (req.cut) return;
        // A failing webhook must not take the process down; the platform will retry.
        logger.error({ err, method, path }, 'HTTP handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  }

  const server = createServer(
    {
      IncomingMessage: CappedRequest,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // Node looks for expired requests every 30 s by default: a timeout would fire that late.
      connectionsCheckingInterval: Math.max(
        50,
        Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)),
      ),
    },
    (req, res) => dispatch(req as CappedRequest, res),
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
  server.on('drop', (data?: { remoteAddress?: string }) => {
    const line = throttle.take('drop');
    if (line) {
      logger.warn(
        {
          maxConnections: limits.maxConnections,
          remoteAddress: data?.remoteAddress,
          suppressed: line.suppressed,
        },
        'connection refused: the server is at HTTP_MAX_CONNECTIONS',
      );
    }
  });

  return {
    server,
    route,
    limits,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const addr = server.address() as AddressInfo;
          resolve({ host: addr.address, port: addr.port });
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}

function withTimeout<T>(p: Promise<T>, ms = 2000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(text);
}
