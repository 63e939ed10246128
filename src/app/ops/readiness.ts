/**
 * `/readyz` and `/metrics`. `/healthz` (in http-server.ts) says the process is up; `/readyz`
 * says it can do its job: the database answers `store.ping()` within a second and every
 * enabled adapter is connected. While shutting down it answers 503 so a load balancer drains
 * this instance first. Like `/healthz`, it is public: the database's error text (which may
 * name databases and hosts) goes to the log, once a minute, never into the answer.
 */
import type { HttpRoutes } from '../../../adapters/shared/types.ts';
import type { LeadStore, Logger } from '../../core/ports/index.ts';
import { createLogThrottle } from './log-throttle.ts';
import type { Metrics } from './metrics.ts';

export interface ReadinessDeps {
  store: Pick<LeadStore, 'ping'>;
  /** Adapters that should run, and those connected now. */
  adapters: () => { expected: string[]; connected: string[] };
  stopping: () => boolean;
  metrics?: Metrics;
  pingTimeoutMs?: number;
  /** Where the reason for not being ready goes (at most a line a minute). */
  logger?: Logger;
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
    // For the log only (mountOps keeps it out of the answer). Prisma's message begins with a
    // blank line and ends with the driver's reason: keep it all, on one line.
    const text = err instanceof Error ? err.message.replace(/\s+/g, ' ').trim() : '';
    database = { ok: false, error: text.slice(0, 500) || 'unreachable' };
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
  const throttle = createLogThrottle();
  http.route('GET', '/readyz', async (_req, res) => {
    const r = await checkReadiness(deps);
    if (!r.database.ok) {
      const line = throttle.take('database');
      if (line)
        deps.logger?.warn(
          { error: r.database.error, suppressed: line.suppressed },
          'not ready: the database does not answer',
        );
    }
    const shown: Readiness = { ...r, database: { ok: r.database.ok } };
    res.writeHead(r.ready ? 200 : 503, {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
    res.end(JSON.stringify(shown));
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
