/**
 * Follow-ups and webhooks for `leadbot start`: plans follow-ups after each inbound event, runs
 * the schedule runner (sending through each adapter's `send`) and the webhook dispatcher (the
 * outbox's `webhook` rows). Every piece is leased in the database, so several instances can run.
 */
import { hostname } from 'node:os';
import type { Platform } from '../core/events.ts';
import type { FlowCatalog } from '../core/flow/catalog.ts';
import type { EmailRoute } from '../core/nurture/email-step.ts';
import { withFollowUps } from '../core/nurture/planner.ts';
import { createOutreachPolicy } from '../core/nurture/policy.ts';
import { createScheduleRunner, type Sender } from '../core/nurture/runner.ts';
import { createOutboxDispatcher } from '../core/outbox/dispatcher.ts';
import { defaultOutreachSettings, type OutreachSettings } from '../core/outreach/settings.ts';
import type { ChatAdapter, Clock, InboundHandler, LeadStore, Logger } from '../core/ports/index.ts';
import { WEBHOOK_KIND } from '../core/webhooks/lead-events.ts';
import { createWebhookSink } from '../core/webhooks/sink.ts';
import type { AppConfig } from './config.ts';

export interface FollowUpWiring {
  /** Wraps the inbound handler so each direct event (re)plans the person's follow-ups. */
  wrap(handle: InboundHandler): InboundHandler;
  /** Starts the schedule runner and the webhook dispatcher; resolves the returned stop. */
  start(adapters: readonly ChatAdapter[]): () => Promise<void>;
}

export function createFollowUpWiring(deps: {
  config: Pick<AppConfig, 'webhooks' | 'adapters'>;
  /** Its schedules, and its outreach log (shared with the adapters' contact policy). */
  store: LeadStore;
  flows: FlowCatalog;
  clock: Clock;
  logger: Logger;
  pollMs?: number;
  /** Email follow-ups: the SMTP sender and unsubscribe links (src/app/email-wiring.ts); closed by stop. */
  email?: { route: EmailRoute; close(): void };
}): FollowUpWiring {
  const { store, flows, clock, logger, config } = deps;
  const workerId = `${hostname()}:${process.pid}`;
  const { schedules, outreach } = store;
  // Each community's own quiet hours and contact limits (SLACK_QUIET_HOURS, …).
  const settingsFor = (p: Platform): OutreachSettings =>
    // `email`: the email section's EMAIL_QUIET_HOURS, EMAIL_CONTACT_LIMIT and EMAIL_TIME_ZONE.
    (config.adapters[p] as { outreach?: OutreachSettings } | null | undefined)?.outreach ??
    defaultOutreachSettings();

  /** Filled by start(): the web widget, for one, cannot receive a message it did not ask for. */
  const sendable = new Set<Platform>();
  return {
    wrap(handle) {
      return withFollowUps(handle, {
        repo: store,
        schedules,
        state: (key) => store.followUpState(key),
        flows,
        clock,
        logger,
        canSend: (p) => sendable.has(p),
      });
    },
    start(adapters) {
      const stops: (() => Promise<void>)[] = [];
      const senders: Partial<Record<Platform, Sender>> = {};
      for (const a of adapters) {
        if (!a.send) continue;
        senders[a.platform] = a.send.bind(a);
        sendable.add(a.platform);
      }
      const runner = createScheduleRunner({
        repo: store,
        schedules,
        flows,
        clock,
        logger,
        policy: createOutreachPolicy({ repo: store, outreach, settings: settingsFor }),
        senders,
        workerId,
        ...(deps.email ? { email: deps.email.route } : {}),
        ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
      });
      runner.start();
      stops.push(() => runner.stop());
      const { urls, secret } = config.webhooks;
      if (urls.length > 0) {
        const dispatcher = createOutboxDispatcher({
          store,
          sinks: { [WEBHOOK_KIND]: createWebhookSink({ secret, clock }) },
          clock,
          logger,
          workerId,
          ...(deps.pollMs ? { pollMs: deps.pollMs } : {}),
        });
        dispatcher.start();
        stops.push(() => dispatcher.stop());
      }
      return async () => {
        for (const stop of stops.reverse()) await stop();
        deps.email?.close();
      };
    },
  };
}
