/**
 * Accepting an invitation and offering on an intent signal, on every store (memory, SQLite,
 * PostgreSQL). The offer is decided and counted before it is posted, so two instances on one
 * PostgreSQL database that see the same signal at once — or two signals in one channel — make
 * one offer between them.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommunityServices } from '../../../src/core/community-services.ts';
import type { CommandEvent } from '../../../src/core/events.ts';
import { acceptInvitation } from '../../../src/core/outreach/accept-invitation.ts';
import { OFFER_TEXT, offerOnIntent } from '../../../src/core/outreach/offer-on-intent.ts';
import { defaultOutreachSettings } from '../../../src/core/outreach/settings.ts';
import type { IdentityKey, LeadStore } from '../../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { createTestClock, createTestEngine } from '../../helpers/engine.ts';
import { type OpenedStore, storeBackends } from '../../helpers/stores.ts';

const logger = pino({ level: 'silent' });
const clock = createTestClock(new Date('2026-03-02T12:00:00.000Z'));
const member = (userId: string): IdentityKey => ({ platform: 'slack', workspaceId: 'T1', userId });

function services(store: LeadStore) {
  return createCommunityServices({
    store,
    leadEvents: NO_LEAD_EVENTS,
    outreach: store.outreach,
    clock,
    settings: defaultOutreachSettings(),
    permissions: { isManager: async () => false },
  });
}

const start = (userId: string, eventId: string): CommandEvent => ({
  kind: 'command',
  name: 'start',
  args: [],
  platform: 'slack',
  workspaceId: 'T1',
  channelId: `D${userId}`,
  userId,
  isDirect: true,
  eventId,
});

for (const backend of storeBackends()) {
  describe(`outreach use cases on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    beforeAll(async () => {
      opened = await backend.open();
      if (opened) store = opened.store;
    });
    afterAll(async () => {
      await opened?.cleanup();
    });
    const skip = () => opened === null;

    it('acceptInvitation: only the invitee; lifts the opt-out, starts privately, records consent and inviter once', async () => {
      if (skip()) return;
      const s = services(store);
      const { engine } = await createTestEngine({ store, clock });
      const deps = { ...s, handle: s.withPersonCommands(engine.handle) };
      await s.contactPolicy.optOut(member('UJANE'));

      const sneaky = await acceptInvitation(deps, {
        member: member('USNEAKY'),
        invitee: 'UJANE',
        invitedBy: 'slack:UMGR',
        start: start('USNEAKY', 'consent:t1'),
      });
      expect(sneaky).toEqual({ outcome: 'not_invitee' });
      expect(await store.findIdentity(member('USNEAKY'))).toBeNull();

      const input = {
        member: member('UJANE'),
        invitee: 'UJANE',
        invitedBy: 'slack:UMGR',
        start: start('UJANE', 'consent:t2'),
      };
      const accepted = await acceptInvitation(deps, input);
      expect(accepted.outcome).toBe('accepted');
      expect(
        accepted.outcome === 'accepted' && accepted.replies.some((r) => r.text.includes('brings you here')),
      ).toBe(true);
      expect((await s.contactPolicy.check(member('UJANE'), 'invite', 'C1')).ok).toBe(true); // opt-out lifted
      const leadId = (await store.findIdentity(member('UJANE')))!.leadId;
      const lead = await store.getLead(leadId);
      expect(lead).toMatchObject({ consent: true, invitedBy: 'slack:UMGR' });

      // The same acceptance again (an inbox retry): nothing new, nothing said twice.
      clock.advance(60_000);
      expect(await acceptInvitation(deps, input)).toEqual({ outcome: 'accepted', replies: [] });
      // A later invitation accepted by the same lead keeps the first inviter and consent time.
      await acceptInvitation(deps, {
        ...input,
        invitedBy: 'slack:UMGR2',
        start: start('UJANE', 'consent:t3'),
      });
      expect(await store.getLead(leadId)).toMatchObject({
        invitedBy: 'slack:UMGR',
        consentAt: lead!.consentAt,
      });
      expect(await store.listConversations(leadId)).toHaveLength(1);
    });

    it('offerOnIntent: a signal gets one offer; the same message again, a lead, an opt-out or a cooldown get none', async () => {
      if (skip()) return;
      const s = services(store);
      const say = (userId: string, text: string, eventId: string, channelId = 'COFFER') =>
        offerOnIntent(s, { member: member(userId), channelId, text, eventId });
      expect(await say('UANN', 'nice weather', 'E1')).toEqual({ outcome: 'quiet', reason: 'no_signal' });
      expect(await say('UANN', 'What is your pricing?', 'E2')).toEqual({
        outcome: 'offer',
        text: OFFER_TEXT,
        signal: 'pricing',
      });
      expect(await store.outreach!.countContacts(['slack:T1:UANN'], new Date(0))).toBe(1);
      expect(await say('UANN', 'What is your pricing?', 'E2', 'COTHER')).toEqual({
        outcome: 'quiet',
        reason: 'recorded',
      });
      expect(await say('UBOB', 'a demo please', 'E3')).toEqual({ outcome: 'quiet', reason: 'cooldown' });
      await store.createLead({}, member('ULEAD'));
      expect(await say('ULEAD', 'pricing?', 'E4', 'COFFER2')).toEqual({
        outcome: 'quiet',
        reason: 'already_lead',
      });
      await s.contactPolicy.optOut(member('UOPT'));
      expect(await say('UOPT', 'pricing?', 'E5', 'COFFER3')).toEqual({
        outcome: 'quiet',
        reason: 'opted_out',
      });
      expect(await store.outreach!.countContacts(['slack:T1:UBOB', 'slack:T1:UOPT'], new Date(0))).toBe(0);
    });

    it('offerOnIntent: two instances see signals at once — one offer per message, one per channel cooldown', async () => {
      if (skip()) return;
      // PostgreSQL: a second store on the database is a second instance. SQLite serves one
      // instance, memory is one: there the two services share the store, like two adapters.
      const other =
        backend.name === 'postgres' && opened?.url ? await openStore(opened.url, { logger }) : null;
      try {
        const a = services(store);
        const b = services(other ?? store);
        const same = {
          member: member('URACE'),
          channelId: 'CRACE',
          text: 'pricing for 50 seats?',
          eventId: 'ERACE',
        };
        const both = await Promise.all([offerOnIntent(a, same), offerOnIntent(b, same)]);
        expect(both.filter((r) => r.outcome === 'offer')).toHaveLength(1);
        expect(both.find((r) => r.outcome === 'quiet')).toEqual({ outcome: 'quiet', reason: 'recorded' });

        const many = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            offerOnIntent(i % 2 ? a : b, {
              member: member(`UCROWD${i}`),
              channelId: 'CCROWD',
              text: 'can I get a demo?',
              eventId: `ECROWD${i}`,
            }),
          ),
        );
        expect(many.filter((r) => r.outcome === 'offer')).toHaveLength(1);
      } finally {
        await other?.close();
      }
    });
  });
}
