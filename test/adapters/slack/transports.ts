/**
 * One Slack scenario, two transports. A driver delivers what Slack would send — an Events API
 * event, an interaction payload, a slash command — either as a signed HTTP POST to
 * `/slack/events` (harness.ts) or as an envelope on the Socket Mode connection the adapter
 * opened to the fake (test/fakes/slack-socket), and resolves once Slack was acknowledged.
 * Both run the real bolt App, the real engine and a store against the fake Web API.
 */
import {
  createSlackAdapter,
  type SlackAdapter,
  type SlackAdapterConfig,
} from '../../../adapters/slack/index.ts';
import type { Inbox } from '../../../src/core/inbox/inbox.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import type { FakeSlackApi } from '../../fakes/slack-api.ts';
import { type FakeSlackSocket, startFakeSlackSocket } from '../../fakes/slack-socket/server.ts';
import { createTestClock, createTestEngine, silentLogger, type TestClock } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';
import { SALES_CHANNEL, SIGNING_SECRET, sign, startHarness, TEAM } from './harness.ts';

export type Transport = 'http' | 'socket';
export const TRANSPORTS: Transport[] = ['http', 'socket'];

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads as the tests build them.
type Json = Record<string, any>;

export interface SlackDriver {
  transport: Transport;
  fake: FakeSlackApi;
  adapter: SlackAdapter;
  store: LeadStore;
  clock: TestClock;
  /** An Events API event; resolves once acknowledged (HTTP 200 / envelope ack). */
  event(event: Json, eventId: string): Promise<void>;
  /** A block_actions / view_submission payload; resolves with what the ack carried. */
  interaction(payload: Json): Promise<Json>;
  /** A slash command's fields (`command`, `text`, `user_id`, …). */
  slash(fields: Record<string, string>): Promise<void>;
  /** The texts only `user` was shown (ephemeral replies), oldest first. */
  privateReplies(user: string): string[];
  close(): Promise<void>;
}

export interface DriverOptions {
  config?: Partial<SlackAdapterConfig>;
  salesReps?: string[];
  inbox?: Inbox;
}

/** A second instance joins the first one's fakes and store (closing it leaves them running). */
export interface SharedWith {
  fake: FakeSlackApi;
  socket: FakeSlackSocket;
  store: LeadStore;
}

/** The driver of `transport`. */
export function startDriver(transport: Transport, opts: DriverOptions = {}): Promise<SlackDriver> {
  return transport === 'http' ? startHttpDriver(opts) : startSocketDriver(opts);
}

async function startHttpDriver(opts: DriverOptions): Promise<SlackDriver> {
  const h = await startHarness({
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.salesReps ? { salesReps: opts.salesReps } : {}),
    ...(opts.inbox ? { inbox: opts.inbox } : {}),
  });
  const ok = (status: number) => {
    if (status !== 200) throw new Error(`Slack over HTTP answered ${status}`);
  };
  return {
    transport: 'http',
    fake: h.fake,
    adapter: h.adapter,
    store: h.store,
    clock: h.clock,
    event: async (event, eventId) => ok(await h.event(event, eventId)),
    interaction: async (payload) => {
      // Signed like harness.post, but keeping the answer's body: a modal's ack rides on it.
      const body = `payload=${encodeURIComponent(JSON.stringify(withResponseUrl(h.fake, payload)))}`;
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(h.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': sign(SIGNING_SECRET, ts, body),
        },
        body,
      });
      ok(res.status);
      const text = await res.text();
      return text ? (JSON.parse(text) as Json) : {};
    },
    slash: async (fields) =>
      ok(
        await h.post(
          new URLSearchParams(slashFields(h.fake, fields)).toString(),
          'application/x-www-form-urlencoded',
        ),
      ),
    privateReplies: (user) => privateReplies(h.fake, user),
    close: () => h.close(),
  };
}

/** What the fake showed `user` alone (postEphemeral or an ephemeral response), oldest first. */
function privateReplies(fake: FakeSlackApi, user: string): string[] {
  return fake.ephemerals
    .filter((m) => m.ephemeralTo === user)
    .map((m) => m.blocks.map((b: { text?: { text: string } }) => b.text?.text ?? '').join('\n') || m.text);
}

