/**
 * End-to-end harness: the real Slack adapter (bolt App + HTTPReceiver) mounted on the app's
 * real HTTP server, the real engine and a store, against the fake Slack Web API. Requests
 * are signed exactly as Slack signs them.
 */
import { createHmac } from 'node:crypto';
import {
  createSlackAdapter,
  type SlackAdapter,
  type SlackAdapterConfig,
} from '../../../adapters/slack/index.ts';
import { createHttpServer, type HttpServer } from '../../../src/app/http-server.ts';
import type { Inbox } from '../../../src/core/inbox/inbox.ts';
import type {
  HandoffChannels,
  InboundHandler,
  LeadStore,
  OutreachStore,
} from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { createTestClock, createTestEngine, silentLogger, type TestClock } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';

export const SIGNING_SECRET = 'test-signing-secret-123';
export const SALES_CHANNEL = 'C0SALES';
export const TEAM = 'T0LEADBOT';

export interface Harness {
  fake: FakeSlackApi;
  adapter: SlackAdapter;
  server: HttpServer;
  store: LeadStore;
  clock: TestClock;
  url: string;
  /** Posts a signed request to `/slack/events`; returns the HTTP status. */
  post(body: string, contentType: string, opts?: SignOpts): Promise<number>;
  event(event: Record<string, unknown>, eventId: string, opts?: SignOpts): Promise<number>;
  interaction(payload: Record<string, unknown>, opts?: SignOpts): Promise<number>;
  close(): Promise<void>;
}

export interface SignOpts {
  secret?: string;
  /** Seconds since epoch; default now. */
  timestamp?: number;
  retryNum?: number;
}

/** `v0=` + HMAC-SHA256(secret, `v0:ts:body`), as Slack computes it. */
export function sign(secret: string, ts: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
}

export async function startHarness(
  opts: {
    store?: LeadStore;
    salesReps?: string[];
    config?: Partial<SlackAdapterConfig>;
    outreach?: OutreachStore;
    inbox?: Inbox;
    /** The app's handoff registry the adapter registers its thread and messenger in. */
    handoff?: HandoffChannels;
    /** Wraps the engine's handler (to inject failures). */
    wrap?: (handle: InboundHandler) => InboundHandler;
  } = {},
): Promise<Harness> {
  const fake = await startFakeSlackApi({ botUserId: 'UBOT', channels: [SALES_CHANNEL] });
  // A minute ahead of the wall clock the store stamps outbox rows with, so they are due at once.
  const clock = createTestClock(new Date(Date.now() + 60_000));
  const { engine, store } = await createTestEngine({ store: opts.store, clock });
  const server = createHttpServer({ logger: silentLogger });
  const adapter = createSlackAdapter(
    {
      botToken: 'xoxb-test-token',
      signingSecret: SIGNING_SECRET,
      apiUrl: fake.apiUrl,
      botId: 'BBOT',
      botUserId: 'UBOT',
      salesChannel: SALES_CHANNEL,
      salesReps: opts.salesReps ?? [],
      ...opts.config,
    },
    {
      logger: silentLogger,
      http: server,
      store,
      leadEvents: NO_LEAD_EVENTS,
      clock,
      ...(opts.outreach ? { outreach: opts.outreach } : {}),
      inbox: opts.inbox ?? memoryInbox({ clock }),
      ...(opts.handoff ? { handoff: opts.handoff } : {}),
    },
  );
  const { port } = await server.listen(0, '127.0.0.1');
  await adapter.start(opts.wrap ? opts.wrap(engine.handle) : engine.handle);
  const url = `http://127.0.0.1:${port}/slack/events`;

  async function post(body: string, contentType: string, o: SignOpts = {}): Promise<number> {
    const ts = o.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': contentType,
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(o.secret ?? SIGNING_SECRET, ts, body),
    };
    if (o.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(o.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    const res = await fetch(url, { method: 'POST', headers, body });
    await res.arrayBuffer();
    return res.status;
  }

  return {
    fake,
    adapter,
    server,
    store,
    clock,
    url,
    post,
    event: (event, eventId, o) => {
      // Slack delivers a channel's events only to apps in it, and DM events only for the bot's own DMs.
      if (typeof event.channel === 'string') fake.join(event.channel);
      // A person's channel message is Slack's too: the bot may answer in its thread.
      const e = event as { type?: string; subtype?: string; channel?: string; ts?: string; user?: string };
      if (e.type === 'message' && !e.subtype && e.channel && !e.channel.startsWith('D') && e.ts && e.user)
        fake.userMessage({
          channel: e.channel,
          ts: e.ts,
          user: e.user,
          text: String(event.text ?? ''),
          ...(typeof event.thread_ts === 'string' ? { thread_ts: event.thread_ts } : {}),
        });
      return post(
        JSON.stringify({ type: 'event_callback', team_id: TEAM, api_app_id: 'A1', event_id: eventId, event }),
        'application/json',
        o,
      );
    },
    interaction: (payload, o) => {
      // Every click on a message carries a response URL for that message, as Slack sends it.
      const p = payload as {
        response_url?: string;
        channel?: { id?: string };
        user?: { id?: string };
        message?: { ts?: string };
      };
      const body =
        p.response_url || !p.channel?.id || !p.user?.id
          ? payload
          : {
              ...payload,
              response_url: fake.responseUrl({
                channel: p.channel.id,
                user: p.user.id,
                messageTs: p.message?.ts,
              }),
            };
      return post(
        `payload=${encodeURIComponent(JSON.stringify(body))}`,
        'application/x-www-form-urlencoded',
        o,
      );
    },
    async close() {
      await adapter.stop();
      await server.close();
      await fake.close();
    },
  };
}

/** A DM from `user` as the Events API delivers it. */
export function dmEvent(user: string, text: string, ts: string) {
  return {
    type: 'message',
    channel: `D${user}`,
    channel_type: 'im',
    user,
    text,
    ts,
    event_ts: ts,
    team: TEAM,
  };
}

/** A block_actions payload for a click on `button` of the bot's message `message`. */
export function clickPayload(
  user: string,
  channel: string,
  message: { ts: string; text: string; blocks: unknown[] },
  action: { action_id: string; block_id?: string; value?: string },
  actionTs: string,
) {
  return {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), team_id: TEAM },
    team: { id: TEAM },
    channel: { id: channel },
    container: { type: 'message', message_ts: message.ts, channel_id: channel },
    trigger_id: `trigger-${actionTs}`,
    message: { type: 'message', user: 'UBOT', ...message },
    actions: [{ type: 'button', action_ts: actionTs, ...action }],
  };
}
