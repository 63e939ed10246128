/**
 * Only what the transport needs: Socket Mode (SLACK_APP_TOKEN) works without a signing secret
 * and mounts no HTTP route; HTTP mode still refuses to start without one.
 */
import { describe, expect, it } from 'vitest';
import { parseSlackConfig } from '../../../adapters/slack/config.ts';
import { createSlackAdapter } from '../../../adapters/slack/index.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { memoryInbox } from '../../helpers/inbox.ts';

const bot = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc' };
const appToken = 'xapp-1-A1-xyz';

function refusal(env: Record<string, string>): { variable: string; message: string; userMessage: string } {
  try {
    parseSlackConfig(env);
  } catch (err) {
    expect(isLeadbotError(err, 'CONFIG_INVALID')).toBe(true);
    const e = err as Error & { userMessage: string };
    return { variable: e.message.split(' ')[0]!, message: e.message, userMessage: e.userMessage };
  }
  throw new Error('accepted');
}

describe('Slack transport configuration', () => {
  it('accepts Socket Mode with only the bot and app-level tokens', () => {
    const c = parseSlackConfig({ ...bot, SLACK_APP_TOKEN: appToken });
    expect(c).toMatchObject({ appToken });
    expect(c?.signingSecret).toBeUndefined();
    // An empty variable (as a copied .env.example leaves it) is the same as none.
    expect(parseSlackConfig({ ...bot, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: ' ' })).toMatchObject({
      appToken,
    });
  });

  it('accepts both set (Socket Mode wins) and still checks a secret that is given', () => {
    const c = parseSlackConfig({
      ...bot,
      SLACK_APP_TOKEN: appToken,
      SLACK_SIGNING_SECRET: 'shhh-very-secret',
    });
    expect(c).toMatchObject({ appToken, signingSecret: 'shhh-very-secret' });
    expect(refusal({ ...bot, SLACK_APP_TOKEN: appToken, SLACK_SIGNING_SECRET: 'short' }).variable).toBe(
      'SLACK_SIGNING_SECRET',
    );
  });

  it('requires the signing secret for HTTP mode, naming both ways out', () => {
    const r = refusal(bot);
    expect(r.variable).toBe('SLACK_SIGNING_SECRET');
    expect(r.userMessage).toContain('SLACK_APP_TOKEN');
  });

  it('mounts no HTTP route in Socket Mode, even with a signing secret; mounts /slack/events otherwise', () => {
    const routes = (env: Record<string, string>) => {
      const mounted: string[] = [];
      const adapter = createSlackAdapter(parseSlackConfig(env)!, {
        logger: silentLogger,
        inbox: memoryInbox(),
        http: { route: (m, p) => mounted.push(`${m} ${p}`) },
      });
      return { transport: adapter.transport, mounted };
    };
    const secret = { SLACK_SIGNING_SECRET: 'shhh-very-secret' };
    expect(routes({ ...bot, SLACK_APP_TOKEN: appToken })).toEqual({ transport: 'socket', mounted: [] });
    expect(routes({ ...bot, ...secret, SLACK_APP_TOKEN: appToken })).toEqual({
      transport: 'socket',
      mounted: [],
    });
    expect(routes({ ...bot, ...secret })).toEqual({ transport: 'http', mounted: ['POST /slack/events'] });
  });

  it('refuses an adapter built for HTTP without a secret (config not from parseSlackConfig)', () => {
    let caught: unknown;
    try {
      createSlackAdapter(
        { botToken: 'xoxb-1', salesReps: [], apiUrl: 'https://slack.com/api/' },
        { logger: silentLogger, inbox: memoryInbox(), http: { route: () => {} } },
      );
    } catch (err) {
      caught = err;
    }
    expect(isLeadbotError(caught, 'CONFIG_INVALID')).toBe(true);
  });
});
