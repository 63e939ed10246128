/**
 * Prometheus metrics. The core never sees prom-client: the app wraps the engine's handler
 * ({@link instrumentHandler}) and the store ({@link instrumentStore}) and reports through the
 * small {@link Metrics} interface. Counts from inside a transaction are only recorded once it
 * committed, so a rolled-back or retried event is not counted twice.
 */
import client from 'prom-client';
import type {
  InboundHandler,
  LeadRepo,
  LeadStore,
  OutboxQueue,
  Stage,
  WorkHints,
} from '../../core/ports/index.ts';

/** What the app reports; prom-client stays behind it. */
export interface Metrics {
  eventHandled(platform: string, outcome: 'ok' | 'error', seconds: number): void;
  stageChanged(from: Stage | null, to: Stage): void;
  conversationEnded(status: 'completed' | 'abandoned', count?: number): void;
  /** An alert reached its channel `seconds` after the change that queued it. */
  alertDelivered(seconds: number): void;
  alertFailed(): void;
  /** A promise rejected with nobody to handle it (logged by ops/process-guard.ts). */
  unhandledRejection(): void;
  /** One call of the answer interpreter's model (src/llm/): outcome, latency, tokens. */
  llmCall(call: { outcome: string; seconds: number; inputTokens: number; outputTokens: number }): void;
  /** Prometheus text exposition. */
  render(): Promise<string>;
  readonly contentType: string;
}

