/**
 * Attribution of the inviting manager on Slack, end to end: a manager's `qualify` posts a
 * prompt whose buttons carry the manager; the member's Accept records `invitedBy` on the lead
 * (real bolt App, real engine, memory and SQLite stores), and the lead card and `stats` show it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConsentValue } from '../../../adapters/slack/inbound.ts';
import { consentValue } from '../../../adapters/slack/outbound.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { storeBackends } from '../../helpers/stores.ts';
import { clickPayload, type Harness, startHarness, TEAM } from './harness.ts';

const CHANNEL = 'C0COMMUNITY';
let seq = 0;
const nextTs = () => `1700003000.${String(++seq).padStart(6, '0')}`;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function slash(hh: Harness, user: string, text: string): Promise<void> {
  const form = new URLSearchParams({
    command: '/leadbot',
    text,
    user_id: user,
    user_name: user.toLowerCase(),
    team_id: TEAM,
    channel_id: CHANNEL,
    channel_name: 'community',
    trigger_id: `trig-${nextTs()}`,
    response_url: hh.fake.responseUrl({ channel: CHANNEL, user }),
  }).toString();
  expect(await hh.post(form, 'application/x-www-form-urlencoded')).toBe(200);
  await hh.adapter.idle();
}

/** Clicks Accept on the newest consent prompt addressed to `user` (by the button value). */
async function accept(hh: Harness, user: string): Promise<void> {
  const prompt = [...(hh.fake.channels.get(CHANNEL) ?? [])]
    .reverse()
    .find(
      (m) => JSON.stringify(m.blocks).includes(`<@${user}>`) && m.blocks.some((b) => b.type === 'actions'),
    )!;
  const button = prompt.blocks
    .find((b) => b.type === 'actions')
    .elements.find((e: { action_id: string }) => e.action_id === 'lb_consent_accept');
  expect(
    await hh.interaction(
      clickPayload(user, CHANNEL, prompt, { ...button, block_id: 'lb_consent' }, nextTs()),
    ),
  ).toBe(200);
  await hh.adapter.idle();
}

/** The last private message `user` was shown, its sections joined. */
const lastEphemeral = (hh: Harness, user: string) => {
  const m = hh.fake.ephemerals.filter((e) => e.ephemeralTo === user).at(-1);
  return m ? m.blocks.map((b: { text?: { text: string } }) => b.text?.text ?? '').join('\n') || m.text : '';
};

async function leadOf(store: LeadStore, userId: string) {
  const identity = await store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId });
  return identity ? store.getLead(identity.leadId) : null;
}

describe('Slack consent button value', () => {
  it('carries the inviting manager after the member, and reads back', () => {
    expect(consentValue('U0JANE')).toBe('U0JANE');
    expect(consentValue('U0JANE', 'slack:U0MGR')).toBe('U0JANE|slack:U0MGR');
    expect(parseConsentValue('U0JANE|slack:U0MGR')).toEqual({ userId: 'U0JANE', invitedBy: 'slack:U0MGR' });
    expect(parseConsentValue('U0JANE')).toEqual({ userId: 'U0JANE' });
    expect(parseConsentValue('U0JANE|')).toEqual({ userId: 'U0JANE' });
    expect(parseConsentValue('|slack:U0MGR')).toBeNull();
    expect(parseConsentValue('')).toBeNull();
    expect(parseConsentValue(undefined)).toBeNull();
  });
});

const backends = storeBackends().filter((b) => b.name !== 'postgres');

describe.each(backends)('Slack qualify → accept records the inviting manager ($name)', (backend) => {
  it('credits the first inviter; the card and stats show it; an offer credits nobody', async () => {
    const opened = await backend.open();
    if (!opened) throw new Error(`${backend.name} store unavailable`);
    cleanups.push(opened.cleanup);
    const hh = await startHarness({ store: opened.store, config: { managers: ['U0MGR', 'U0MGR2'] } });
    cleanups.push(() => hh.close());

    await slash(hh, 'U0MGR', 'qualify <@U0JANE|jane>');
    const prompt = hh.fake.channels.get(CHANNEL)!.at(-1)!;
    const values = prompt.blocks
      .find((b) => b.type === 'actions')
      .elements.map((e: { value: string }) => e.value);
    expect(values).toEqual(['U0JANE|slack:U0MGR', 'U0JANE|slack:U0MGR']);
    await accept(hh, 'U0JANE');
    const jane = await leadOf(hh.store, 'U0JANE');
    expect(jane).toMatchObject({ consent: true, invitedBy: 'slack:U0MGR' });
    // The campaign is untouched by the attribution.
    expect(jane?.source.campaign ?? null).toBeNull();

    // A second manager inviting later does not take the credit (first touch wins).
    await slash(hh, 'U0MGR2', 'qualify <@U0JANE|jane>');
    await accept(hh, 'U0JANE');
    expect((await leadOf(hh.store, 'U0JANE'))?.invitedBy).toBe('slack:U0MGR');

    // A member who came in through an intent offer has no inviter.
    expect(
      await hh.event(
        {
          type: 'message',
          channel: CHANNEL,
          channel_type: 'channel',
          user: 'U0ANN',
          text: 'What is your pricing?',
          ts: nextTs(),
          team: TEAM,
        },
        'EvInv1',
      ),
    ).toBe(200);
    await hh.adapter.idle();
    await accept(hh, 'U0ANN');
    expect(await leadOf(hh.store, 'U0ANN')).toMatchObject({ consent: true, invitedBy: null });

    await slash(hh, 'U0MGR', 'lead <@U0JANE>');
    expect(lastEphemeral(hh, 'U0MGR')).toContain('Invited by: slack:U0MGR');
    await slash(hh, 'U0MGR', 'stats');
    expect(lastEphemeral(hh, 'U0MGR')).toMatch(/invited by slack:U0MGR: 1 leads/);
  });
});
