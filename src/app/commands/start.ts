import { hostname } from 'node:os';
import type { Command } from 'commander';
import type pino from 'pino';
import { raceSignal } from '../../core/abort.ts';
import { createEngine } from '../../core/engine.ts';
import { createInbox } from '../../core/inbox/inbox.ts';
import type { AlertSink, ChatAdapter, Clock, LeadStore } from '../../core/ports/index.ts';
import { createWebhookLeadEvents } from '../../core/webhooks/lead-events.ts';
import { type AdapterEntry, enabledAdapters } from '../adapters.ts';
import { mountBookingRoute } from '../booking-route.ts';
import type { CliContext } from '../cli-context.ts';
import { type AppConfig, maskUrlPassword } from '../config.ts';
import { createEmailWiring } from '../email-wiring.ts';
import { createHandoffWiring } from '../handoff-wiring.ts';
import { createHttpServer } from '../http-server.ts';
import { startIdleSweep } from '../idle-sweep.ts';
import { answerInterpreter } from '../llm-wiring.ts';
import { startIdleGc } from '../ops/idle-gc.ts';
import { createMetrics, instrumentHandler, instrumentStore, outboxBacklog } from '../ops/metrics.ts';
import { beforeFatalExit, onUnhandledRejection } from '../ops/process-guard.ts';
import { mountOps } from '../ops/readiness.ts';
import { createRateLimits } from '../rate-limits.ts';
import { startSalesAlerts } from '../sales-alert-wiring.ts';
import { createFollowUpWiring } from '../scheduler.ts';
import { StartAborted, waitForSignal } from '../signals.ts';
import { bookingPublicUrl, listenError, loadStartFlows } from '../startup-checks.ts';
import { generateToken } from '../web/auth.ts';
import type { DashboardConfig } from '../web/config.ts';
import { mountDashboard } from '../web/dashboard.ts';

const systemClock: Clock = { now: () => new Date() };

export function register(program: Command, ctx: CliContext): void {
  program
    .command('start')
    .description('run the bot: migrate, serve webhooks and /healthz, connect the configured chat platforms')
    .option('--no-migrate', 'do not migrate; refuse to start while migrations are pending')
    .action(async (opts: { migrate: boolean }) => {
      const config = ctx.config();
      const logger = ctx.logger();
      // Listen before starting: a signal that arrives while starting up (or right after the
      // ready line) must mean "stop cleanly", never Node's default of dying on the spot. While
      // starting, it aborts whatever start is waiting for (a platform, the migration lock).
      const starting = new AbortController();
      const signalled = waitForSignal(logger, (signal) => starting.abort(new StartAborted(signal)));
      let running: RunningBot;
      try {
        running = await startBot(config, logger, { migrate: opts.migrate, signal: starting.signal });
      } catch (err) {
        if (!starting.signal.aborted) throw err;
        // Asked to stop: startBot closed what it had opened; that is a clean stop, exit 0.
        logger.info(
          { signal: (starting.signal.reason as StartAborted).signal },
          'start aborted; stopped cleanly',
        );
        return;
      }
      await signalled;
      await running.stop();
    });
}

export interface RunningBot {
  /** Where HTTP listens (the real port when PORT=0). */
  http: { host: string; port: number };
  adapters: string[];
  /** Stops adapters, then the HTTP server, then the store. Safe to call once. */
  stop(): Promise<void>;
}

/**
 * Brings everything up. On a failure half-way, what was already started is stopped again
 * before the error propagates, so the process can exit cleanly.
 */
