/**
 * The app's single HTTP server: webhooks of every adapter plus `/healthz`, on one port.
 * Handlers receive the raw Node request with its body unread, because the SDKs verify
 * signatures over the exact bytes (bolt's receiver, grammY's `webhookCallback`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpRoutes } from '../../adapters/shared/types.ts';
import type { Logger } from '../core/ports.ts';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServer extends HttpRoutes {
  /** Starts listening; resolves with the bound address (useful with port 0). */
  listen(port: number, host: string): Promise<{ host: string; port: number }>;
  close(): Promise<void>;
  readonly server: Server;
}

/** What `/healthz` reports; `ok: false` answers 503 so a load balancer stops routing here. */
export type HealthCheck = () => Promise<Record<string, unknown> & { ok: boolean }>;

/**
 * Creates the server with its route table. Exact method + path match (query string ignored);
 * an unknown path answers 404, a known path with another method 405.
 */
export function createHttpServer(opts: { logger: Logger; health?: HealthCheck }): HttpServer {
  const routes = new Map<string, Map<string, RouteHandler>>();

  const route = (method: string, path: string, handler: RouteHandler): void => {
    const byMethod = routes.get(path) ?? new Map<string, RouteHandler>();
    const m = method.toUpperCase();
    if (byMethod.has(m)) throw new Error(`HTTP route ${m} ${path} is already mounted`);
    byMethod.set(m, handler);
    routes.set(path, byMethod);
  };

  route('GET', '/healthz', async (_req, res) => {
    let body: Record<string, unknown> & { ok: boolean };
    try {
      body = opts.health ? await opts.health() : { ok: true };
    } catch (err) {
      body = { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    sendJson(res, body.ok ? 200 : 503, body);
  });

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const byMethod = routes.get(path);
    const handler = byMethod?.get(req.method ?? 'GET');
    if (!byMethod) return sendJson(res, 404, { error: 'not found' });
    if (!handler) {
      res.setHeader('allow', [...byMethod.keys()].join(', '));
      return sendJson(res, 405, { error: 'method not allowed' });
    }
    Promise.resolve()
      .then(() => handler(req, res))
      .catch((err: unknown) => {
        // A failing webhook must not take the process down; the platform will retry.
        opts.logger.error({ err, method: req.method, path }, 'HTTP handler failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
        else res.end();
      });
  });

  return {
    server,
    route,
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

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(text);
}
