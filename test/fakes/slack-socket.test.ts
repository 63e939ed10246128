/**
 * The fake Socket Mode endpoint is strict: it must refuse what Slack refuses, or the adapter
 * tests prove nothing. Driven with plain fetch and the `ws` client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { type FakeSlackApi, startFakeSlackApi } from './slack-api.ts';
import { ACK_WINDOW_MS } from './slack-socket/rules.ts';
import { type FakeSlackSocket, startFakeSlackSocket } from './slack-socket/server.ts';

let api: FakeSlackApi;
let fake: FakeSlackSocket;
beforeAll(async () => {
  api = await startFakeSlackApi();
  fake = await startFakeSlackSocket({ webApiUrl: api.apiUrl });
});
afterAll(async () => {
  await fake.close();
  await api.close();
});

async function open(authorization?: string, method = 'POST') {
  const res = await fetch(`${fake.apiUrl}apps.connections.open`, {
    method,
    headers: authorization ? { authorization } : {},
  });
  return {
    status: res.status,
    body: (res.status === 200 ? await res.json() : null) as Record<string, string>,
  };
}

/** Connects and collects every message; resolves once `hello` came. */
async function connect(url: string) {
  const ws = new WebSocket(url);
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (d) => {
    messages.push(JSON.parse(d.toString()));
    for (const w of waiters.splice(0)) w();
  });
  const next = async (type: string) => {
    for (;;) {
      const m = messages.find((x) => x.type === type);
      if (m) {
        messages.splice(messages.indexOf(m), 1);
        return m;
      }
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  await next('hello').then((h) => messages.unshift(h));
  return { ws, next };
}

describe('fake Slack Socket Mode', () => {
  it('opens a connection only with the app-level token in the Authorization header, by POST', async () => {
    expect((await open()).body).toEqual({ ok: false, error: 'not_authed' });
    expect((await open('Bearer xapp-1-wrong')).body).toEqual({ ok: false, error: 'invalid_auth' });
    expect((await open('Bearer xoxb-a-bot-token')).body).toEqual({
      ok: false,
      error: 'not_allowed_token_type',
    });
    expect((await open(`Bearer ${fake.appToken}`, 'GET')).status).toBe(405);
    const ok = await open(`Bearer ${fake.appToken}`);
    expect(ok.body).toMatchObject({
      ok: true,
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/link\//),
    });
  });

  it('says hello, takes each link once, and refuses a made-up link', async () => {
    const url = (await open(`Bearer ${fake.appToken}`)).body.url!;
    const { ws, next } = await connect(url);
    const hello = await next('hello');
    expect(hello).toMatchObject({
      num_connections: 1,
      debug_info: { host: expect.any(String) },
      connection_info: { app_id: expect.any(String) },
    });
    for (const again of [url, url.replace(/ticket=[^&]+/, 'ticket=forged')]) {
      const refused = new WebSocket(again);
      const status = await new Promise((r) =>
        refused.on('unexpected-response', (_q, res) => r(res.statusCode)),
      );
      expect(status).toBe(401);
    }
    ws.close();
  });

  it('redelivers an envelope nobody acknowledged: same id, retry_attempt + 1, reason timeout', async () => {
    const url = (await open(`Bearer ${fake.appToken}`)).body.url!;
    const { ws, next } = await connect(url);
    const sentAt = Date.now();
    const acked = fake.send('events_api', {
      type: 'event_callback',
      event_id: 'Ev1',
      event: { type: 'message' },
    });
    const first = await next('events_api');
    expect(first).toMatchObject({
      retry_attempt: 0,
      accepts_response_payload: false,
      payload: { event_id: 'Ev1' },
    });
    ws.send(JSON.stringify({ envelope_id: 'not-one-of-yours' })); // ignored: not a pending envelope
    const second = await next('events_api');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(ACK_WINDOW_MS - 50);
    expect(second).toMatchObject({
      envelope_id: first.envelope_id,
      retry_attempt: 1,
      retry_reason: 'timeout',
    });
    ws.send(JSON.stringify({ envelope_id: second.envelope_id, payload: {} }));
    expect(await acked).toEqual({});
    expect(fake.strayAcks).toContain('not-one-of-yours');
    ws.close();
  }, 10_000);

  it('sends disconnect and drops a connection that stays', async () => {
    const url = (await open(`Bearer ${fake.appToken}`)).body.url!;
    const { ws, next } = await connect(url);
    const closed = new Promise((r) => ws.on('close', r));
    await fake.disconnect('refresh_requested', 100);
    expect(await next('disconnect')).toMatchObject({ reason: 'refresh_requested' });
    await closed;
  });

  it('allows 10 connections at once and refuses an 11th', async () => {
    while (fake.connections() > 0) await new Promise((r) => setTimeout(r, 20)); // earlier tests' sockets
    const open10 = [];
    for (let i = 0; i < 10; i++)
      open10.push(await connect((await open(`Bearer ${fake.appToken}`)).body.url!));
    expect(fake.connections()).toBe(10);
    const eleventh = new WebSocket((await open(`Bearer ${fake.appToken}`)).body.url!);
    const status = await new Promise((r) =>
      eleventh.on('unexpected-response', (_q, res) => r(res.statusCode)),
    );
    expect(status).toBe(401);
    for (const c of open10) c.ws.close();
  });

  it('forwards the other Web API methods to the fake Web API', async () => {
    api.join('C1'); // the strict Web API fake answers not_in_channel otherwise
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer xoxb-1' },
      body: JSON.stringify({ channel: 'C1', text: 'hi' }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C1' });
    expect(api.callsTo('chat.postMessage')[0]?.token).toBe('xoxb-1');
  });
});
