/**
 * Manager commands and outreach on Slack, end to end: signed slash commands and clicks
 * through the real bolt App, the real engine and memory store, asserted on what the fake
 * Slack received and on the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import { defaultOutreachSettings } from '../../../src/core/outreach/settings.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { clickPayload, dmEvent, type Harness, SALES_CHANNEL, startHarness, TEAM } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CHANNEL = 'C0COMMUNITY';
let seq = 0;
const nextTs = () => `1700002000.${String(++seq).padStart(6, '0')}`;

async function start(config: Parameters<typeof startHarness>[0] = {}) {
  h = await startHarness({
    config: { managers: ['U0MGR'], ...config.config },
    ...(config.store ? { store: config.store } : {}),
  });
  return h;
}

/** `/leadbot <text>` from `user` in `channel`; resolves once handled. */
async function slash(hh: Harness, user: string, text: string, channel = CHANNEL): Promise<void> {
  const form = new URLSearchParams({
    command: '/leadbot',
    text,
    user_id: user,
    user_name: user.toLowerCase(),
    team_id: TEAM,
    channel_id: channel,
    channel_name: channel.startsWith('D') ? 'directmessage' : 'community',
    trigger_id: `trig-${nextTs()}`,
    response_url: hh.fake.responseUrl({ channel, user }),
  }).toString();
  expect(await hh.post(form, 'application/x-www-form-urlencoded')).toBe(200);
  await hh.adapter.idle();
}

/** What `user` was shown privately (ephemeral responses and chat.postEphemeral), each message's sections joined. */
const ephemerals = (hh: Harness, user: string) =>
  hh.fake.ephemerals
    .filter((m) => m.ephemeralTo === user)
    .map((m) => m.blocks.map((b: { text?: { text: string } }) => b.text?.text ?? '').join('\n') || m.text);
const lastEphemeral = (hh: Harness, user: string) => ephemerals(hh, user).at(-1) ?? '';

async function clickConsent(hh: Harness, user: string, which: 'accept' | 'decline' = 'accept') {
  const prompt = [...(hh.fake.channels.get(CHANNEL) ?? [])]
    .reverse()
    .find((m) => m.blocks.some((b) => b.block_id === 'lb_consent'))!;
  const actions = prompt.blocks.find((b) => b.type === 'actions');
  const button = actions.elements.find((e: { action_id: string }) => e.action_id === `lb_consent_${which}`);
  expect(
    await hh.interaction(
      clickPayload(user, CHANNEL, prompt, { ...button, block_id: 'lb_consent' }, nextTs()),
    ),
  ).toBe(200);
  await hh.adapter.idle();
}

const dmsTo = (hh: Harness, user: string) => hh.fake.channels.get(`D${user}`) ?? [];
const jane = { platform: 'slack' as const, workspaceId: TEAM, userId: 'U0JANE' };

