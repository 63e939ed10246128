/** The one duration parser, and the settings that read durations through it. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.ts';
import { durationMs, parseDuration } from '../../src/core/duration.ts';
import { isLeadbotError } from '../../src/core/errors.ts';
import { followUpDuration } from '../../src/core/flow/schema.ts';
import { parseOutreachSettings } from '../../src/core/outreach/settings.ts';

describe('durations', () => {
  it('reads a whole number and a unit, in the units the caller takes', () => {
    expect(durationMs('30m')).toBe(30 * 60_000);
    expect(durationMs(' 12h ')).toBe(12 * 3_600_000);
    expect(durationMs('7d')).toBe(7 * 86_400_000);
    expect(durationMs('30s')).toBeNull(); // seconds are not a follow-up or cooldown unit
    expect(durationMs('30s', ['s', 'm', 'h'])).toBe(30_000);
    expect(durationMs('2d', ['s', 'm', 'h'])).toBeNull();
    for (const bad of ['', 'm', '1.5h', '-3d', '3 d', '3D', '1w', '9999999999d'])
      expect(durationMs(bad)).toBeNull();
  });

  it('parseDuration names the expected form when the text is not a duration', () => {
    expect(parseDuration('3d')).toBe(3 * 86_400_000);
    let caught: unknown;
    try {
      parseDuration('soon');
    } catch (err) {
      caught = err;
    }
    expect(isLeadbotError(caught, 'BAD_INPUT')).toBe(true);
    expect((caught as Error).message).toBe('"soon" is not a duration such as 30m, 12h or 7d');
  });

  it('outreach settings, rate limits and flow follow-ups all read them the same way', () => {
    const s = parseOutreachSettings({ X_PERSON_COOLDOWN: '2h', X_CONTACT_LIMIT: '5/3d' }, 'X_');
    expect(s.personCooldownMs).toBe(2 * 3_600_000);
    expect(s.contactLimit).toEqual({ max: 5, periodMs: 3 * 86_400_000 });
    expect(() => parseOutreachSettings({ X_CHANNEL_COOLDOWN: '30s' }, 'X_')).toThrow(
      'X_CHANNEL_COOLDOWN: expected a duration such as 30m, 12h or 7d',
    );
    const config = loadConfig({ RATE_LIMIT_CHAT_IP: '5/30s', RATE_LIMIT_LOGIN: '10/15m' }, { envFile: null });
    expect(config.rateLimits.chatIp).toEqual({ points: 5, seconds: 30 });
    expect(config.rateLimits.login).toEqual({ points: 10, seconds: 900 });
    expect(followUpDuration.parse('2h')).toBe('2h'); // kept as written: stored flows re-parse it
    expect(followUpDuration.safeParse('2 hours').success).toBe(false);
    expect(followUpDuration.safeParse('90s').success).toBe(false);
  });
});
