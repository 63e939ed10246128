/**
 * `/readyz` and `/metrics`. `/healthz` (in http-server.ts) says the process is up; `/readyz`
 * says it can do its job: the database answers `store.ping()` within a second and every
 * enabled adapter is connected. While shutting down it answers 503 so a load balancer drains
 * this instance first.
 */
import type { HttpRoutes } from '../../../adapters/shared/types.ts';
import type { LeadStore } from '../../core/ports.ts';
import type { Metrics } from './metrics.ts';

export interface ReadinessDeps {
  store: Pick<LeadStore, 'ping'>;
  /** Adapters that should run, and those connected now. */
  adapters: () => { expected: string[]; connected: string[] };
  stopping: () => boolean;
  metrics?: Metrics;
  pingTimeoutMs?: number;
}

export interface Readiness {
  ready: boolean;
  database: { ok: boolean; error?: string };
  adapters: { expected: string[]; connected: string[]; ok: boolean };
  stopping: boolean;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** Computes readiness (exported for tests and for the start log). */
export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  let database: Readiness['database'] = { ok: true };
  try {
    await withTimeout(deps.store.ping(), deps.pingTimeoutMs ?? 1000);
  } catch (err) {
    // The message names the failure, never the URL or its password.
    database = {
      ok: false,
      error: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'unreachable',
    };
  }
  const { expected, connected } = deps.adapters();
  const adaptersOk = expected.every((a) => connected.includes(a));
  const stopping = deps.stopping();
  return {
    ready: database.ok && adaptersOk && !stopping,
    database,
    adapters: { expected, connected, ok: adaptersOk },
    stopping,
  };
}

/** Mounts `/readyz` and, when metrics are given, `/metrics`. */
export function mountOps(http: HttpRoutes, deps: ReadinessDeps): void {
  http.route('GET', '/readyz', async (_req, res) => {
    const r = await checkReadiness(deps);
    res.writeHead(r.ready ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(r));
  });
  const metrics = deps.metrics;
  if (metrics) {
    http.route('GET', '/metrics', async (_req, res) => {
      const text = await metrics.render();
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(text);
    });
  }
}
