/**
 * The Slack {@link AlertSink}: posts sales alerts to `SLACK_SALES_CHANNEL`, exactly once.
 * The idempotency key rides on the message as metadata (event_type `leadbot_alert`); before
 * posting, the channel's recent history is searched for it, so a process that died between
 * posting and `markDelivered` does not post a second alert when the row is claimed again.
 */
import type { WebClient } from '@slack/web-api';
import { assignOwner } from '../../src/core/lead-lifecycle.ts';
import type {
  AlertPayload,
  AlertSink,
  Clock,
  LeadEvents,
  LeadStore,
  Logger,
} from '../../src/core/ports/index.ts';
import { rotationCounter } from '../../src/core/sales/escalate-alerts.ts';
import { ALERT_EVENT_TYPE, alertMetadata, renderSlackAlert } from './alert-render.ts';
import { toPlatformError } from './errors.ts';
import { postedKeys } from './posted-keys.ts';

export interface SlackAlertSinkOptions {
  /** A client without built-in retries (`retries: 0`, `rejectRateLimitedCalls: true`): the dispatcher retries. */
  client: WebClient;
  channel: string;
  logger: Logger;
  /** How many recent messages to search for an earlier post. Default 200 (two pages). */
  historyLimit?: number;
  /** Round-robin owners for leads that have none (Slack user ids). */
  salesReps?: string[];
  /** Needed for round-robin assignment, with the lead events the claim is announced to. */
  store?: LeadStore;
  leadEvents?: LeadEvents;
  clock?: Clock;
}

/** The counter of the rotation among SLACK_SALES_REPS (the escalation job peeks at it). */
export const ROUND_ROBIN_COUNTER = rotationCounter('slack');

/** Creates the sink. `deliver` throws a `DeliveryError` (see errors.ts) the dispatcher understands. */
export function createSlackAlertSink(opts: SlackAlertSinkOptions): AlertSink {
  const limit = opts.historyLimit ?? 200;
  const reps = opts.salesReps ?? [];
  const log = opts.logger.child({ component: 'slack-alert-sink' });

  /**
   * Gives a lead without owner to the next rep. The turn is a counter in the database
   * (`store.counters`), so it survives restarts and every instance's dispatcher takes turns in
   * one rotation instead of each rotating on its own.
   */
  async function roundRobin(alert: AlertPayload): Promise<string | null> {
    if (reps.length === 0 || !opts.store || !opts.leadEvents) return null;
    const { store, leadEvents } = opts;
    const lead = await store.getLead(alert.leadId);
    if (!lead) return null;
    if (lead.ownerId) return lead.ownerId.startsWith('slack:') ? lead.ownerId.slice(6) : null;
    const rep = reps[(await store.counters.next(ROUND_ROBIN_COUNTER)) % reps.length]!;
    const now = opts.clock?.now() ?? new Date();
    await store.transaction((tx) =>
      assignOwner(tx, leadEvents, lead.id, `slack:${rep}`, 'system:round-robin', now),
    );
    return rep;
  }

  return {
    name: 'slack',
    async deliver(alert, idempotencyKey) {
      let method = 'conversations.history';
      try {
        const earlier =
          (
            await postedKeys(opts.client, { channel: opts.channel }, ALERT_EVENT_TYPE, limit, idempotencyKey)
          ).get(idempotencyKey) ?? null;
        if (earlier) {
          log.info({ leadId: alert.leadId, ts: earlier }, 'alert already posted; reusing it');
          return { externalRef: earlier };
        }
        const owner = await roundRobin(alert);
        method = 'chat.postMessage';
        const { text, blocks } = renderSlackAlert(alert, owner);
        const res = await opts.client.chat.postMessage({
          channel: opts.channel,
          text,
          blocks,
          metadata: alertMetadata(alert, idempotencyKey),
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!res.ts) throw new Error('chat.postMessage returned no ts');
        return { externalRef: res.ts };
      } catch (err) {
        throw toPlatformError(err, method);
      }
    },
  };
}
