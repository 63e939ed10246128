/**
 * The Slack handoff listener through bolt (signed Events API requests against the real adapter):
 * what in the sales channel is a rep's reply to an alert and what is not, the `close` word, and
 * a rep's Slack markup turned into plain words for the lead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { slackToPlain } from '../../../adapters/slack/handoff.ts';
import { SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import { HANDOFF_TO_PROSPECT } from '../../../src/core/ports/handoff.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { clickPayload, dmEvent, type Harness, SALES_CHANNEL, startHarness, TEAM } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

let seq = 0;
const nextTs = () => `1700007000.${String(++seq).padStart(6, '0')}`;

describe('slackToPlain', () => {
  it('turns links, mentions and entities into the words a person on any platform reads', () => {
    expect(
      slackToPlain(
        'See <https://a.example/x?a=1&amp;b=2|the page>, <mailto:r@acme.example|mail> <@U0X> <@U0Y|yann> <!here> <#C1|sales> &lt;b&gt;',
      ),
    ).toBe('See https://a.example/x?a=1&b=2, r@acme.example @someone @yann @here #sales <b>');
  });
});

describe('Slack thread replies in the sales channel', () => {
  it('relays only a person\'s reply in an alert thread; "close" alone ends the conversation', async () => {
    h = await startHarness();
    const { fake, store } = h;
    // A Slack prospect reaches SQL over DMs (shortcut: the alert row delivered through the sink).
    const say = (text: string) => h!.event(dmEvent('U0ANA', text, nextTs()), `Ev${nextTs()}`);
    for (const t of [
      'start',
      'evaluating',
      'Acme',
      'exec',
      '80',
      'approved',
      'month',
      'ana@acme.example',
      'yes',
      'no',
    ])
      await say(t);
    await h.adapter.idle();
    const dispatcher = createOutboxDispatcher({
      store,
      sinks: { [SALES_ALERT]: h.adapter.alertSink! },
      clock: h.clock,
      logger: silentLogger,
      workerId: 'w',
    });
    await dispatcher.runOnce();
    const alert = fake.channels.get(SALES_CHANNEL)?.[0];
    if (!alert) return expect.fail('the flow did not reach SQL: no alert');
    const claim = alert.blocks.find((b) => b.type === 'actions').elements[0];
    await h.interaction(clickPayload('U0REP', SALES_CHANNEL, alert, claim, nextTs()));
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));

    const message = (extra: Record<string, unknown>) =>
      h!.event(
        {
          type: 'message',
          channel: SALES_CHANNEL,
          channel_type: 'channel',
          ts: nextTs(),
          team: TEAM,
          ...extra,
        },
        `Ev${nextTs()}`,
      );
    const rows = async () => (await store.outbox.list({ kind: HANDOFF_TO_PROSPECT })).length;
    // Not relayed: a plain channel message, a reply in another message's thread, the bot, an edit.
    const other = nextTs();
    await message({ user: 'U0REP', text: 'lunch?', ts: other });
    await message({ user: 'U0REP', text: 'in another thread', thread_ts: other });
    await message({ user: 'UBOT', text: 'me', thread_ts: alert.ts });
    await message({ subtype: 'message_changed', user: 'U0REP', text: 'edit', thread_ts: alert.ts });
    await h.adapter.idle();
    expect(await rows()).toBe(0);
    expect(fake.ephemerals).toHaveLength(0);

    // A reply also sent to the channel is a reply.
    await message({ subtype: 'thread_broadcast', user: 'U0REP', text: 'Hello Ana', thread_ts: alert.ts });
    await h.adapter.idle();
    expect(await rows()).toBe(2); // joined + the message

    await message({ user: 'U0REP', text: ' Close ', thread_ts: alert.ts });
    await h.adapter.idle();
    expect(await rows()).toBe(3); // the closed notice
    await message({ user: 'U0REP', text: 'close', thread_ts: alert.ts });
    await h.adapter.idle();
    expect(fake.ephemerals.at(-1)?.text).toBe('No conversation with this lead is open.');
  });
});
