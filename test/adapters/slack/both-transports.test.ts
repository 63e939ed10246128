/**
 * The Slack scenarios every user meets, run over HTTP (signed POSTs to /slack/events) and over
 * Socket Mode (envelopes on the connection the adapter opened to the fake) from one script: a
 * prospect qualifies to SQL over DMs and buttons, sales Claim or mark Not a fit (a modal), a
 * community manager runs `/leadbot` commands and gets their replies, a member accepts the
 * consent prompt. Asserted on what the fake Slack Web API received and on the store.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import type { FakeMessage } from '../../fakes/slack-api.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { clickPayload, dmEvent, SALES_CHANNEL, TEAM } from './harness.ts';
import { type SlackDriver, startDriver, TRANSPORTS } from './transports.ts';

type Step = { command?: string; args?: string[]; choose?: string[]; say?: string };
const transcript = parse(
  readFileSync(new URL('../../../flows/transcripts/strong-prospect.yaml', import.meta.url), 'utf8'),
) as { steps: Step[]; expect: { stage: string; score: number } };

const COMMUNITY = 'C0COMMUNITY';
let d: SlackDriver | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

let seq = 0;
const nextTs = () => `1700003000.${String(++seq).padStart(6, '0')}`;

/** Delivers, waits until handled, and checks the bot said something. */
async function act(dd: SlackDriver, send: () => Promise<unknown>): Promise<void> {
  const before = dd.fake.callsTo('chat.postMessage').length;
  await send();
  await dd.adapter.idle();
  expect(dd.fake.callsTo('chat.postMessage').length).toBeGreaterThan(before);
}

function lastWithButtons(dd: SlackDriver, channel: string): FakeMessage {
  const found = [...(dd.fake.channels.get(channel) ?? [])]
    .reverse()
    .find((m) => m.blocks.some((b) => b.type === 'actions'));
  if (!found) throw new Error(`no message with buttons in ${channel}`);
  return found;
}

function button(msg: FakeMessage, match: (e: { value?: string; action_id: string }) => boolean) {
  const actions = msg.blocks.find((b) => b.type === 'actions');
  const el = actions.elements.find(match);
  if (!el) throw new Error('no such button');
  return { ...el, block_id: actions.block_id };
}

async function qualify(dd: SlackDriver, user: string): Promise<string> {
  for (const [i, step] of transcript.steps.entries()) {
    if (step.choose) {
      const msg = lastWithButtons(dd, `D${user}`);
      const b = button(msg, (e) => e.value === step.choose![0]);
      await act(dd, () => dd.interaction(clickPayload(user, `D${user}`, msg, b, nextTs())));
      continue;
    }
    const text = step.command ? [step.command, ...(step.args ?? [])].join(' ') : step.say!;
    await act(dd, () => dd.event(dmEvent(user, text, nextTs()), `Ev${dd.transport}${user}${i}`));
  }
  const identity = await dd.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: user });
  if (!identity) throw new Error('no lead');
  return identity.leadId;
}

async function alertFor(dd: SlackDriver): Promise<FakeMessage> {
  const dispatcher = createOutboxDispatcher({
    store: dd.store,
    sinks: { sales_alert: dd.adapter.alertSink! },
    clock: dd.clock,
    logger: silentLogger,
    workerId: 'w1',
  });
  expect(await dispatcher.runOnce()).toMatchObject({ delivered: 1 });
  return (dd.fake.channels.get(SALES_CHANNEL) ?? []).at(-1)!;
}

async function slash(dd: SlackDriver, user: string, text: string, channel = COMMUNITY): Promise<void> {
  await dd.slash({
    command: '/leadbot',
    text,
    user_id: user,
    user_name: user.toLowerCase(),
    team_id: TEAM,
    channel_id: channel,
    channel_name: channel.startsWith('D') ? 'directmessage' : 'community',
    trigger_id: `trig-${nextTs()}`,
  });
  await dd.adapter.idle();
}

const lastEphemeral = (dd: SlackDriver, user: string) => dd.privateReplies(user).at(-1) ?? '';

