/**
 * Claim / Not a fit clicked on a real Slack alert (bolt against the fake Slack API) are stored
 * as rep verdicts, the input of `leadbot scoring report`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import {
  clickPayload,
  dmEvent,
  type Harness,
  SALES_CHANNEL,
  startHarness,
  TEAM,
} from '../adapters/slack/harness.ts';
import { silentLogger } from '../helpers/engine.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let seq = 0;
const ts = () => `1700002000.${String(++seq).padStart(6, '0')}`;

async function send(hh: Harness, fn: () => Promise<number>) {
  expect(await fn()).toBe(200);
  await hh.adapter.idle();
}

async function click(hh: Harness, user: string, value: string) {
  const msgs = hh.fake.channels.get(`D${user}`) ?? [];
  const msg = [...msgs].reverse().find((m) => m.blocks.some((b) => b.type === 'actions'))!;
  const actions = msg.blocks.find((b) => b.type === 'actions');
  const button = actions.elements.find((e: { value?: string }) => e.value === value);
  await send(hh, () =>
    hh.interaction(clickPayload(user, `D${user}`, msg, { ...button, block_id: actions.block_id }, ts())),
  );
}

/** The default flow's strong prospect, to SQL. */
async function qualify(hh: Harness, user: string): Promise<string> {
  const say = (text: string) => send(hh, () => hh.event(dmEvent(user, text, ts()), `Ev${user}${++seq}`));
  await say('hello');
  await click(hh, user, 'evaluating');
  await say('Acme');
  await click(hh, user, 'exec');
  await say('60');
  await click(hh, user, 'approved');
  await click(hh, user, 'month');
  await say('ann@acme.example');
  await click(hh, user, 'yes');
  await click(hh, user, 'yes');
  return (await hh.store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: user }))!.leadId;
}

async function alertFor(hh: Harness) {
  await createOutboxDispatcher({
    store: hh.store,
    sinks: { sales_alert: hh.adapter.alertSink! },
    clock: hh.clock,
    logger: silentLogger,
    workerId: 'w1',
  }).runOnce();
  const alert = hh.fake.channels.get(SALES_CHANNEL)!.at(-1)!;
  const actions = alert.blocks.find((b) => b.type === 'actions');
  const button = (id: string) => actions.elements.find((e: { action_id: string }) => e.action_id === id);
  return { alert, claim: button('lb_alert_claim'), noFit: button('lb_alert_nofit') };
}

describe('rep verdicts from Slack', () => {
  it('stores Claim and Not a fit with the rep and the reason', async () => {
    const store = createMemoryStore();
    const verdicts = store.verdicts!;
    h = await startHarness({ store });
    const hh = h;
    const first = await qualify(hh, 'U0ANN');
    const a = await alertFor(hh);
    const updates = () => hh.fake.callsTo('chat.update').length;
    let before = updates();
    expect(await hh.interaction(clickPayload('U0REP', SALES_CHANNEL, a.alert, a.claim, ts()))).toBe(200);
    await hh.fake.waitFor(() => updates() > before);

    const second = await qualify(hh, 'U0BOB');
    const b = await alertFor(hh);
    expect(await hh.interaction(clickPayload('U0REP', SALES_CHANNEL, b.alert, b.noFit, ts()))).toBe(200);
    await hh.fake.waitFor((c) => c.some((x) => x.method === 'views.open'));
    const view = hh.fake.callsTo('views.open')[0]!.args.view;
    before = updates();
    const submission = {
      type: 'view_submission',
      team: { id: TEAM },
      user: { id: 'U0REP2', team_id: TEAM },
      trigger_id: 'trigger-submit',
      view: {
        ...view,
        id: 'V1',
        team_id: TEAM,
        state: { values: { reason: { reason: { type: 'plain_text_input', value: 'Too small' } } } },
      },
    };
    expect(await hh.interaction(submission)).toBe(200);
    await hh.fake.waitFor(() => updates() > before);

    expect((await verdicts.list()).map((v) => [v.leadId, v.verdict, v.actor, v.reason])).toEqual([
      [first, 'claimed', 'slack:U0REP', null],
      [second, 'rejected', 'slack:U0REP2', 'Too small'],
    ]);
  });
});
