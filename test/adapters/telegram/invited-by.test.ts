/** The inviting manager in Telegram's consent deep link, and the campaign it must not become. */

import type { Update } from 'grammy/types';
import { describe, expect, it } from 'vitest';
import { parseConsentStart, toInboundEvent } from '../../../adapters/telegram/inbound.ts';
import { consentStartPayload } from '../../../adapters/telegram/outbound.ts';
import { BOT, fixture } from './fixtures.ts';

describe('Telegram consent deep-link payload', () => {
  it('names a Telegram manager, within the payload alphabet and 64 characters', () => {
    const payload = consentStartPayload('telegram:9001');
    expect(payload).toBe('consent_9001');
    expect(payload).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(consentStartPayload(undefined)).toBe('consent');
    expect(consentStartPayload('slack:U0MGR')).toBe('consent');
    // The group the prompt is posted in; the longest payload still fits 64 characters.
    expect(consentStartPayload(undefined, -1001234567890)).toBe('consent_g-1001234567890');
    const longest = consentStartPayload(`telegram:${'9'.repeat(20)}`, -Number.MAX_SAFE_INTEGER);
    expect(longest).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });

  it('reads the start back, with or without the bot name and inviter', () => {
    expect(parseConsentStart('/start consent_9001')).toEqual({ invitedBy: 'telegram:9001' });
    expect(parseConsentStart('/start@leadbot consent_9001')).toEqual({ invitedBy: 'telegram:9001' });
    expect(parseConsentStart('/start consent')).toEqual({});
    expect(parseConsentStart('/start consent_9001_g-100500')).toEqual({
      invitedBy: 'telegram:9001',
      groupId: -100500,
    });
    expect(parseConsentStart('/start consent_g-100500')).toEqual({ groupId: -100500 });
    expect(parseConsentStart('/start consent_g-1_x')).toBeNull();
    expect(parseConsentStart('/start consent_x')).toBeNull();
    expect(parseConsentStart('/start spring')).toBeNull();
    expect(parseConsentStart(undefined)).toBeNull();
  });
});

describe('Telegram inbound mapping of an invitation start', () => {
  it('keeps the campaign "consent": the inviter is attribution, not a campaign', () => {
    const update = structuredClone(fixture('private-start-deeplink')) as Update & {
      message: { text: string; entities: { type: string; offset: number; length: number }[] };
    };
    update.message.text = '/start consent_9001';
    update.message.entities = [{ type: 'bot_command', offset: 0, length: 6 }];
    expect(toInboundEvent(update, BOT)).toMatchObject({
      kind: 'command',
      name: 'start',
      args: ['consent'],
      campaign: 'consent',
    });
    update.message.text = '/start consent_9001_g-100500';
    expect(toInboundEvent(update, BOT)).toMatchObject({ campaign: 'consent' });
    update.message.text = '/start spring_2026';
    expect(toInboundEvent(update, BOT)).toMatchObject({ campaign: 'spring_2026' });
  });
});