describe.each(TRANSPORTS)('Slack over %s', (transport) => {
  it('qualifies a prospect to SQL over DMs and buttons; sales claim the alert', async () => {
    d = await startDriver(transport);
    const leadId = await qualify(d, 'U0JANE');
    expect(await d.store.getLead(leadId)).toMatchObject({
      stage: transcript.expect.stage,
      score: transcript.expect.score,
      company: 'Acme Corp',
    });
    // Each answered question lost its buttons.
    expect(d.fake.callsTo('chat.update')).toHaveLength(transcript.steps.filter((s) => s.choose).length);

    const alert = await alertFor(d);
    expect(JSON.stringify(alert.blocks)).toContain('Acme Corp');
    const claim = button(alert, (e) => e.action_id === 'lb_alert_claim');
    const before = d.fake.callsTo('chat.update').length;
    await d.interaction(clickPayload('U0REP', SALES_CHANNEL, alert, claim, nextTs()));
    await d.adapter.idle();
    expect(d.fake.callsTo('chat.update').length).toBeGreaterThan(before);
    expect((await d.store.getLead(leadId))?.ownerId).toBe('slack:U0REP');
    const claimed = d.fake.channels.get(SALES_CHANNEL)!.at(-1)!;
    expect(JSON.stringify(claimed.blocks)).toContain('Claimed by <@U0REP>');
  });

  it('Not a fit: the modal refuses an empty reason in its ack, then disqualifies with the reason', async () => {
    d = await startDriver(transport);
    const leadId = await qualify(d, 'U0JOE');
    const alert = await alertFor(d);
    await d.interaction(
      clickPayload(
        'U0REP',
        SALES_CHANNEL,
        alert,
        button(alert, (e) => e.action_id === 'lb_alert_nofit'),
        nextTs(),
      ),
    );
    await d.adapter.idle();
    const view = d.fake.callsTo('views.open')[0]!.args.view;
    expect(view.callback_id).toBe('lb_nofit_modal');
    const submit = (reason: string) => ({
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: 'U0REP', team_id: TEAM },
      trigger_id: `trigger-${nextTs()}`,
      view: {
        ...view,
        id: 'V1',
        team_id: TEAM,
        state: { values: { reason: { reason: { type: 'plain_text_input', value: reason } } } },
      },
    });
    const refused = await d.interaction(submit('   '));
    await d.adapter.idle();
    expect(refused).toMatchObject({ response_action: 'errors' }); // in the HTTP answer / the envelope ack
    expect((await d.store.getLead(leadId))?.stage).toBe('SQL');

    await d.interaction(submit('Competitor <!here>'));
    await d.adapter.idle();
    expect((await d.store.getLead(leadId))?.stage).toBe('disqualified');
    const updated = JSON.stringify(d.fake.channels.get(SALES_CHANNEL)!.at(-1)!.blocks);
    expect(updated).toContain('Not a fit, per <@U0REP>: Competitor &lt;!here&gt;');
  });

  it('/leadbot: refuses non-managers privately; a manager moves a stage and reads the lead card', async () => {
    d = await startDriver(transport, { config: { managers: ['U0MGR'] } });
    await slash(d, 'U0NOBODY', 'stats');
    expect(lastEphemeral(d, 'U0NOBODY')).toContain('for the community managers');
    await d.event(dmEvent('U0ANN', 'start', nextTs()), `Ev${transport}ANN`);
    await d.adapter.idle();
    const leadId = (await d.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0ANN' }))!
      .leadId;
    await slash(d, 'U0MGR', 'stage <@U0ANN> SQL met at the fair');
    expect(lastEphemeral(d, 'U0MGR')).toContain('cold → SQL. Sales will be alerted.');
    await slash(d, 'U0MGR', 'note <@U0ANN> wants *SSO* <@U0BOSS>');
    await slash(d, 'U0MGR', `lead ${leadId}`);
    const card = lastEphemeral(d, 'U0MGR');
    expect(card).toContain('Stage: SQL');
    expect(card).toContain('&lt;@U0BOSS&gt;');
    await slash(d, 'U0MGR', 'stage <@U0X> GOLD');
    expect(lastEphemeral(d, 'U0MGR')).toContain('Usage: /leadbot stage');
  });

  it('consent: only the invited member can accept; accepting opens the DM and starts the flow', async () => {
    d = await startDriver(transport, { config: { managers: ['U0MGR'] } });
    await slash(d, 'U0MGR', 'qualify <@U0KIM|kim>');
    expect(lastEphemeral(d, 'U0MGR')).toContain('Invitation posted');
    const prompt = d.fake.channels.get(COMMUNITY)![0]!;
    const click = async (user: string) => {
      const b = button(prompt, (e) => e.action_id === 'lb_consent_accept');
      await d!.interaction(clickPayload(user, COMMUNITY, prompt, { ...b, block_id: 'lb_consent' }, nextTs()));
      await d!.adapter.idle();
    };
    await click('U0SNEAKY');
    expect(lastEphemeral(d, 'U0SNEAKY')).toBe('This invitation is for someone else.');
    expect(d.fake.callsTo('conversations.open')).toHaveLength(0);
    await click('U0KIM');
    expect((d.fake.channels.get('DU0KIM') ?? []).some((m) => m.text.includes('brings you here'))).toBe(true);
    const identity = await d.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0KIM' });
    expect((await d.store.getLead(identity!.leadId))?.consent).toBe(true);
    expect(JSON.stringify(d.fake.channels.get(COMMUNITY)![0]!.blocks)).toContain('Accepted');
  });
});