/** A click or submission as Slack sends it: with a response URL for the message clicked. */
function withResponseUrl(fake: FakeSlackApi, payload: Json): Json {
  const channel = payload.channel?.id;
  const user = payload.user?.id;
  if (payload.response_url || !channel || !user) return payload;
  return { ...payload, response_url: fake.responseUrl({ channel, user, messageTs: payload.message?.ts }) };
}

/** A slash command as Slack sends it: with its response URL. */
function slashFields(fake: FakeSlackApi, fields: Record<string, string>): Record<string, string> {
  if (fields.response_url || !fields.channel_id || !fields.user_id) return fields;
  return { ...fields, response_url: fake.responseUrl({ channel: fields.channel_id, user: fields.user_id }) };
}

export interface SocketDriver extends SlackDriver {
  socket: FakeSlackSocket;
}

/**
 * The Socket Mode driver: harness.ts's adapter and store with `SLACK_APP_TOKEN` and
 * `SLACK_API_URL` pointing at the fake Socket Mode endpoint, which forwards the other Web API
 * methods to the harness's fake Web API. No Slack route is mounted: events come over the socket.
 * With `shared`, a second instance on the first one's fakes and store.
 */
export async function startSocketDriver(
  opts: DriverOptions & { shared?: SharedWith } = {},
): Promise<SocketDriver> {
  const shared = opts.shared;
  if (shared) return startSharedSocketDriver(opts, shared);
  const socket = await startFakeSlackSocket();
  const h = await startHarness({
    config: { ...opts.config, appToken: socket.appToken, apiUrl: socket.apiUrl },
    ...(opts.salesReps ? { salesReps: opts.salesReps } : {}),
    ...(opts.inbox ? { inbox: opts.inbox } : {}),
  });
  socket.forwardTo(h.fake.apiUrl);
  return socketDriver(socket, h.fake, h.adapter, h.store, h.clock, async () => {
    await h.close();
    await socket.close();
  });
}

/** A second instance: the same app on the same fakes and store, without an HTTP server. */
async function startSharedSocketDriver(opts: DriverOptions, shared: SharedWith): Promise<SocketDriver> {
  const clock = createTestClock(new Date(Date.now() + 60_000));
  const { engine, store } = await createTestEngine({ clock, store: shared.store });
  const adapter = createSlackAdapter(
    {
      botToken: 'xoxb-test-token',
      appToken: shared.socket.appToken,
      apiUrl: shared.socket.apiUrl,
      botId: 'BBOT',
      botUserId: 'UBOT',
      salesChannel: SALES_CHANNEL,
      salesReps: [],
      ...opts.config,
    },
    {
      logger: silentLogger,
      store,
      leadEvents: NO_LEAD_EVENTS,
      clock,
      inbox: opts.inbox ?? memoryInbox({ clock }),
    },
  );
  await adapter.start(engine.handle);
  return socketDriver(shared.socket, shared.fake, adapter, store, clock, () => adapter.stop());
}

function socketDriver(
  socket: FakeSlackSocket,
  fake: FakeSlackApi,
  adapter: SlackAdapter,
  store: LeadStore,
  clock: TestClock,
  close: () => Promise<void>,
): SocketDriver {
  return {
    transport: 'socket',
    socket,
    fake,
    adapter,
    store,
    clock,
    event: async (event, eventId) => {
      // Slack delivers a channel's events only to apps in it (as harness.event does).
      if (typeof event.channel === 'string') fake.join(event.channel);
      await socket.send('events_api', {
        token: 'legacy-verification-token',
        team_id: TEAM,
        api_app_id: 'A0LEADBOT',
        type: 'event_callback',
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        event,
      });
    },
    interaction: (payload) => socket.send('interactive', withResponseUrl(fake, payload)),
    slash: async (fields) => {
      await socket.send('slash_commands', { ...slashFields(fake, fields), api_app_id: 'A0LEADBOT' });
    },
    privateReplies: (user) => privateReplies(fake, user),
    close,
  };
}
