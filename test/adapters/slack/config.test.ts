import { describe, expect, it } from 'vitest';
import { parseSlackConfig } from '../../../adapters/slack/config.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'shhh-very-secret' };

describe('parseSlackConfig', () => {
  it('is disabled (null) without a bot token', () => {
    expect(parseSlackConfig({})).toBeNull();
    expect(parseSlackConfig({ SLACK_BOT_TOKEN: '  ' })).toBeNull();
  });

  it('reads every variable, splitting the reps and normalising the API URL', () => {
    const c = parseSlackConfig({
      ...base,
      SLACK_APP_TOKEN: 'xapp-1-A1-xyz',
      SLACK_SALES_CHANNEL: 'C0SALES',
      SLACK_SALES_REPS: ' U0ANN, U0BOB ,',
      SLACK_SALES_ESCALATE_TO: ' S0MANAGERS ',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
    });
    expect(c).toMatchObject({
      appToken: 'xapp-1-A1-xyz',
      salesChannel: 'C0SALES',
      salesReps: ['U0ANN', 'U0BOB'],
      salesEscalateTo: 'S0MANAGERS',
      apiUrl: 'http://127.0.0.1:9999/api/',
    });
    expect(parseSlackConfig(base)?.apiUrl).toBe('https://slack.com/api/');
  });

  it.each([
    [{ SLACK_SIGNING_SECRET: '' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_BOT_TOKEN: 'not-a-token' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxp-a-user-token' }, 'SLACK_BOT_TOKEN'],
    [{ SLACK_APP_TOKEN: 'xoxb-wrong-kind' }, 'SLACK_APP_TOKEN'],
    [{ SLACK_SALES_CHANNEL: '#sales' }, 'SLACK_SALES_CHANNEL'],
    [{ SLACK_SALES_REPS: 'U1,@bob' }, 'SLACK_SALES_REPS'],
    [{ SLACK_SALES_ESCALATE_TO: '@managers' }, 'SLACK_SALES_ESCALATE_TO'],
    [{ SLACK_SALES_ESCALATE_TO: 'C0SALES' }, 'SLACK_SALES_ESCALATE_TO'],
    [{ SLACK_API_URL: 'not a url' }, 'SLACK_API_URL'],
  ])('rejects %o naming the variable', (patch, variable) => {
    let caught: unknown;
    try {
      parseSlackConfig({ ...base, ...patch });
    } catch (err) {
      caught = err;
    }
    expect(isLeadbotError(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain(variable);
  });
});
