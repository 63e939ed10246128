/** The Slack alert sink through the real WebClient against the fake Web API (no store needed). */
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAlertSink } from '../../../adapters/slack/alert-sink.ts';
import { DeliveryError } from '../../../src/core/outbox/delivery-error.ts';
import type { AlertSink } from '../../../src/core/ports/index.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { hostileAlert } from '../../fixtures/slack/alert-payload.ts';
import { silentLogger } from '../../helpers/engine.ts';

let fake: FakeSlackApi;
let sink: AlertSink;

beforeEach(async () => {
  fake = await startFakeSlackApi({ channels: ['C0SALES'] });
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  sink = createSlackAlertSink({ client, channel: 'C0SALES', logger: silentLogger, historyLimit: 150 });
});
afterEach(() => fake.close());

async function caught(p: Promise<unknown>): Promise<DeliveryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DeliveryError);
    return err as DeliveryError;
  }
  throw new Error('expected a failure');
}

describe('Slack alert sink', () => {
  it('posts once with the key as metadata, then finds that post instead of posting again', async () => {
    const first = await sink.deliver(hostileAlert, 'sales_alert:sc1');
    const again = await sink.deliver(hostileAlert, 'sales_alert:sc1');
    expect(again.externalRef).toBe(first.externalRef);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.callsTo('conversations.history')[0]?.args.include_all_metadata).toBe('true');
    const other = await sink.deliver(hostileAlert, 'sales_alert:sc2');
    expect(other.externalRef).not.toBe(first.externalRef);
  });

  it('finds an earlier post beyond the first history page', async () => {
    const first = await sink.deliver(hostileAlert, 'sales_alert:old');
    for (let i = 0; i < 120; i++)
      fake.channels
        .get('C0SALES')!
        .push({ ...fake.channels.get('C0SALES')![0]!, ts: `1800000000.${i}`, metadata: undefined });
    expect((await sink.deliver(hostileAlert, 'sales_alert:old')).externalRef).toBe(first.externalRef);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('turns 429 into retryAfterMs from Retry-After', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await caught(sink.deliver(hostileAlert, 'k1'));
    expect(err).toMatchObject({ code: 'PLATFORM_ERROR', retryAfterMs: 7000, permanent: false });
  });

  it('treats 5xx as transient and channel_not_found as permanent', async () => {
    fake.failNext('chat.postMessage', { status: 500 });
    expect(await caught(sink.deliver(hostileAlert, 'k2'))).toMatchObject({
      permanent: false,
      retryAfterMs: undefined,
    });
    fake.failNext('chat.postMessage', { error: 'channel_not_found' });
    const err = await caught(sink.deliver(hostileAlert, 'k3'));
    expect(err.permanent).toBe(true);
    expect(err.userMessage).toContain('SLACK_BOT_TOKEN');
  });
});
