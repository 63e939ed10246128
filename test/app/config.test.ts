import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, type ConfigSection, loadConfig, maskValue, VARIABLES } from '../../src/app/config.ts';
import { isLeadbotError, LeadbotError } from '../../src/core/errors.ts';

const load = (env: Record<string, string | undefined>, sections: ConfigSection[] = []) =>
  loadConfig(env, { sections, envFile: null });

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    expect(load({})).toEqual({
      databaseUrl: 'file:./data/leadbot.db',
      logLevel: 'info',
      port: 3000,
      host: '127.0.0.1',
      flowsDir: 'flows',
      defaultFlow: 'default',
      conversationIdleMinutes: 1440,
      webhooks: { urls: [], secret: '', format: 'leadbot' },
      adapters: {},
      salesAlerts: null,
      handoffRepliers: 'owner',
      alertEscalateAfterMs: 600_000,
      trustProxy: 0,
      rateLimits: {
        chatIp: { points: 120, seconds: 60 },
        chatVisitor: { points: 30, seconds: 60 },
        login: { points: 10, seconds: 900 },
      },
      inbox: { retentionDays: 7, leaseSeconds: 30, testDelayMs: 0 },
    });
  });

  it('reads ALERT_ESCALATE_AFTER with the duration parser; 0 or off disables; anything else is one clear error', () => {
    expect(load({ ALERT_ESCALATE_AFTER: '15m' }).alertEscalateAfterMs).toBe(900_000);
    expect(load({ ALERT_ESCALATE_AFTER: '90s' }).alertEscalateAfterMs).toBe(90_000);
    expect(load({ ALERT_ESCALATE_AFTER: '0' }).alertEscalateAfterMs).toBeNull();
    expect(load({ ALERT_ESCALATE_AFTER: 'off' }).alertEscalateAfterMs).toBeNull();
    for (const bad of ['10', 'soon', '2d', '-5m', '10 minutes']) {
      const err = failure(() => load({ ALERT_ESCALATE_AFTER: bad }));
      expect(err.variable).toBe('ALERT_ESCALATE_AFTER');
      expect(err.userMessage).toContain('is not a duration such as 10m (units s, m, h), or 0/off');
      expect(err.userMessage).toContain('0/off to disable');
    }
  });

  it('reads rate limits as count/duration or off, and TRUST_PROXY as a number of proxies', () => {
    const config = load({
      RATE_LIMIT_CHAT_IP: '5/30s',
      RATE_LIMIT_CHAT_VISITOR: 'off',
      RATE_LIMIT_LOGIN: '100/1h',
      TRUST_PROXY: '1',
    });
    expect(config.rateLimits).toEqual({
      chatIp: { points: 5, seconds: 30 },
      chatVisitor: null,
      login: { points: 100, seconds: 3600 },
    });
    expect(config.trustProxy).toBe(1);
    for (const bad of ['0/1m', '10', '10/1d', '10/0m', 'unlimited', '-1/1m'])
      expect(failure(() => load({ RATE_LIMIT_CHAT_IP: bad })).userMessage).toContain('count/duration');
    expect(failure(() => load({ RATE_LIMIT_LOGIN: '1/48h' })).userMessage).toContain('longer than a day');
    expect(failure(() => load({ TRUST_PROXY: 'yes' })).variable).toBe('TRUST_PROXY');
  });

  it('reads the inbox settings and refuses a retention under a day', () => {
    expect(
      load({ EVENT_RETENTION_DAYS: '30', INBOX_LEASE_SECONDS: '5', INBOX_TEST_DELAY_MS: '100' }).inbox,
    ).toEqual({
      retentionDays: 30,
      leaseSeconds: 5,
      testDelayMs: 100,
    });
    expect(() => load({ EVENT_RETENTION_DAYS: '0' })).toThrow(/EVENT_RETENTION_DAYS="0" is invalid/);
  });

  it('reads who may talk to a prospect from the thread, and refuses anything else', () => {
    expect(load({ HANDOFF_REPLIERS: 'channel' }).handoffRepliers).toBe('channel');
    expect(() => load({ HANDOFF_REPLIERS: 'everyone' })).toThrow(/HANDOFF_REPLIERS="everyone" is invalid/);
  });

  it('reads and coerces every variable, treating blank as unset', () => {
    const config = load({
      DATABASE_URL: 'postgresql://bot@db:5432/leads',
      LOG_LEVEL: 'debug',
      PORT: '8080',
      HOST: ' 0.0.0.0 ',
      FLOWS_DIR: '/srv/flows',
      DEFAULT_FLOW: 'webinar',
      CONVERSATION_IDLE_MINUTES: '30',
      PATH: '/usr/bin',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgresql://bot@db:5432/leads',
      logLevel: 'debug',
      port: 8080,
      host: '0.0.0.0',
      flowsDir: '/srv/flows',
      defaultFlow: 'webinar',
      conversationIdleMinutes: 30,
    });
    expect(load({ PORT: '  ' }).port).toBe(3000);
  });

  it.each([
    ['LOG_LEVEL', 'loud', 'use one of fatal, error'],
    ['PORT', '70000', 'from 0 to 65535'],
    ['PORT', 'eighty', 'whole number'],
    ['DATABASE_URL', 'mysql://x', 'postgresql://'],
    ['CONVERSATION_IDLE_MINUTES', '0', 'at least 1'],
    ['DEFAULT_FLOW', '../etc', 'id of a flow'],
  ])('refuses %s=%s naming the variable, the value and the fix', (name, value, fix) => {
    const err = failure(() => load({ [name]: value }));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.variable).toBe(name);
    expect(err.userMessage).toContain(`${name}="${value}"`);
    expect(err.userMessage).toContain(fix);
    expect(err.userMessage).not.toContain('\n');
  });

  it('never prints a database password', () => {
    const err = failure(() => load({ DATABASE_URL: 'mysql://admin:hunter2@db/x' }));
    expect(err.userMessage).toContain('mysql://admin:****@db/x');
    expect(err.userMessage).not.toContain('hunter2');
  });

  it('refuses unknown LEADBOT_ variables and suggests the variable meant', () => {
    const err = failure(() => load({ LEADBOT_FOO: '1' }));
    expect(err.variable).toBe('LEADBOT_FOO');
    expect(err.userMessage).toMatch(/^LEADBOT_FOO is not a leadbot setting — /);
    expect(failure(() => load({ LEADBOT_LOG_LEVEL: 'info' })).userMessage).toContain(
      'did you mean LOG_LEVEL?',
    );
  });

  it('accepts LEADBOT_FROM_SOURCE, which bin/leadbot.js reads before the configuration', () => {
    expect(() => load({ LEADBOT_FROM_SOURCE: '1' })).not.toThrow();
  });

  it('parses adapter sections and guards their prefix against typos', () => {
    const seen: Record<string, string | undefined>[] = [];
    const section: ConfigSection<{ token: string }> = {
      name: 'demo',
      prefix: 'DEMO_',
      variables: ['DEMO_TOKEN', 'DEMO_MODE'],
      parse(env) {
        seen.push(env);
        return env.DEMO_TOKEN ? { token: env.DEMO_TOKEN } : null;
      },
    };
    expect(load({}, [section]).adapters).toEqual({ demo: null });
    expect(load({ DEMO_TOKEN: 'abc' }, [section]).adapters).toEqual({ demo: { token: 'abc' } });
    expect(seen).toHaveLength(2);
    const typo = failure(() => load({ DEMO_TOKN: 'abc' }, [section]));
    expect(typo.userMessage).toContain('did you mean DEMO_TOKEN?');
  });

  it('lets an adapter section refuse a value with its own CONFIG_INVALID error', () => {
    const section: ConfigSection = {
      name: 'strict',
      parse() {
        throw new LeadbotError('CONFIG_INVALID', 'STRICT_URL is not a URL', {
          userMessage: 'STRICT_URL is not a URL — use https://…',
        });
      },
    };
    expect(() => load({}, [section])).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        userMessage: 'STRICT_URL is not a URL — use https://…',
      }),
    );
  });

  it('every declared variable has a default that passes its own schema', () => {
    for (const [name, v] of Object.entries(VARIABLES)) {
      expect(v.schema.safeParse(v.default).success, name).toBe(true);
    }
  });

  it('ConfigError is a LeadbotError with code CONFIG_INVALID', () => {
    expect(isLeadbotError(new ConfigError('X', 'is bad', 'fix it'), 'CONFIG_INVALID')).toBe(true);
  });
});

describe('maskValue', () => {
  it('keeps only the first characters of tokens and secrets', () => {
    expect(maskValue('TELEGRAM_BOT_TOKEN', '123456:ABCDEF')).toBe('1234****');
    expect(maskValue('SLACK_SIGNING_SECRET', 'abc')).toBe('****');
    expect(maskValue('HOST', '0.0.0.0')).toBe('0.0.0.0');
  });
});

describe('.env file', () => {
  it('is read only for the real process environment and never overrides it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadbot-env-'));
    const file = join(dir, '.env');
    writeFileSync(file, 'LOG_LEVEL=loud\n');
    // A custom environment ignores the file: nothing here is invalid.
    expect(loadConfig({}, { envFile: file }).logLevel).toBe('info');
  });
});
