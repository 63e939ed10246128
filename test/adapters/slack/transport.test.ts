/**
 * Transport selection. Socket Mode end to end (against the fake Socket Mode endpoint) is in
 * both-transports.test.ts and socket-mode.test.ts; here, which receiver and routes each gets.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SocketModeReceiver } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { parseSlackConfig } from '../../../adapters/slack/config.ts';
import { createSlackAdapter } from '../../../adapters/slack/index.ts';
import type { DurableSocketReceiver } from '../../../adapters/slack/socket-receiver.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';

const env = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 'secret-secret',
  SLACK_BOT_USER_ID: 'UBOT',
  SLACK_BOT_ID: 'BBOT',
};

describe('Slack transports', () => {
  it('holds the connection with bolt SocketModeReceiver when SLACK_APP_TOKEN is set, without an HTTP route', () => {
    const routes: string[] = [];
    const adapter = createSlackAdapter(parseSlackConfig({ ...env, SLACK_APP_TOKEN: 'xapp-1-A-1' })!, {
      logger: silentLogger,
      inbox: memoryInbox(),
      http: { route: (m, p) => routes.push(`${m} ${p}`) },
    });
    expect(adapter.transport).toBe('socket');
    expect((adapter.receiver as DurableSocketReceiver).socket).toBeInstanceOf(SocketModeReceiver);
    expect(routes).toEqual([]);
    expect(adapter.alertSink).toBeNull();
  });

  it('mounts POST /slack/events in HTTP mode and answers 503 until started', async () => {
    const handlers = new Map<string, (req: IncomingMessage, res: ServerResponse) => void | Promise<void>>();
    const adapter = createSlackAdapter(parseSlackConfig({ ...env, SLACK_SALES_CHANNEL: 'C0SALES' })!, {
      logger: silentLogger,
      inbox: memoryInbox(),
      http: { route: (m, p, h) => handlers.set(`${m} ${p}`, h) },
    });
    expect(adapter.transport).toBe('http');
    expect(adapter.receiver).not.toBeInstanceOf(SocketModeReceiver); // the route receives
    expect(adapter.alertSink?.name).toBe('slack');
    const handler = handlers.get('POST /slack/events')!;
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    await new Promise((r) => server.close(r));
  });

  it('refuses HTTP mode without the app HTTP server, saying what to do', () => {
    let caught: unknown;
    try {
      createSlackAdapter(parseSlackConfig(env)!, { logger: silentLogger, inbox: memoryInbox() });
    } catch (err) {
      caught = err;
    }
    expect(isLeadbotError(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as { userMessage: string }).userMessage).toContain('SLACK_APP_TOKEN');
  });
});
