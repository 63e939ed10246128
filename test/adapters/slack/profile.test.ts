/**
 * Who a Slack prospect is: the real bolt App asks the fake Slack's users.info and team.info
 * once per person per day, and the lead the engine creates carries the names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PROFILE_TTL_MS } from '../../../adapters/slack/profile.ts';
import { dmEvent, type Harness, startHarness, TEAM } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let seq = 0;
const nextTs = () => `1700002000.${String(++seq).padStart(6, '0')}`;

async function dm(hh: Harness, user: string, text: string): Promise<void> {
  expect(await hh.event(dmEvent(user, text, nextTs()), `EvProfile${seq}`)).toBe(200);
  await hh.adapter.idle();
}

describe('slack: who the lead is', () => {
  it('names the lead and its account from users.info, and the source from team.info', async () => {
    h = await startHarness();
    h.fake.users.set('U0ANA', { name: 'ana', realName: 'Ana Souza', displayName: 'ana.s' });
    await dm(h, 'U0ANA', 'start');
    const account = await h.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0ANA' });
    expect(account).toMatchObject({ displayName: 'Ana Souza', username: 'ana.s' });
    const lead = await h.store.getLead(account!.leadId);
    expect(lead?.name).toBe('Ana Souza');
    expect(lead?.source).toMatchObject({ platform: 'slack', workspaceId: TEAM, workspaceName: 'Acme Slack' });
  });

  it('asks Slack at most once a day per person', async () => {
    h = await startHarness();
    h.fake.users.set('U0BEN', { name: 'ben', realName: 'Ben Ito' });
    await dm(h, 'U0BEN', 'start');
    await dm(h, 'U0BEN', 'hello');
    expect(h.fake.callsTo('users.info')).toHaveLength(1);
    expect(h.fake.callsTo('team.info')).toHaveLength(1);
    h.clock.advance(PROFILE_TTL_MS + 1);
    await dm(h, 'U0BEN', 'again');
    expect(h.fake.callsTo('users.info')).toHaveLength(2);
  });

  it('a rate-limited users.info does not hold up the answer; the lookup finishes in the background, once', async () => {
    h = await startHarness();
    h.fake.users.set('U0SLOW', { name: 'slow', realName: 'Sam Low' });
    // Slack answers 429 with Retry-After 3 s; the client waits it out, the prospect does not.
    h.fake.failNext('users.info', { status: 429, retryAfter: 3 });
    const before = h.fake.callsTo('chat.postMessage').length;
    await dm(h, 'U0SLOW', 'start');
    expect(h.fake.callsTo('chat.postMessage').length).toBeGreaterThan(before);
    const key = { platform: 'slack', workspaceId: TEAM, userId: 'U0SLOW' };
    expect(await h.store.findIdentity(key)).toMatchObject({ displayName: null });
    // The client's retry lands in the cache (one lookup in flight, never two at once).
    await h.fake.waitFor((calls) => calls.filter((c) => c.method === 'users.info').length === 2, 10_000);
    expect(h.fake.callsTo('users.info')).toHaveLength(2);
  }, 15_000);

  it('an unknown person (user_not_found) still gets their answer, without a name', async () => {
    h = await startHarness();
    const before = h.fake.callsTo('chat.postMessage').length;
    await dm(h, 'U0GHOST', 'start');
    expect(h.fake.callsTo('chat.postMessage').length).toBeGreaterThan(before);
    const account = await h.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0GHOST' });
    expect(account).toMatchObject({ displayName: null });
  });
});
