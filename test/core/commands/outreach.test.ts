/** Contact policy: contact limits, quiet hours, cooldowns, intent signals, settings and linking. */
import { describe, expect, it } from 'vitest';
import { issueLinkCode, redeemLinkCode } from '../../../src/core/commands/link.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';
import { recordConsent } from '../../../src/core/outreach/accept-invitation.ts';
import { inQuietHours } from '../../../src/core/outreach/contact-policy.ts';
import { detectIntent } from '../../../src/core/outreach/intent.ts';
import { parseOutreachSettings } from '../../../src/core/outreach/settings.ts';
import { setup } from './helpers.ts';

const key = (userId: string) => ({ platform: 'slack' as const, workspaceId: 'T1', userId });

describe('outreach settings', () => {
  it('parses every variable and names the bad one', () => {
    const s = parseOutreachSettings(
      {
        P_INTENT_KEYWORDS: 'pricing, /\\bsso\\b/',
        P_CONTACT_LIMIT: '2/1d',
        P_QUIET_HOURS: '22:00-08:00',
        P_TIME_ZONE: 'Europe/Paris',
        P_PERSON_COOLDOWN: '12h',
        P_CHANNEL_COOLDOWN: '5m',
      },
      'P_',
    );
    expect(s.contactLimit).toEqual({ max: 2, periodMs: 86_400_000 });
    expect(s.quietHours).toEqual({ start: 1320, end: 480 });
    expect(s.personCooldownMs).toBe(43_200_000);
    expect(detectIntent('Do you support SSO?', s)).toBe('SSO');
    expect(detectIntent('what about Pricing!', s)).toBe('Pricing');
    expect(detectIntent('I am surprised', s)).toBeNull(); // "price" is not a keyword here, nor a substring match
    for (const [name, value] of [
      ['P_CONTACT_LIMIT', 'lots'],
      ['P_QUIET_HOURS', '25:00-01:00'],
      ['P_TIME_ZONE', 'Mars/Olympus'],
      ['P_INTENT_KEYWORDS', '/(/'],
    ]) {
      try {
        parseOutreachSettings({ [name!]: value }, 'P_');
        expect.unreachable();
      } catch (err) {
        expect(isLeadbotError(err, 'CONFIG_INVALID') && err.message.startsWith(`${name}:`)).toBe(true);
      }
    }
  });

  it('quiet hours wrap midnight in the community time zone', () => {
    const s = { quietHours: { start: 22 * 60, end: 8 * 60 }, timeZone: 'Europe/Paris' };
    expect(inQuietHours(new Date('2026-03-02T21:30:00Z'), s)).toBe(true); // 22:30 in Paris
    expect(inQuietHours(new Date('2026-03-02T06:59:00Z'), s)).toBe(true); // 07:59
    expect(inQuietHours(new Date('2026-03-02T07:00:00Z'), s)).toBe(false); // 08:00
    expect(inQuietHours(new Date('2026-03-02T20:59:00Z'), s)).toBe(false); // 21:59
  });
});

describe('contact policy', () => {
  it('enforces the contact limit across linked platforms, then lets time pass', async () => {
    const t = setup({ settings: { contactLimit: { max: 2, periodMs: 86_400_000 } } });
    const lead = await t.addLead('UJANE');
    await t.store.addIdentity(lead.id, { platform: 'telegram', workspaceId: '', userId: '42' });
    const tg = { platform: 'telegram' as const, workspaceId: '', userId: '42' };
    for (const k of [key('UJANE'), tg]) {
      expect((await t.contactPolicy.check(k, 'invite', 'C1')).ok).toBe(true);
      expect((await t.contactPolicy.approach(k, 'invite', k.platform, 'C1')).ok).toBe(true);
    }
    expect(await t.contactPolicy.check(key('UJANE'), 'invite', 'C1')).toMatchObject({
      ok: false,
      reason: 'limit',
    });
    expect(await t.contactPolicy.check(tg, 'invite', 'C9')).toMatchObject({ ok: false, reason: 'limit' });
    t.clock.advance(86_400_001);
    expect((await t.contactPolicy.check(tg, 'invite', 'C9')).ok).toBe(true);
  });

  it('offers respect person and channel cooldowns; stop opts out until the person returns', async () => {
    const t = setup();
    expect((await t.contactPolicy.check(key('UA'), 'offer', 'C1')).ok).toBe(true);
    expect((await t.contactPolicy.approach(key('UA'), 'offer', 'slack', 'C1')).ok).toBe(true);
    expect(await t.contactPolicy.check(key('UB'), 'offer', 'C1')).toMatchObject({
      ok: false,
      reason: 'cooldown',
    });
    expect((await t.contactPolicy.check(key('UB'), 'offer', 'C2')).ok).toBe(true);
    t.clock.advance(11 * 60_000);
    expect((await t.contactPolicy.check(key('UB'), 'offer', 'C1')).ok).toBe(true);
    expect(await t.contactPolicy.check(key('UA'), 'offer', 'C2')).toMatchObject({
      ok: false,
      reason: 'cooldown',
    });
    await t.contactPolicy.optOut(key('UB'));
    expect(await t.contactPolicy.check(key('UB'), 'invite', 'C2')).toMatchObject({
      ok: false,
      reason: 'opted_out',
    });
    await t.contactPolicy.optIn(key('UB'));
    expect((await t.contactPolicy.check(key('UB'), 'invite', 'C2')).ok).toBe(true);
  });

  it('never allows a bot-initiated DM without consent; qualify is refused in quiet hours', async () => {
    const t = setup({ settings: { quietHours: { start: 0, end: 23 * 60 + 59 }, timeZone: 'UTC' } });
    await t.addLead('UJANE');
    expect(await t.contactPolicy.check(key('UJANE'), 'dm', 'DUJANE')).toMatchObject({
      ok: false,
      reason: 'no_consent',
    });
    const r = await t.run('qualify @UJANE');
    expect(r.prompt).toBeUndefined();
    expect(r.text).toContain('quiet hours');
    await recordConsent(t.store, key('UJANE'), undefined, t.clock.now());
    expect(await t.contactPolicy.check(key('UJANE'), 'dm', 'DUJANE')).toMatchObject({
      ok: false,
      reason: 'quiet_hours',
    });
  });
});

describe('identity links', () => {
  it('a one-time code links a second account to the lead; reuse and expiry fail; unlink undoes it', async () => {
    const t = setup();
    const lead = await t.addLead('UJANE');
    const tg = { platform: 'telegram' as const, workspaceId: '', userId: '42' };
    const code = await issueLinkCode(t, key('UJANE'));
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    expect(await redeemLinkCode(t, tg, code!.toLowerCase())).toBe('linked');
    expect(await redeemLinkCode(t, tg, code!)).toBe('invalid');
    expect((await t.store.findIdentity(tg))?.leadId).toBe(lead.id);
    expect((await t.run('lead @UJANE')).text).toContain('telegram:42');
    const late = await issueLinkCode(t, key('UJANE'));
    t.clock.advance(16 * 60_000);
    expect(await redeemLinkCode(t, { ...tg, userId: '43' }, late!)).toBe('invalid');
    expect((await t.run('unlink @UJANE')).text).toContain('Account unlinked');
    expect(await t.store.findIdentity(key('UJANE'))).toBeNull();
    expect((await t.store.findIdentity(tg))?.leadId).toBe(lead.id);
  });
});
