/**
 * A prospect qualifies through the real bolt App (signed HTTP requests) and the real engine;
 * the dispatcher posts the alert; sales click Claim / Not a fit. Everything is asserted on
 * what the fake Slack received and on the store.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import type { FakeMessage } from '../../fakes/slack-api.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { clickPayload, dmEvent, type Harness, SALES_CHANNEL, startHarness, TEAM } from './harness.ts';

type Step = { command?: string; args?: string[]; choose?: string[]; say?: string };
const transcript = parse(
  readFileSync(new URL('../../../flows/transcripts/strong-prospect.yaml', import.meta.url), 'utf8'),
) as { steps: Step[]; expect: { stage: string; score: number } };

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let seq = 0;
const nextTs = () => `1700001000.${String(++seq).padStart(6, '0')}`;
/** Everything the bot said: posts, ephemeral posts and response-URL replies. */
const posts = (hh: Harness) =>
  hh.fake.callsTo('chat.postMessage').length +
  hh.fake.callsTo('chat.postEphemeral').length +
  hh.fake.responses.length;

/** Sends one DM or click, waits until the adapter handled it, and checks the bot answered. */
async function act(hh: Harness, send: () => Promise<number>): Promise<void> {
  const before = posts(hh);
  expect(await send()).toBe(200);
  await hh.adapter.idle();
  expect(posts(hh)).toBeGreaterThan(before);
}

function lastQuestion(hh: Harness, channel: string): FakeMessage {
  const msgs = hh.fake.channels.get(channel) ?? [];
  const withButtons = [...msgs].reverse().find((m) => m.blocks.some((b) => b.type === 'actions'));
  if (!withButtons) throw new Error(`no question with buttons in ${channel}`);
  return withButtons;
}

async function click(hh: Harness, user: string, channel: string, value: string): Promise<void> {
  const msg = lastQuestion(hh, channel);
  const actions = msg.blocks.find((b) => b.type === 'actions');
  const button = actions.elements.find((e: { value?: string }) => e.value === value);
  if (!button) throw new Error(`no button ${value}`);
  const payload = clickPayload(user, channel, msg, { ...button, block_id: actions.block_id }, nextTs());
  await act(hh, () => hh.interaction(payload));
}

async function qualify(hh: Harness, user: string, override: Record<number, string> = {}): Promise<string> {
  const channel = `D${user}`;
  for (const [i, step] of transcript.steps.entries()) {
    if (step.command) {
      const text = [step.command, ...(step.args ?? [])].join(' ');
      await act(hh, () => hh.event(dmEvent(user, text, nextTs()), `Ev${user}${i}`));
    } else if (step.choose) {
      await click(hh, user, channel, step.choose[0]!);
    } else if (step.say !== undefined) {
      const text = override[i] ?? step.say;
      await act(hh, () => hh.event(dmEvent(user, text, nextTs()), `Ev${user}${i}`));
    }
  }
  const identity = await hh.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: user });
  if (!identity) throw new Error('no lead');
  return identity.leadId;
}

function dispatcher(hh: Harness) {
  return createOutboxDispatcher({
    store: hh.store,
    sinks: { sales_alert: hh.adapter.alertSink! },
    clock: hh.clock,
    logger: silentLogger,
    workerId: 'w1',
  });
}