/** Creates the metrics; `backlog` is read at scrape time (pending + sending outbox rows). */
export function createMetrics(opts: { backlog?: () => Promise<number>; defaults?: boolean } = {}): Metrics {
  const registry = new client.Registry();
  if (opts.defaults !== false) client.collectDefaultMetrics({ register: registry, prefix: 'leadbot_' });
  const events = new client.Counter({
    name: 'leadbot_events_processed_total',
    help: 'Inbound events handled by the engine, by platform and outcome.',
    labelNames: ['platform', 'outcome'] as const,
    registers: [registry],
  });
  const errors = new client.Counter({
    name: 'leadbot_errors_total',
    help: 'Failures, by where they happened.',
    labelNames: ['where'] as const,
    registers: [registry],
  });
  const duration = new client.Histogram({
    name: 'leadbot_event_duration_seconds',
    help: 'Time the engine took for one inbound event.',
    labelNames: ['platform'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const stages = new client.Counter({
    name: 'leadbot_stage_transitions_total',
    help: 'Lead stage changes, by from and to stage.',
    labelNames: ['from', 'to'] as const,
    registers: [registry],
  });
  const outcomes = new client.Counter({
    name: 'leadbot_conversation_outcomes_total',
    help: 'Conversations that ended, by status (completed or abandoned).',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  const latency = new client.Histogram({
    name: 'leadbot_alert_delivery_latency_seconds',
    help: 'From queuing a sales alert to its delivery.',
    buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
    registers: [registry],
  });
  const rejections = new client.Counter({
    name: 'leadbot_unhandled_rejections_total',
    help: 'Promise rejections nobody handled (logged; the process kept running).',
    registers: [registry],
  });
  const alertsFailed = new client.Counter({
    name: 'leadbot_alerts_failed_total',
    help: 'Sales alerts given up on (marked failed).',
    registers: [registry],
  });
  const llmCalls = new client.Counter({
    name: 'leadbot_llm_calls_total',
    help: 'Answer interpreter model calls, by outcome (ok, timeout, error, invalid, budget).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const llmLatency = new client.Histogram({
    name: 'leadbot_llm_call_duration_seconds',
    help: 'Latency of the answer interpreter model calls that were made.',
    buckets: [0.1, 0.25, 0.5, 1, 2, 3, 5, 10],
    registers: [registry],
  });
  const llmTokens = new client.Counter({
    name: 'leadbot_llm_tokens_total',
    help: 'Tokens the model endpoint reported (its usage), by direction (input, output): the cost.',
    labelNames: ['direction'] as const,
    registers: [registry],
  });
  new client.Gauge({
    name: 'leadbot_alert_backlog',
    help: 'Outbox rows waiting for delivery (pending or sending).',
    registers: [registry],
    async collect() {
      if (!opts.backlog) return;
      try {
        this.set(await opts.backlog());
      } catch {
        // Database down: readiness reports it; keep the last value rather than failing the scrape.
        errors.inc({ where: 'metrics_backlog' });
      }
    },
  });

  return {
    eventHandled(platform, outcome, seconds) {
      events.inc({ platform, outcome });
      duration.observe({ platform }, seconds);
      if (outcome === 'error') errors.inc({ where: 'engine' });
    },
    stageChanged: (from, to) => stages.inc({ from: from ?? 'none', to }),
    conversationEnded: (status, count = 1) => count > 0 && outcomes.inc({ status }, count),
    alertDelivered: (seconds) => latency.observe(Math.max(0, seconds)),
    alertFailed() {
      alertsFailed.inc();
      errors.inc({ where: 'alert_delivery' });
    },
    unhandledRejection: () => rejections.inc(),
    llmCall(call) {
      llmCalls.inc({ outcome: call.outcome });
      if (call.outcome === 'budget') return; // no call was made
      llmLatency.observe(call.seconds);
      llmTokens.inc({ direction: 'input' }, call.inputTokens);
      llmTokens.inc({ direction: 'output' }, call.outputTokens);
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Counts every event the handler sees, with its duration and whether it failed. */
export function instrumentHandler(handler: InboundHandler, metrics: Metrics): InboundHandler {
  return async (event) => {
    const started = performance.now();
    try {
      const out = await handler(event);
      metrics.eventHandled(event.platform, 'ok', (performance.now() - started) / 1000);
      return out;
    } catch (err) {
      metrics.eventHandled(event.platform, 'error', (performance.now() - started) / 1000);
      throw err;
    }
  };
}

type Record_ = (m: Metrics) => void;

/** A repo that notes stage changes and ended conversations into `pending`. */
function watchRepo(repo: LeadRepo, pending: Record_[]): LeadRepo {
  return new Proxy(repo, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      if (prop === 'addStageChange') {
        return async (input: { from: Stage | null; to: Stage }, ...rest: unknown[]) => {
          const out = await fn.call(target, input, ...rest);
          pending.push((m) => m.stageChanged(input.from, input.to));
          return out;
        };
      }
      if (prop === 'updateConversation') {
        return async (...args: Parameters<LeadRepo['updateConversation']>) => {
          const out = await fn.apply(target, args);
          const status = args[1].status;
          if (status === 'completed' || status === 'abandoned')
            pending.push((m) => m.conversationEnded(status));
          return out;
        };
      }
      if (prop === 'abandonIdleConversations') {
        return async (...args: unknown[]) => {
          const n = (await fn.apply(target, args)) as number;
          pending.push((m) => m.conversationEnded('abandoned', n));
          return n;
        };
      }
      return fn.bind(target);
    },
  });
}

/** Wraps the store so stage changes, conversation outcomes and alert deliveries are counted. */
export function instrumentStore(store: LeadStore, metrics: Metrics): LeadStore {
  const flush = (pending: Record_[]) => {
    for (const record of pending) record(metrics);
  };
  const outbox: OutboxQueue = new Proxy(store.outbox, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'markDelivered') {
        return async (id: string, workerId: string, ref: string | null, now: Date) => {
          const row = await target.get(id);
          await target.markDelivered(id, workerId, ref, now);
          if (row) metrics.alertDelivered((now.getTime() - row.createdAt.getTime()) / 1000);
        };
      }
      if (prop === 'markFailed') {
        return async (id: string, workerId: string, error: string, retryAt: Date | null) => {
          await target.markFailed(id, workerId, error, retryAt);
          if (retryAt === null) metrics.alertFailed();
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'outbox') return outbox;
      if (prop === 'transaction') {
        return async <T>(fn: (tx: LeadRepo) => Promise<T>): Promise<T> => {
          const pending: Record_[] = [];
          const out = await target.transaction((tx) => fn(watchRepo(tx, pending)));
          flush(pending);
          return out;
        };
      }
      if (prop === 'unitOfWork') {
        return async <T>(hints: WorkHints, fn: (tx: LeadRepo) => Promise<T>): Promise<T> => {
          // The store may run a unit again (its shared transaction failed): count the last run only.
          let pending: Record_[] = [];
          const out = await target.unitOfWork(hints, (tx) => {
            pending = [];
            return fn(watchRepo(tx, pending));
          });
          flush(pending);
          return out;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      // A call outside a transaction commits on its own.
      return async (...args: unknown[]) => {
        const pending: Record_[] = [];
        const repo = watchRepo(target, pending) as unknown as Record<
          string | symbol,
          (...a: unknown[]) => unknown
        >;
        const out = await repo[prop]!(...args);
        flush(pending);
        return out;
      };
    },
  });
}

/** Outbox rows not delivered yet (pending or being sent), for the backlog gauge. */
export async function outboxBacklog(store: Pick<LeadStore, 'outbox'>): Promise<number> {
  const [pending, sending] = await Promise.all([
    store.outbox.list({ status: 'pending' }),
    store.outbox.list({ status: 'sending' }),
  ]);
  return pending.length + sending.length;
}
