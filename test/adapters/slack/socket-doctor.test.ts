/** `leadbot doctor` with SLACK_APP_TOKEN checks that the app-level token opens a Socket Mode connection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackTools } from '../../../adapters/slack/tools.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { type FakeSlackSocket, startFakeSlackSocket } from '../../fakes/slack-socket/server.ts';

let api: FakeSlackApi;
let socket: FakeSlackSocket;
beforeAll(async () => {
  api = await startFakeSlackApi();
  socket = await startFakeSlackSocket({ webApiUrl: api.apiUrl });
});
afterAll(async () => {
  await socket.close();
  await api.close();
});

const config = (appToken: string) => ({
  botToken: 'xoxb-test-token',
  appToken,
  apiUrl: socket.apiUrl,
  salesReps: [],
});

describe('leadbot doctor, Socket Mode', () => {
  it('passes with the app-level token and names the fix for a wrong one', async () => {
    const signal = new AbortController().signal;
    const good = (await slackTools.doctor(config(socket.appToken), { signal })).find(
      (c) => c.check === 'Slack Socket Mode',
    );
    expect(good).toMatchObject({ ok: true });
    const bad = (await slackTools.doctor(config('xapp-1-wrong'), { signal })).find(
      (c) => c.check === 'Slack Socket Mode',
    );
    expect(bad).toMatchObject({ ok: false, detail: 'apps.connections.open: invalid_auth' });
    expect(bad?.fix).toContain('connections:write');
    expect(socket.opens).toEqual(['ok', 'invalid_auth']);
  });
});