describe('Slack end to end', () => {
  it('qualifies a prospect to SQL over DMs and buttons, then posts one alert that sales can claim', async () => {
    h = await startHarness();
    const leadId = await qualify(h, 'U0JANE');
    const lead = await h.store.getLead(leadId);
    expect(lead).toMatchObject({
      stage: transcript.expect.stage,
      score: transcript.expect.score,
      company: 'Acme Corp',
    });
    // Clicked questions were updated to show the answer instead of buttons.
    const updates = h.fake.callsTo('chat.update');
    expect(updates.length).toBe(transcript.steps.filter((s) => s.choose).length);
    expect(updates[0]?.args.blocks.some((b: { type: string }) => b.type === 'actions')).toBe(false);

    expect(await dispatcher(h).runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    const alerts = h.fake.channels.get(SALES_CHANNEL) ?? [];
    expect(alerts).toHaveLength(1);
    const alert = alerts[0]!;
    expect(alert.metadata.event_type).toBe('leadbot_alert');
    expect(JSON.stringify(alert.blocks)).toContain('Acme Corp');
    expect(JSON.stringify(alert.blocks)).toContain('spring-campaign');
    const [row] = await h.store.outbox.list({ kind: 'sales_alert' });
    expect(row).toMatchObject({ status: 'delivered', externalRef: alert.ts });

    const actions = alert.blocks.find((b) => b.type === 'actions');
    const claim = actions.elements.find((e: { action_id: string }) => e.action_id === 'lb_alert_claim');
    const updatesBefore = h.fake.callsTo('chat.update').length;
    expect(await h.interaction(clickPayload('U0REP', SALES_CHANNEL, alert, claim, nextTs()))).toBe(200);
    await h.fake.waitFor(() => h!.fake.callsTo('chat.update').length > updatesBefore);
    expect((await h.store.getLead(leadId))?.ownerId).toBe('slack:U0REP');
    const claimed = h.fake.channels.get(SALES_CHANNEL)![0]!;
    expect(JSON.stringify(claimed.blocks)).toContain('Claimed by <@U0REP>');
    // Claim and Not a fit are gone; what is left is Close, for the conversation in the thread.
    const left = claimed.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
    expect(left.map((e: { action_id: string }) => e.action_id)).toEqual(['lb_alert_close']);
  });

  it('Not a fit opens a modal; submitting it disqualifies the lead with an audited reason', async () => {
    h = await startHarness();
    const leadId = await qualify(h, 'U0JOE');
    await dispatcher(h).runOnce();
    const alert = h.fake.channels.get(SALES_CHANNEL)![0]!;
    const actions = alert.blocks.find((b) => b.type === 'actions');
    const noFit = actions.elements.find((e: { action_id: string }) => e.action_id === 'lb_alert_nofit');
    expect(await h.interaction(clickPayload('U0REP', SALES_CHANNEL, alert, noFit, nextTs()))).toBe(200);
    await h.fake.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = h.fake.callsTo('views.open')[0]!.args.view;
    expect(view.callback_id).toBe('lb_nofit_modal');

    const updatesBefore = h.fake.callsTo('chat.update').length;
    const submission = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: 'U0REP', team_id: TEAM },
      trigger_id: 'trigger-submit',
      view: {
        ...view,
        id: 'V1',
        team_id: TEAM,
        state: { values: { reason: { reason: { type: 'plain_text_input', value: 'Competitor <!here>' } } } },
      },
    };
    expect(await h.interaction(submission)).toBe(200);
    await h.fake.waitFor(() => h!.fake.callsTo('chat.update').length > updatesBefore);
    expect((await h.store.getLead(leadId))?.stage).toBe('disqualified');
    const changes = await h.store.listStageChanges(leadId);
    expect(changes.at(-1)).toMatchObject({ from: 'SQL', to: 'disqualified', actor: 'slack:U0REP' });
    expect(changes.at(-1)?.reason).toContain('Competitor');
    const updated = JSON.stringify(h.fake.channels.get(SALES_CHANNEL)![0]!.blocks);
    expect(updated).toContain('Not a fit, per <@U0REP>: Competitor &lt;!here&gt;');
    expect(updated).not.toContain('<!here>');
  });

  it('escapes mentions and markup a prospect typed in every message the bot sends', async () => {
    h = await startHarness();
    const hostile = '<!channel> <@U0BOSS> *Acme* <https://evil.example|x>';
    // Step 2 of the transcript is the company answer, echoed by the next question and the alert.
    const companyStep = transcript.steps.findIndex((s) => s.say !== undefined);
    await qualify(h, 'U0EVE', { [companyStep]: hostile });
    await dispatcher(h).runOnce();
    const sent = h.fake.calls
      .filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update')
      .map((c) => JSON.stringify({ text: c.args.text, blocks: c.args.blocks }));
    const all = sent.join('\n');
    expect(all).toContain('&lt;!channel&gt;'); // the text was echoed...
    // ...but never live; the typed URL stays a link to where it goes, never under a disguising label.
    expect(all).not.toMatch(/<!channel>|<@U0BOSS>|<https:\/\/evil[^>]*\|/);
    expect(all).not.toContain('*Acme*');
  });

  it('processes an event redelivered by Slack (X-Slack-Retry-Num) only once', async () => {
    h = await startHarness();
    await act(h, () => h!.event(dmEvent('U0AL', 'start', nextTs()), 'EvRETRY1'));
    expect(await h.event(dmEvent('U0AL', 'start', nextTs()), 'EvRETRY1', { retryNum: 1 })).toBe(200);
    // A later, distinct event proves the retry was fully handled (events are handled in order).
    await act(h, () => h!.event(dmEvent('U0AL', 'stop', nextTs()), 'EvRETRY2'));
    expect(
      h.fake.callsTo('chat.postMessage').filter((c) => c.args.text?.includes('brings you here')),
    ).toHaveLength(1);
  });

  it('answers 401 to a bad signature or a stale timestamp and processes nothing', async () => {
    h = await startHarness();
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: TEAM,
      event_id: 'EvBAD',
      event: dmEvent('U0X', 'start', '1.1'),
    });
    expect(await h.post(body, 'application/json', { secret: 'wrong-secret' })).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect(await h.post(body, 'application/json', { timestamp: stale })).toBe(401);
    expect(h.fake.calls).toHaveLength(0);
    expect(await h.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0X' })).toBeNull();
  });

  it('in a channel, offers a DM button; clicking it opens a DM and starts the flow there', async () => {
    h = await startHarness();
    const mention = {
      type: 'app_mention',
      channel: 'C0COMMUNITY',
      user: 'U0PAM',
      text: '<@UBOT> hello',
      ts: nextTs(),
    };
    await act(h, () => h!.event(mention, 'EvMENTION'));
    // The offer is shown to the person only: nothing about them is posted in the channel.
    expect(h.fake.channels.get('C0COMMUNITY') ?? []).toEqual([]);
    const invite = h.fake.ephemerals.find((m) => m.channel === 'C0COMMUNITY')!;
    expect(invite.ephemeralTo).toBe('U0PAM');
    const actions = invite.blocks.find((b) => b.type === 'actions');
    expect(actions.elements[0].action_id).toBe('lb_open_dm');
    await act(h, () =>
      h!.interaction(clickPayload('U0PAM', 'C0COMMUNITY', invite, actions.elements[0], nextTs())),
    );
    expect(h.fake.callsTo('conversations.open')[0]?.args.users).toBe('U0PAM');
    const dm = h.fake.channels.get('DU0PAM') ?? [];
    expect(dm.some((m) => m.text.includes('brings you here'))).toBe(true);
  });

  it('assigns new SQLs round-robin among SLACK_SALES_REPS and names the owner in the alert', async () => {
    h = await startHarness({ salesReps: ['U0ANN', 'U0BOB'] });
    const first = await qualify(h, 'U0ONE');
    const second = await qualify(h, 'U0TWO');
    expect(await dispatcher(h).runOnce()).toMatchObject({ delivered: 2 });
    expect((await h.store.getLead(first))?.ownerId).toBe('slack:U0ANN');
    expect((await h.store.getLead(second))?.ownerId).toBe('slack:U0BOB');
    const alerts = (h.fake.channels.get(SALES_CHANNEL) ?? []).map((m) => JSON.stringify(m.blocks));
    expect(alerts[0]).toContain('Assigned to <@U0ANN>');
    expect(alerts[1]).toContain('Assigned to <@U0BOB>');
  });

  it('handles the slash command as a command in the DM', async () => {
    h = await startHarness();
    const form = new URLSearchParams({
      command: '/leadbot',
      text: 'start',
      user_id: 'U0CMD',
      user_name: 'cmd',
      team_id: TEAM,
      channel_id: 'DU0CMD',
      channel_name: 'directmessage',
      trigger_id: 'trig-cmd-1',
      response_url: h.fake.responseUrl({ channel: 'DU0CMD', user: 'U0CMD' }),
    }).toString();
    await act(h, () => h!.post(form, 'application/x-www-form-urlencoded'));
    const dm = h.fake.channels.get('DU0CMD') ?? [];
    expect(dm.some((m) => m.text.includes('brings you here'))).toBe(true);
  });

  it.each([
    ['a channel the bot is not in', 'C0ELSEWHERE', 'general'],
    ['a DM between two people', 'D0PEOPLE', 'directmessage'],
  ])(
    'answers /leadbot in %s privately through the response URL; the offer leads to the DM',
    async (_, channel, name) => {
      h = await startHarness();
      const form = new URLSearchParams({
        command: '/leadbot',
        text: '',
        user_id: 'U0SL',
        user_name: 'sl',
        team_id: TEAM,
        channel_id: channel,
        channel_name: name,
        trigger_id: `trig-${channel}`,
        response_url: h.fake.responseUrl({ channel, user: 'U0SL' }),
      }).toString();
      await act(h, () => h!.post(form, 'application/x-www-form-urlencoded'));
      expect(h.fake.channels.get(channel) ?? []).toEqual([]);
      const offer = h.fake.responses.at(-1)!;
      expect(offer).toMatchObject({ channel, user: 'U0SL', responseType: 'ephemeral' });
      const button = offer.blocks.find((b) => b.type === 'actions').elements[0];
      expect(button.action_id).toBe('lb_open_dm');
      const ephemeral = h.fake.ephemerals.at(-1)!;
      await act(h, () => h!.interaction(clickPayload('U0SL', channel, ephemeral, button, nextTs())));
      expect((h.fake.channels.get('DU0SL') ?? []).some((m) => m.text.includes('brings you here'))).toBe(true);
    },
  );
});
