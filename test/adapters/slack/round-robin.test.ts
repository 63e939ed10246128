/**
 * Round-robin assignment of new SQLs among SLACK_SALES_REPS is one rotation for every
 * instance on a database: two alert sinks (two instances' dispatchers) on two stores over one
 * SQLite or PostgreSQL database take turns together, and a restart continues the rotation.
 */
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../../adapters/slack/alert-sink.ts';
import type { AlertPayload, LeadStore } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { hostileAlert } from '../../fixtures/slack/alert-payload.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { storeBackends } from '../../helpers/stores.ts';

let fake: FakeSlackApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const sinkOn = (store: LeadStore, api: FakeSlackApi) =>
  createSlackAlertSink({
    client: new webApi.WebClient('xoxb-test', { slackApiUrl: api.apiUrl, retryConfig: { retries: 0 } }),
    channel: 'C0SALES',
    logger: silentLogger,
    salesReps: ['U0ANN', 'U0BOB'],
    store,
    leadEvents: NO_LEAD_EVENTS,
  });

async function newLead(store: LeadStore, i: number): Promise<AlertPayload> {
  const lead = await store.createLead({ name: `Lead ${i}`, stage: 'SQL', score: 100 });
  return { ...hostileAlert, leadId: lead.id };
}

describe.each(storeBackends().filter((b) => b.name !== 'memory'))('round-robin on $name', (backend) => {
  it('alternates across two instances and continues after a restart', async (ctx) => {
    const opened = await backend.open();
    if (!opened?.url) return ctx.skip();
    fake = await startFakeSlackApi({ channels: ['C0SALES'] });
    const second = await openStore(opened.url, { logger: silentLogger });
    try {
      const [a, b] = [sinkOn(opened.store, fake), sinkOn(second, fake)];
      const owners: (string | null | undefined)[] = [];
      for (let i = 0; i < 4; i++) {
        const alert = await newLead(opened.store, i);
        await (i % 2 === 0 ? a : b).deliver(alert, `sales_alert:${i}`); // instances take turns
        owners.push((await opened.store.getLead(alert.leadId))?.ownerId);
      }
      // A restarted instance (a new sink) continues the rotation where it was.
      const restarted = sinkOn(second, fake);
      const alert = await newLead(opened.store, 4);
      await restarted.deliver(alert, 'sales_alert:4');
      owners.push((await opened.store.getLead(alert.leadId))?.ownerId);
      expect(owners).toEqual(['slack:U0ANN', 'slack:U0BOB', 'slack:U0ANN', 'slack:U0BOB', 'slack:U0ANN']);
    } finally {
      await second.close();
      await opened.cleanup();
    }
  });
});