describe('Slack manager commands', () => {
  it('refuses non-managers politely, privately, and changes nothing; prospects keep /leadbot start', async () => {
    const hh = await start();
    await slash(hh, 'U0NOBODY', 'stats');
    expect(lastEphemeral(hh, 'U0NOBODY')).toContain('for the community managers');
    await slash(hh, 'U0NOBODY', 'qualify <@U0JANE|jane>');
    expect(hh.fake.channels.get(CHANNEL) ?? []).toEqual([]);
    await slash(hh, 'U0PROS', 'start', 'DU0PROS');
    expect(dmsTo(hh, 'U0PROS').some((m) => m.text.includes('brings you here'))).toBe(true);
    await slash(hh, 'U0MGR', 'stage <@U0X> GOLD now');
    expect(lastEphemeral(hh, 'U0MGR')).toContain('&quot;GOLD&quot; is not a stage'.replace(/&quot;/g, '"'));
    expect(lastEphemeral(hh, 'U0MGR')).toContain('Usage: /leadbot stage');
  });

  it('qualify posts a consent prompt; no DM until the member accepts; only they can accept', async () => {
    const hh = await start();
    await slash(hh, 'U0MGR', 'qualify <@U0JANE|jane>');
    expect(lastEphemeral(hh, 'U0MGR')).toContain('Invitation posted');
    const [prompt] = hh.fake.channels.get(CHANNEL) ?? [];
    expect(prompt?.blocks[0].text.text).toMatch(/^<@U0JANE> Hi!/);
    expect(hh.fake.callsTo('conversations.open')).toHaveLength(0);
    expect(dmsTo(hh, 'U0JANE')).toHaveLength(0);

    await clickConsent(hh, 'U0SNEAKY');
    expect(lastEphemeral(hh, 'U0SNEAKY')).toBe('This invitation is for someone else.');
    expect(hh.fake.callsTo('conversations.open')).toHaveLength(0);

    await clickConsent(hh, 'U0JANE');
    expect(dmsTo(hh, 'U0JANE').some((m) => m.text.includes('brings you here'))).toBe(true);
    const identity = await hh.store.findIdentity(jane);
    expect((await hh.store.getLead(identity!.leadId))?.consent).toBe(true);
    const updated = hh.fake.channels.get(CHANNEL)![0]!;
    expect(updated.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(updated.blocks)).toContain('Accepted');
  });

  it('runs every subcommand on a lead: stage (alerts sales), assign, note, lead, leads, stats, export, forget', async () => {
    const hh = await start();
    await hh.event(dmEvent('U0JANE', 'start', nextTs()), 'EvJ1');
    await hh.adapter.idle();
    const leadId = (await hh.store.findIdentity(jane))!.leadId;

    await slash(hh, 'U0MGR', 'stage <@U0JANE> SQL met at the fair <!channel>');
    expect(lastEphemeral(hh, 'U0MGR')).toContain('cold → SQL. Sales will be alerted.');
    const dispatcher = createOutboxDispatcher({
      store: hh.store,
      sinks: { sales_alert: hh.adapter.alertSink! },
      clock: hh.clock,
      logger: silentLogger,
      workerId: 'w1',
    });
    expect(await dispatcher.runOnce()).toMatchObject({ delivered: 1 });
    expect(hh.fake.channels.get(SALES_CHANNEL)).toHaveLength(1);

    await slash(hh, 'U0MGR', 'assign <@U0JANE> <@U0REP>');
    await slash(hh, 'U0MGR', 'note <@U0JANE> wants *SSO* <@U0BOSS>');
    await slash(hh, 'U0MGR', `lead ${leadId}`);
    const card = lastEphemeral(hh, 'U0MGR');
    expect(card).toContain('Stage: SQL');
    expect(card).toContain('Owner: slack:U0REP');
    expect(card).toContain('Accounts: slack:U0JANE');
    expect(card).toContain('&lt;@U0BOSS&gt;'); // escaped: the note cannot ping anyone
    const everything = JSON.stringify(hh.fake.calls.map((c) => [c.args.text, c.args.blocks]));
    expect(everything).not.toMatch(/<!channel>|<@U0BOSS>|\*SSO\*/);

    await slash(hh, 'U0MGR', 'leads SQL @nobody'.replace('@nobody', '<@U0REP>'));
    expect(lastEphemeral(hh, 'U0MGR')).toContain(leadId);
    await slash(hh, 'U0MGR', 'stats public');
    const stats = hh.fake.channels.get(CHANNEL)!.at(-1)!;
    expect(stats.text).toContain('SQL 1');

    await slash(hh, 'U0MGR', 'export SQL');
    const file = [...hh.fake.files.values()].at(-1)!;
    expect(file.channel).toBe('DU0MGR'); // private: uploaded to the manager's DM
    // The upload is multipart: the CSV sits inside it.
    expect(file.content).toContain('id,stage,score,name,email');
    expect(file.content).toContain(`${leadId},SQL,`);

    await slash(hh, 'U0MGR', 'forget <@U0JANE>');
    expect(lastEphemeral(hh, 'U0MGR')).toBe('The member was erased.');
    expect(await hh.store.getLead(leadId)).toBeNull();
    expect(await hh.store.findIdentity(jane)).toBeNull();
    expect((await hh.store.outbox.list()).filter((o) => o.leadId === leadId)).toEqual([]);
  });

  it('offers qualification on an intent signal in public, once per channel cooldown, never by DM', async () => {
    const hh = await start();
    const say = (user: string, text: string, id: string) =>
      hh.event(
        { type: 'message', channel: CHANNEL, channel_type: 'channel', user, text, ts: nextTs(), team: TEAM },
        id,
      );
    expect(await say('U0ANN', 'nice weather', 'EvI1')).toBe(200);
    await hh.adapter.idle();
    expect(hh.fake.callsTo('chat.postMessage')).toHaveLength(0);
    await say('U0ANN', 'What is your pricing for 50 seats?', 'EvI2');
    await hh.adapter.idle();
    const offers = hh.fake.callsTo('chat.postMessage');
    expect(offers).toHaveLength(1);
    expect(offers[0]?.args.channel).toBe(CHANNEL);
    expect(offers[0]?.args.thread_ts).toBeDefined();
    expect(offers[0]?.args.blocks[0].text.text).toMatch(/^<@U0ANN> /);
    await say('U0BOB', 'can I get a demo?', 'EvI3'); // same channel, within the cooldown
    await hh.adapter.idle();
    expect(hh.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(hh.fake.callsTo('conversations.open')).toHaveLength(0);
  });

  it('enforces the contact limit; stop opts out; forget me erases the person', async () => {
    const settings = { ...defaultOutreachSettings(), contactLimit: { max: 1, periodMs: 7 * 86_400_000 } };
    const hh = await start({ config: { outreach: settings } });
    await slash(hh, 'U0MGR', 'qualify <@U0JANE>');
    await slash(hh, 'U0MGR', 'qualify <@U0JANE>');
    expect(lastEphemeral(hh, 'U0MGR')).toContain('contact limit');
    expect(hh.fake.channels.get(CHANNEL)).toHaveLength(1);

    await hh.event(dmEvent('U0TOM', 'start', nextTs()), 'EvT1');
    await hh.event(dmEvent('U0TOM', 'stop', nextTs()), 'EvT2');
    await hh.adapter.idle();
    await slash(hh, 'U0MGR', 'qualify <@U0TOM>');
    expect(lastEphemeral(hh, 'U0MGR')).toContain('asked not to be contacted');

    await hh.event(dmEvent('U0TOM', 'forget me', nextTs()), 'EvT3');
    await hh.adapter.idle();
    expect(dmsTo(hh, 'U0TOM').at(-1)?.text).toContain('erased');
    expect(await hh.store.findIdentity({ ...jane, userId: 'U0TOM' })).toBeNull();
  });
});
