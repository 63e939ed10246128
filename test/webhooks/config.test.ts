/** WEBHOOK_* variables: parsed once, a URL without a secret is refused with the fix. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/app/config.ts';

const load = (env: Record<string, string>) => loadConfig(env, { envFile: null });

describe('webhook configuration', () => {
  it('reads the URLs, the secret and the format', () => {
    const config = load({
      WEBHOOK_URLS: ' https://crm.example.com/a , http://127.0.0.1:9000/b ',
      WEBHOOK_SECRET: 'a-long-enough-secret',
      WEBHOOK_FORMAT: 'hubspot',
    });
    expect(config.webhooks).toEqual({
      urls: ['https://crm.example.com/a', 'http://127.0.0.1:9000/b'],
      secret: 'a-long-enough-secret',
      format: 'hubspot',
    });
  });

  it('refuses URLs without a secret, naming the variable and the fix', () => {
    const err = (() => {
      try {
        load({ WEBHOOK_URLS: 'https://crm.example.com/a', WEBHOOK_SECRET: 'short' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('WEBHOOK_SECRET');
    expect((err as ConfigError).userMessage).toContain('at least 16 characters');
  });

  it('refuses a URL that is not http(s) and an unknown format', () => {
    expect(() => load({ WEBHOOK_URLS: 'ftp://x.example/a', WEBHOOK_SECRET: 'a-long-enough-secret' })).toThrow(
      /WEBHOOK_URLS/,
    );
    expect(() => load({ WEBHOOK_FORMAT: 'salesforce' })).toThrow(/WEBHOOK_FORMAT/);
  });
});
