/**
 * One contract for every OutreachStore: the memory one and the Prisma one (`store.outreach`)
 * on SQLite and PostgreSQL. Plus what only the database can show: limits survive a restart
 * (a second store on the same database) and deleting a lead erases its outreach rows.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetPerson } from '../../src/core/commands/forget.ts';
import { createMemoryOutreachStore } from '../../src/core/memory/memory-outreach.ts';
import type { LeadStore, OutreachStore } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { openStore } from '../../src/store/open-store.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (min: number) => new Date(T0.getTime() + min * 60_000);
const logger = pino({ level: 'silent' });

for (const backend of storeBackends()) {
  describe(`OutreachStore on ${backend.name}`, () => {
    let opened: OpenedStore | null = null;
    let store: LeadStore;
    let outreach: OutreachStore;
    beforeAll(async () => {
      opened = await backend.open();
      if (!opened) return;
      store = opened.store;
      outreach = store.outreach ?? createMemoryOutreachStore();
    });
    afterAll(async () => {
      await opened?.cleanup();
    });
    const skip = () => opened === null;

    it('counts a message once whatever the number of keys, since a date, and finds the last by kind', async () => {
      if (skip()) return;
      expect(backend.name === 'memory' || store.outreach !== undefined).toBe(true);
      const p = ['slack:T1:U1', 'lead:L1'];
      await outreach.recordContact({
        persons: p,
        kind: 'invite',
        platform: 'slack',
        channelId: 'C1',
        at: at(0),
      });
      await outreach.recordContact({
        persons: ['lead:L1'],
        kind: 'offer',
        platform: 'discord',
        channelId: 'C2',
        at: at(5),
      });
      await outreach.recordContact({
        persons: ['slack:T1:U9'],
        kind: 'offer',
        platform: 'slack',
        channelId: 'C1',
        at: at(7),
      });
      expect(await outreach.countContacts(p, at(-1))).toBe(2);
      expect(await outreach.countContacts(['slack:T1:U1'], at(-1))).toBe(1);
      expect(await outreach.countContacts(p, at(1))).toBe(1);
      expect(await outreach.countContacts(['nobody'], at(-1))).toBe(0);
      expect(await outreach.lastContactOf(p, 'offer')).toEqual(at(5));
      expect(await outreach.lastContactOf(p, 'dm')).toBeNull();
      expect(await outreach.lastContactInChannel('C1', 'offer')).toEqual(at(7));
      expect(await outreach.lastContactInChannel('C1', 'invite')).toEqual(at(0));
      expect(await outreach.lastContactInChannel('C3', 'offer')).toBeNull();
    });

    it('opts out and back in by any key of the person', async () => {
      if (skip()) return;
      await outreach.setOptOut('lead:L2', at(0));
      await outreach.setOptOut('lead:L2', at(1)); // twice is fine
      expect(await outreach.isOptedOut(['telegram::5', 'lead:L2'])).toBe(true);
      expect(await outreach.isOptedOut(['telegram::5'])).toBe(false);
      await outreach.clearOptOut(['telegram::5', 'lead:L2']);
      expect(await outreach.isOptedOut(['lead:L2'])).toBe(false);
    });

    it('link codes: one per lead, usable once, not after expiry', async () => {
      if (skip()) return;
      const lead = await store.createLead({});
      await outreach.saveLinkCode({ code: 'AAAA2222', leadId: lead.id, expiresAt: at(15) });
      await outreach.saveLinkCode({ code: 'BBBB3333', leadId: lead.id, expiresAt: at(15) });
      expect(await outreach.takeLinkCode('AAAA2222', at(1))).toBeNull(); // replaced
      expect(await outreach.takeLinkCode('BBBB3333', at(1))).toEqual({ leadId: lead.id });
      expect(await outreach.takeLinkCode('BBBB3333', at(1))).toBeNull(); // used
      await outreach.saveLinkCode({ code: 'CCCC4444', leadId: lead.id, expiresAt: at(15) });
      expect(await outreach.takeLinkCode('CCCC4444', at(16))).toBeNull(); // expired
    });

    it('erase removes every row naming the person (whole messages), their opt-out and the lead codes', async () => {
      if (skip()) return;
      const lead = await store.createLead({});
      const keys = ['discord::77', `lead:${lead.id}`];
      await outreach.recordContact({
        persons: keys,
        kind: 'invite',
        platform: 'discord',
        channelId: 'C9',
        at: at(0),
      });
      await outreach.recordContact({
        persons: ['discord::78'],
        kind: 'invite',
        platform: 'discord',
        channelId: 'C9',
        at: at(1),
      });
      await outreach.setOptOut('discord::77', at(0));
      await outreach.saveLinkCode({ code: 'DDDD5555', leadId: lead.id, expiresAt: at(15) });
      await outreach.erase(['discord::77'], lead.id);
      expect(await outreach.countContacts(keys, at(-1))).toBe(0);
      expect(await outreach.lastContactInChannel('C9', 'invite')).toEqual(at(1)); // someone else's stays
      expect(await outreach.isOptedOut(keys)).toBe(false);
      expect(await outreach.takeLinkCode('DDDD5555', at(1))).toBeNull();
    });

    it('removeIdentity detaches one account and says whether it existed', async () => {
      if (skip()) return;
      const key = { platform: 'slack' as const, workspaceId: 'T1', userId: 'URM' };
      const lead = await store.createLead({}, key);
      await store.addIdentity(lead.id, { platform: 'telegram', workspaceId: '', userId: '42' });
      expect(await store.removeIdentity?.(key)).toBe(true);
      expect(await store.removeIdentity?.(key)).toBe(false);
      expect((await store.listIdentities(lead.id)).map((i) => i.userId)).toEqual(['42']);
    });

    it('forget (one transaction) leaves no outreach row about the person', async () => {
      if (skip()) return;
      const key = { platform: 'telegram' as const, workspaceId: '', userId: '9001' };
      const lead = await store.createLead({}, key);
      const keys = ['telegram::9001', `lead:${lead.id}`];
      await outreach.recordContact({
        persons: keys,
        kind: 'dm',
        platform: 'telegram',
        channelId: '9001',
        at: at(0),
      });
      await outreach.setOptOut(`lead:${lead.id}`, at(0));
      await outreach.saveLinkCode({ code: 'EEEE6666', leadId: lead.id, expiresAt: at(15) });
      expect(await forgetPerson({ store, outreach, leadEvents: NO_LEAD_EVENTS }, key)).toBe(true);
      expect(await store.getLead(lead.id)).toBeNull();
      expect(await outreach.countContacts(keys, at(-1))).toBe(0);
      expect(await outreach.isOptedOut(keys)).toBe(false);
      expect(await outreach.takeLinkCode('EEEE6666', at(1))).toBeNull();
    });

    it('recordContactUnless decides and records in one turn; a named contact is recorded once', async () => {
      if (skip()) return;
      const contact = (id: string, persons: string[], channelId = 'CU') => ({
        id,
        persons,
        kind: 'offer',
        platform: 'slack' as const,
        channelId,
        at: at(0),
      });
      // `refuse` reads the log through what it is given, and its answer is passed back.
      const seen: number[] = [];
      const first = await outreach.recordContactUnless(
        contact('offer:slack:E1', ['slack:T1:UU1']),
        async (log) => {
          seen.push(await log.countContacts(['slack:T1:UU1'], at(-1)));
          return null;
        },
      );
      expect(first).toBeNull();
      expect(
        await outreach.recordContactUnless(contact('offer:slack:E2', ['slack:T1:UU1']), async (log) => {
          seen.push(await log.countContacts(['slack:T1:UU1'], at(-1)));
          return (await log.lastContactOf(['slack:T1:UU1'], 'offer')) ? 'cooldown' : null;
        }),
      ).toBe('cooldown');
      expect(seen).toEqual([0, 1]);
      // The same signal again: refused before `refuse` runs, nothing recorded.
      expect(
        await outreach.recordContactUnless(contact('offer:slack:E1', ['slack:T1:UU9']), async () => null),
      ).toBe('recorded');
      expect(await outreach.countContacts(['slack:T1:UU1'], at(-1))).toBe(1);
      expect(await outreach.countContacts(['slack:T1:UU9'], at(-1))).toBe(0);
    });

    it('recordContactUnless: concurrent deciders on one channel take turns, so one contact is recorded', async () => {
      if (skip()) return;
      // On PostgreSQL a second store on the same database plays another instance; SQLite serves
      // one instance (a second client in this process would block it), memory has one.
      const other =
        backend.name === 'postgres' && opened?.url ? await openStore(opened.url, { logger }) : null;
      try {
        const logs = [outreach, other?.outreach ?? outreach];
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            logs[i % 2]!.recordContactUnless(
              {
                id: `offer:race:${i}`,
                persons: [`slack:T1:RACE${i}`],
                kind: 'offer',
                platform: 'slack',
                channelId: 'CRACE',
                at: at(0),
              },
              // Slow on purpose: without turns every decider would read an empty channel.
              async (log) => {
                const last = await log.lastContactInChannel('CRACE', 'offer');
                await new Promise((r) => setTimeout(r, 20));
                return last ? 'cooldown' : null;
              },
            ),
          ),
        );
        expect(results.filter((r) => r === null)).toHaveLength(1);
        expect(results.filter((r) => r === 'cooldown')).toHaveLength(7);
      } finally {
        await other?.close();
      }
    });

    it('limits survive a restart: a second store on the same database sees them (Prisma only)', async () => {
      if (skip() || !opened?.url) return;
      await outreach.recordContact({
        persons: ['slack:T1:RST'],
        kind: 'offer',
        platform: 'slack',
        channelId: 'C1',
        at: at(0),
      });
      await outreach.setOptOut('slack:T1:RST', at(0));
      const again = await openStore(opened.url, { logger });
      try {
        expect(await again.outreach?.countContacts(['slack:T1:RST'], at(-1))).toBe(1);
        expect(await again.outreach?.isOptedOut(['slack:T1:RST'])).toBe(true);
      } finally {
        await again.close();
      }
    });

    it('deleting a lead erases its outreach rows in the same transaction (Prisma only)', async () => {
      if (skip() || !opened?.url) return;
      const lead = await store.createLead({}, { platform: 'slack', workspaceId: 'T1', userId: 'UDEL' });
      await outreach.recordContact({
        persons: ['slack:T1:UDEL'],
        kind: 'offer',
        platform: 'slack',
        channelId: 'C1',
        at: at(0),
      });
      await outreach.setOptOut(`lead:${lead.id}`, at(0));
      await store.deleteLead(lead.id);
      expect(await outreach.countContacts(['slack:T1:UDEL'], at(-1))).toBe(0);
      expect(await outreach.isOptedOut([`lead:${lead.id}`])).toBe(false);
    });
  });
}
