/**
 * Sales alerts for `leadbot start`: the core queued them in the outbox; the adapter
 * `SALES_ALERTS` names (by default the first of slack, discord, telegram with a sales channel,
 * see config.ts) delivers them through its sink; with no choice, the first started adapter
 * offering a sink (registry order). Without one, rows wait in the outbox, not lost.
 */
import { hostname } from 'node:os';
import { createOutboxDispatcher } from '../core/outbox/dispatcher.ts';
import type { AlertSink, Clock, LeadStore, Logger } from '../core/ports/index.ts';
import { type AppConfig, ConfigError, SALES_CHANNEL_VARIABLES } from './config.ts';
import { startAlertEscalation } from './escalation-wiring.ts';

export interface SalesAlerts {
  /** The sink's name (`slack`, …), for the ready line. */
  sinkName: string;
  /** Delivers what is due now (run after the adapters stopped, so their last alerts go out). */
  flush(): Promise<unknown>;
  stop(): Promise<void>;
}

/**
 * Starts the dispatcher of `sales_alert` rows on the chosen sink; null (and a warning) when no
 * started adapter offers one.
 * @throws ConfigError when `SALES_ALERTS` names an adapter that started no sink.
 */
export function startSalesAlerts(deps: {
  /** `alertEscalateAfterMs` and the sink's section: the reminders of unclaimed alerts. */
  config: Pick<AppConfig, 'salesAlerts' | 'alertEscalateAfterMs' | 'adapters'>;
  /** The sinks of the started adapters, by registry name, in registry order. */
  sinks: ReadonlyMap<string, AlertSink>;
  store: LeadStore;
  clock: Clock;
  logger: Logger;
}): SalesAlerts | null {
  const { config, sinks, logger } = deps;
  const chosen = config.salesAlerts ?? null;
  const sink = chosen ? sinks.get(chosen) : [...sinks.values()][0];
  if (chosen && !sink) {
    throw new ConfigError(
      'SALES_ALERTS',
      `names ${chosen}, whose adapter did not start a sales alert sink`,
      `set ${SALES_CHANNEL_VARIABLES[chosen]} and the ${chosen} token, or choose another platform`,
      chosen,
    );
  }
  if (!sink) {
    logger.warn({}, 'no sales alert channel configured: alerts stay queued in the outbox until one is set');
    return null;
  }
  const dispatcher = createOutboxDispatcher({
    store: deps.store,
    sinks: { sales_alert: sink },
    clock: deps.clock,
    logger,
    workerId: `${hostname()}:${process.pid}`,
  });
  dispatcher.start();
  // Unclaimed alerts get reminders in their thread (ALERT_ESCALATE_AFTER; off: no job).
  const escalation = startAlertEscalation({ ...deps, sink: sink.name });
  return {
    sinkName: sink.name,
    flush: () => dispatcher.runOnce(),
    async stop() {
      await escalation?.stop();
      await dispatcher.stop();
    },
  };
}
