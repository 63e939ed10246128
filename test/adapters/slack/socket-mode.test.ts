/**
 * What only Socket Mode has: redelivery of an envelope whose ack did not arrive, `disconnect`
 * and reconnection, and the ack coming only after the event is stored in the inbox. The real
 * bolt App and @slack/socket-mode client against the fake Socket Mode endpoint.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.ts';
import { createInbox } from '../../../src/core/inbox/inbox.ts';
import { createMemoryInboxStore } from '../../../src/core/memory/memory-inbox.ts';
import type { InboxStore } from '../../../src/core/ports/index.ts';
import { startFakeSlackApi } from '../../fakes/slack-api.ts';
import { startFakeSlackSocket } from '../../fakes/slack-socket/server.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';
import { dmEvent } from './harness.ts';
import { type SocketDriver, startSocketDriver } from './transports.ts';

let d: SocketDriver | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

let seq = 0;
const nextTs = () => `1700004000.${String(++seq).padStart(6, '0')}`;
const FIRST_QUESTION = 'brings you here';
const asked = (dd: SocketDriver, user: string, question: string) =>
  dd.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.args.channel === `D${user}` && c.args.text?.includes(question)).length;
const deliveriesOf = (dd: SocketDriver, eventId: string) =>
  dd.socket.deliveries.filter((x) => x.envelope.payload.event_id === eventId).map((x) => x.envelope);

describe('Slack Socket Mode', () => {
  it('opens its connection with the app token through SLACK_API_URL and needs no HTTP server', async () => {
    d = await startSocketDriver();
    expect(d.socket.opens).toEqual(['ok']);
    expect(d.socket.connections()).toBe(1);
    await d.event(dmEvent('U0AL', 'start', nextTs()), 'EvOPEN1');
    await d.adapter.idle();
    expect(asked(d, 'U0AL', FIRST_QUESTION)).toBe(1);
    expect(d.socket.acks).toHaveLength(1);
  });

  it('processes an envelope redelivered after a lost ack only once', async () => {
    d = await startSocketDriver();
    d.socket.loseAcks(1);
    await d.event(dmEvent('U0BO', 'start', nextTs()), 'EvLOST1');
    await d.adapter.idle();
    const sent = deliveriesOf(d, 'EvLOST1');
    expect(sent.map((e) => [e.retry_attempt, e.retry_reason])).toEqual([
      [0, ''],
      [1, 'timeout'],
    ]);
    expect(new Set(sent.map((e) => e.envelope_id)).size).toBe(1);
    expect(asked(d, 'U0BO', FIRST_QUESTION)).toBe(1);
  }, 15_000);

  it('reconnects after disconnect (refresh_requested) and the conversation goes on', async () => {
    d = await startSocketDriver();
    await d.event(dmEvent('U0CY', 'start', nextTs()), 'EvREF1');
    await d.adapter.idle();
    expect(asked(d, 'U0CY', FIRST_QUESTION)).toBe(1);
    const askedAt = Date.now();
    await d.socket.disconnect('refresh_requested');
    // Sent while the app is between connections: the fake holds it for the next one.
    const answered = d.event(dmEvent('U0CY', '1', nextTs()), 'EvREF2');
    await d.socket.waitForHellos(2);
    // @slack/socket-mode 3.1 waits clientPingTimeout (5 s) before it reconnects.
    console.log(`[socket-mode] reconnected ${Date.now() - askedAt} ms after refresh_requested`);
    await answered;
    await d.adapter.idle();
    expect(d.socket.opens).toEqual(['ok', 'ok']); // a fresh link for the new connection
    expect(asked(d, 'U0CY', 'Which company are you with?')).toBe(1);
    expect(deliveriesOf(d, 'EvREF2').at(-1)?.envelope_id).toBeDefined();
  }, 30_000);

  it('acknowledges only after the event is stored: a failed insert leaves it to Slack to resend', async () => {
    const store = createMemoryInboxStore();
    let failures = 1;
    const flaky: InboxStore = Object.assign(Object.create(store), {
      receive: (input: Parameters<InboxStore['receive']>[0]) => {
        if (failures-- > 0) return Promise.reject(new Error('database is locked'));
        return store.receive(input);
      },
    });
    const inbox = createInbox({
      store: flaky,
      clock: { now: () => new Date() },
      logger: silentLogger,
      workerId: 't',
    });
    d = await startSocketDriver({ inbox });
    await d.event(dmEvent('U0DI', 'start', nextTs()), 'EvSTORE1');
    await d.adapter.idle();
    const sent = deliveriesOf(d, 'EvSTORE1');
    expect(sent.map((e) => e.retry_attempt)).toEqual([0, 1]); // no ack for the copy not stored
    expect(d.socket.acks).toHaveLength(1);
    expect(asked(d, 'U0DI', FIRST_QUESTION)).toBe(1);
  }, 15_000);
});

describe('Slack Socket Mode, odd envelopes', () => {
  it('acknowledges odd events, never pings a channel, and keeps serving', async () => {
    d = await startSocketDriver();
    const huge = `${'é🙂<!channel> '.repeat(4000)}`;
    const odd: [string, Record<string, unknown>][] = [
      ['EvODD1', dmEvent('U0ODD', '', nextTs())],
      ['EvODD2', dmEvent('U0ODD', huge, nextTs())],
      ['EvODD3', dmEvent('U0ODD', '<!everyone> <@U0BOSS> *bold* <https://evil.example|x>', nextTs())],
      ['EvODD4', { type: 'reaction_added', user: 'U0ODD', reaction: 'tada', item: { type: 'message' } }],
      ['EvODD5', { type: 'message', subtype: 'message_deleted', channel: 'DU0ODD', ts: nextTs() }],
    ];
    for (const [id, event] of odd) await d.event(event, id);
    await d.socket.send('interactive', { type: 'block_actions', user: { id: 'U0ODD' }, actions: [] });
    await d.slash({
      command: '/leadbot',
      text: '',
      user_id: 'U0ODD',
      team_id: 'T0LEADBOT',
      channel_id: 'DU0ODD',
    });
    await d.adapter.idle();
    expect(d.socket.acks).toHaveLength(odd.length + 2);
    const sent = JSON.stringify(d.fake.calls.map((c) => [c.args.text, c.args.blocks]));
    expect(sent).not.toMatch(/<!channel>|<!everyone>|<@U0BOSS>/);
    await d.event(dmEvent('U0NEXT', 'start', nextTs()), 'EvODD6');
    await d.adapter.idle();
    expect(asked(d, 'U0NEXT', FIRST_QUESTION)).toBe(1);
  }, 20_000);
});

describe('Slack Socket Mode, start', () => {
  it('refuses to start with a wrong app-level token, naming SLACK_APP_TOKEN', async () => {
    const fake = await startFakeSlackApi();
    const socket = await startFakeSlackSocket({ webApiUrl: fake.apiUrl });
    const adapter = createSlackAdapter(
      {
        botToken: 'xoxb-1',
        appToken: 'xapp-1-wrong',
        apiUrl: socket.apiUrl,
        botId: 'B',
        botUserId: 'U',
        salesReps: [],
      },
      { logger: silentLogger, inbox: memoryInbox() },
    );
    try {
      const failure = await adapter
        .start(async () => [])
        .then(
          () => null,
          (err: { userMessage?: string }) => err,
        );
      expect(failure?.userMessage).toBe(
        'SLACK_APP_TOKEN is refused by Slack (apps.connections.open: invalid_auth) — check it',
      );
      expect(socket.opens).toEqual(['invalid_auth']); // not retried: a wrong token stays wrong
      expect(socket.connections()).toBe(0);
    } finally {
      await socket.close();
      await fake.close();
    }
  });
});

describe('Slack Socket Mode, several instances', () => {
  it('Slack spreads envelopes over the connections; each is processed once', async () => {
    const inboxStore = createMemoryInboxStore();
    const inboxOf = (workerId: string) =>
      createInbox({ store: inboxStore, clock: { now: () => new Date() }, logger: silentLogger, workerId });
    d = await startSocketDriver({ inbox: inboxOf('one') });
    const second = await startSocketDriver({ inbox: inboxOf('two'), shared: d });
    try {
      expect(d.socket.connections()).toBe(2);
      const users = ['U0M1', 'U0M2', 'U0M3', 'U0M4'];
      await Promise.all(users.map((u, i) => d!.event(dmEvent(u, 'start', nextTs()), `EvMULTI${i}`)));
      await d.adapter.idle();
      await second.adapter.idle();
      const connections = d.socket.deliveries
        .filter((x) => x.envelope.payload.event_id?.startsWith('EvMULTI'))
        .map((x) => x.connection);
      expect(new Set(connections)).toEqual(new Set([1, 2])); // both instances got some
      expect(connections).toHaveLength(users.length); // each envelope went once
      expect(users.map((u) => asked(d!, u, FIRST_QUESTION))).toEqual([1, 1, 1, 1]);
    } finally {
      await second.close();
    }
  });
});