export async function startBot(
  config: AppConfig,
  logger: pino.Logger,
  opts: { migrate: boolean; registry?: readonly AdapterEntry[]; signal?: AbortSignal },
): Promise<RunningBot> {
  const signal = opts.signal;
  const cleanups: { what: string; run: () => Promise<void> }[] = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) {
      try {
        await c.run();
      } catch (err) {
        logger.error({ err }, `stopping ${c.what} failed`);
      }
    }
    cleanups.length = 0;
  };

  try {
    // Flows first: a broken flow file should stop us before the database is touched.
    const flows = await loadStartFlows(
      config,
      enabledAdapters(config, opts.registry).map((e) => e.entry),
    );
    const database = maskUrlPassword(config.databaseUrl);
    if (opts.migrate) {
      const { migrateIfNeeded } = await import('../migrate-on-start.ts');
      const applied = await migrateIfNeeded(config.databaseUrl, { logger, ...(signal ? { signal } : {}) });
      logger.info({ database, applied }, applied.length ? 'migrations applied' : 'database is up to date');
    } else {
      // Refuse rather than report ready while every request would fail on a missing table.
      const { ensureMigrated } = await import('../../store/migration-status.ts');
      await raceSignal(ensureMigrated(config.databaseUrl), signal);
    }
    signal?.throwIfAborted();
    const { openStore } = await import('../../store/open-store.ts');
    const store: LeadStore = await openStore(config.databaseUrl, { logger });
    // The lead lifecycle announces its changes as webhook outbox rows, in the transactions that
    // make them (none without WEBHOOK_URLS).
    const leadEvents = createWebhookLeadEvents(config.webhooks, systemClock);
    cleanups.push({ what: 'store', run: () => store.close() });
    signal?.throwIfAborted();
    // Metrics wrap the store and the engine's handler, so the core stays free of prom-client.
    const metrics = createMetrics({ backlog: () => outboxBacklog(store) });
    const counted = instrumentStore(store, metrics);
    // The safety net (installed by the CLI) counts what it catches here and closes the store.
    const uncount = onUnhandledRejection(() => metrics.unhandledRejection());
    const unclose = beforeFatalExit(() => store.close());
    cleanups.push({
      what: 'process guard hooks',
      run: async () => {
        uncount();
        unclose();
      },
    });

    const started: ChatAdapter[] = [];
    const http = createHttpServer({
      logger,
      limits: config.adapters.http as Parameters<typeof createHttpServer>[0]['limits'],
      health: async () => {
        await store.ping();
        return { ok: true, adapters: started.map((a) => a.platform) };
      },
    });
    let stopping = false;
    const expected = enabledAdapters(config, opts.registry).map((a) => a.entry.name);
    mountOps(http, {
      store,
      logger,
      metrics,
      stopping: () => stopping,
      adapters: () => ({
        expected,
        connected: started.filter((a) => a.isConnected?.() ?? true).map((a) => a.platform),
      }),
    });
    const dashboard = config.adapters.dashboard as DashboardConfig | undefined;
    const dashboardToken = dashboard?.token ?? null;
    const token = dashboardToken ?? generateToken();
    // Per-client budgets, shared through the database on PostgreSQL (rate-limits.ts).
    const limits = createRateLimits({
      limits: config.rateLimits,
      trustProxy: config.trustProxy,
      logger,
      databaseUrl: config.databaseUrl,
    });
    cleanups.push({ what: 'rate limits', run: () => limits.close() });
    mountDashboard(http, {
      store,
      token,
      flows,
      logger,
      clock: systemClock,
      limits: limits.login,
      ...(dashboard?.sessionHours ? { sessionHours: dashboard.sessionHours } : {}),
    });
    mountBookingRoute(http, { links: store.bookingLinks, clock: systemClock, logger, limits: limits.links });
    const address = await http.listen(config.port, config.host).catch((err: unknown) => {
      throw listenError(err, config);
    });
    cleanups.push({ what: 'HTTP server', run: () => http.close() });
    const publicUrl = bookingPublicUrl(config, flows); // checked with the flows
    const interpreter = await answerInterpreter(config, logger, metrics); // undefined without LLM_BASE_URL
    const engine = createEngine({
      store: counted,
      leadEvents,
      flows,
      clock: systemClock,
      logger,
      interpreter,
      options: { defaultFlowId: config.defaultFlow, idleMinutes: config.conversationIdleMinutes, publicUrl },
    });
    cleanups.push({
      what: 'idle sweeper',
      run: startIdleSweep(engine, config.conversationIdleMinutes, logger),
    });
    // Runs after the adapters stopped (cleanups run in reverse): deliver alerts their last events queued.
    let flushOutbox: (() => Promise<unknown>) | undefined;
    cleanups.push({ what: 'outbox flush', run: async () => void (await flushOutbox?.()) });
    const outreach = store.outreach; // one for all adapters and follow-ups: limits hold across platforms
    const wiring = { config, store, flows, clock: systemClock, logger };
    const email = await createEmailWiring({ ...wiring, http, limits: limits.chat });
    const followUps = createFollowUpWiring({ ...wiring, email }); // its stop closes the SMTP sender
    const handle = instrumentHandler(followUps.wrap(engine.handle), metrics);
    // Webhook routes and the web chat store each inbound event here before answering it; the
    // poll loop processes what an instance left unprocessed and prunes old rows (docs/scaling.md).
    const inbox = createInbox({
      store: store.inbox,
      clock: systemClock,
      logger,
      workerId: `${hostname()}:${process.pid}`,
      leaseMs: config.inbox.leaseSeconds * 1000,
      retentionMs: config.inbox.retentionDays * 24 * 60 * 60_000,
      delayMs: config.inbox.testDelayMs,
    });
    if (config.inbox.testDelayMs > 0) {
      logger.warn(
        { delayMs: config.inbox.testDelayMs },
        'INBOX_TEST_DELAY_MS is set: processing is delayed (a test hook)',
      );
    }
    /** Sales alert sinks of the started adapters, by registry name. */
    const sinksByAdapter = new Map<string, AlertSink>();
    // Adapters register their handoff parts (messenger, thread) here as they start.
    const handoff = createHandoffWiring({ config, store: counted, clock: systemClock, logger });
    for (const { entry, config: adapterConfig } of enabledAdapters(config, opts.registry)) {
      const adapter = await entry.create(adapterConfig, {
        logger, // each adapter binds its own name (adapter: 'telegram', …)
        http,
        store,
        leadEvents,
        clock: systemClock,
        outreach,
        limits: limits.chat,
        inbox,
        interpreter,
        ...handoff.deps,
      });
      cleanups.push({ what: `${entry.name} adapter`, run: () => adapter.stop() });
      signal?.throwIfAborted();
      await adapter.start(handle, signal ? { signal } : {});
      started.push(adapter);
      const sink = (adapter as { alertSink?: AlertSink | null }).alertSink;
      if (sink) sinksByAdapter.set(entry.name, sink);
    }

    // Every adapter registered how its stored events are processed: replay what is due now, then poll.
    inbox.start();
    cleanups.push({ what: 'inbox', run: () => inbox.stop() });

    // Reminders, nurture and re-engagement go out through the adapters' `send` or email; webhooks via the outbox.
    cleanups.push({ what: 'follow-ups and webhooks', run: followUps.start(started) });

    // Sales alerts: the core queued them in the outbox; the chosen adapter's sink delivers them.
    const sales = { config, sinks: sinksByAdapter, store: counted, clock: systemClock, logger };
    const alerts = startSalesAlerts(sales);
    if (alerts) {
      cleanups.push({ what: 'outbox dispatcher', run: alerts.stop });
      flushOutbox = alerts.flush;
    }

    const names = started.map((a) => a.platform);
    cleanups.push({ what: 'handoff relay', run: handoff.start() });
    if (names.filter((n) => n !== 'web').length === 0) {
      logger.warn(
        'no chat platform configured: set TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN + SLACK_APP_TOKEN (or SLACK_SIGNING_SECRET) or DISCORD_TOKEN + DISCORD_APPLICATION_ID to connect one (README.md#configuration)',
      );
    }
    if (!dashboardToken) {
      // Printed once so a first run needs no setup; set DASHBOARD_TOKEN to keep one across restarts.
      logger.warn(
        { dashboard: `http://${address.host}:${address.port}/dashboard`, dashboardToken: token },
        'DASHBOARD_TOKEN is not set: log in to the dashboard with this generated token',
      );
    }
    logger.info(
      {
        flows: config.flowsDir,
        defaultFlow: config.defaultFlow,
        alerts: alerts?.sinkName ?? null,
        http: `http://${address.host}:${address.port}`,
        healthz: '/healthz',
        webChat: names.includes('web') ? `http://${address.host}:${address.port}/` : null,
        dashboard: `http://${address.host}:${address.port}/dashboard`,
        database,
        adapters: names,
      },
      'leadbot ready',
    );
    // Memory a burst grew is given back once the process idles (ops/idle-gc.ts).
    const stopIdleGc = startIdleGc({ logger });
    cleanups.push({ what: 'idle collector', run: async () => stopIdleGc() });
    // Pushed last, so it runs first on stop: /readyz turns 503 before anything closes.
    cleanups.push({
      what: 'readiness',
      run: async () => {
        stopping = true;
      },
    });
    return { http: address, adapters: names, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
