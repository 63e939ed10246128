/**
 * Alert latency: from the commit of the event that moved a lead to SQL (engine.handle resolved)
 * to the alert's chat.postMessage arriving at the fake Slack API, through the real outbox
 * dispatcher (production settings: 1 s poll) and the real Slack alert sink.
 */
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { createSlackAlertSink } from '../adapters/slack/alert-sink.ts';
import { loadFlowCatalog } from '../src/app/flow-files.ts';
import { createEngine } from '../src/core/engine.ts';
import { createOutboxDispatcher } from '../src/core/outbox/dispatcher.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';
import { eventFor, ROOT, silent, strongProspect, systemClock } from './core.ts';
import { benchId, freshDatabase, openBenchStore, type Provider } from './databases.ts';
import { parallel, percentile } from './stats.ts';

export interface AlertLatency {
  alerts: number;
  p50Ms: number;
  p99Ms: number;
}

export async function alertLatency(
  provider: Provider,
  leads: number,
  concurrency: number,
): Promise<AlertLatency> {
  const slack = await startFakeSlackApi();
  // The bot was invited to the sales channel: the strict fake answers `not_in_channel` otherwise
  // (the alert sink's history search failed on every try, and no alert was posted).
  slack.join('C0SALES');
  const db = await freshDatabase(provider);
  const store = await openBenchStore(db.url);
  const flows = await loadFlowCatalog(join(ROOT, 'flows'));
  const engine = createEngine({
    leadEvents: NO_LEAD_EVENTS,
    store,
    flows,
    clock: systemClock,
    logger: silent,
  });
  const client = new WebClient('xoxb-bench', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  const dispatcher = createOutboxDispatcher({
    store,
    sinks: { sales_alert: createSlackAlertSink({ client, channel: 'C0SALES', logger: silent }) },
    clock: systemClock,
    logger: silent,
    workerId: 'bench',
  });
  const committedAt = new Map<string, number>(); // userId → commit time of the SQL move
  const postedAt = new Map<string, number>(); // leadId → time the post arrived
  // The fake calls the predicate on every request: a hook to timestamp arrivals.
  const watching = slack.waitFor((calls) => {
    const c = calls.at(-1);
    const leadId = c?.method === 'chat.postMessage' ? c.args.metadata?.event_payload?.lead_id : undefined;
    if (leadId && !postedAt.has(leadId)) postedAt.set(leadId, performance.now());
    return postedAt.size >= leads;
  }, 120_000);
  dispatcher.start();
  try {
    const script = await strongProspect();
    const run = benchId();
    await parallel(concurrency, async (w) => {
      for (let i = w; i < leads; i += concurrency) {
        const userId = `a${run}-${i}`;
        for (const body of script) {
          const before = (await store.findIdentity({ platform: 'console', workspaceId: '', userId }))?.leadId;
          await engine.handle(eventFor(body, userId));
          const leadId =
            before ?? (await store.findIdentity({ platform: 'console', workspaceId: '', userId }))?.leadId;
          const lead = leadId ? await store.getLead(leadId) : null;
          if (lead?.stage === 'SQL' && !committedAt.has(lead.id)) committedAt.set(lead.id, performance.now());
        }
      }
    });
    await watching;
    const latencies = [...committedAt].map(([leadId, t]) => (postedAt.get(leadId) ?? Number.NaN) - t);
    return { alerts: postedAt.size, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
  } finally {
    await dispatcher.stop();
    await store.close();
    await db.drop();
    await slack.close();
  }
}
