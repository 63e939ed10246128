/**
 * Issue 18's handoff end to end, with the real SDKs against the strict fakes: a Telegram
 * prospect (grammY) who came from a group's intent offer reaches SQL through the real engine and
 * the default flow; the alert in the fake Slack sales channel (bolt) names them and the group; a rep claims it and replies in its thread; the
 * prospect receives the reply in their Telegram private chat; their answer appears in the
 * thread; Close on the alert ends it and the prospect is told. The outbox dispatcher delivers
 * every row through the app's handoff sinks over the registry the adapters registered their
 * SalesThread and ProspectMessenger in (src/app/handoff-wiring.ts), and a
 * crash between posting in the thread and marking the row delivered still posts once.
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createHandoffChannels, handoffSinks } from '../../src/app/handoff-wiring.ts';
import { SALES_ALERT } from '../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher } from '../../src/core/outbox/dispatcher.ts';
import type { OutboxQueue } from '../../src/core/ports/index.ts';
import { createTestEngine, silentLogger } from '../helpers/engine.ts';
import {
  clickPayload,
  SALES_CHANNEL,
  type Harness as SlackHarness,
  startHarness as startSlack,
  TEAM,
} from './slack/harness.ts';
import {
  person,
  startHarness as startTelegram,
  type Harness as TelegramHarness,
} from './telegram/harness.ts';

const GROUP = -1001234567890;

/** The default flow's answers of a strong prospect, after its first message. */
async function answerFlow(p: ReturnType<typeof person>) {
  await p.press('evaluating');
  await p.say('Acme Corp');
  await p.press('exec');
  await p.say('80');
  await p.press('approved');
  await p.press('month');
  await p.say('ana@acme.example');
  await p.press('yes');
  await p.press('no');
}

let slack: SlackHarness | undefined;
let telegram: TelegramHarness | undefined;
afterEach(async () => {
  await telegram?.close();
  await slack?.close();
  slack = telegram = undefined;
});

let seq = 0;
const nextTs = () => `1700009000.${String(++seq).padStart(6, '0')}`;

describe('handoff from the Slack alert thread to a Telegram prospect', () => {
  it('claim, reply, answer, close — each side sees the other, once', async () => {
    // The app's registry: each adapter registers its thread and messenger as it starts.
    const channels = createHandoffChannels();
    slack = await startSlack({ handoff: channels });
    const { store, clock, fake } = slack;
    const { engine } = await createTestEngine({ store, clock });
    telegram = await startTelegram('polling', engine.handle, silentLogger, {
      deps: { handoff: channels, store, outreach: store.outreach },
    });
    fake.users.set('U0REP', { name: 'rita', realName: 'Rita Reyes' });
    const outbox = (queue: OutboxQueue = store.outbox) =>
      createOutboxDispatcher({
        store: { outbox: queue },
        sinks: {
          [SALES_ALERT]: slack!.adapter.alertSink!,
          ...handoffSinks(channels),
        },
        clock,
        logger: silentLogger,
        workerId: 'w1',
      });

    // Ana asks about pricing in a Telegram group; the offer's deep link names the group; she
    // starts the bot from it and reaches SQL. The alert names her and the group, by name.
    const ana = person(telegram, { id: 7042, first_name: 'Ana', last_name: 'Souza', username: 'anasouza' });
    await telegram.deliver({
      update_id: telegram.nextUpdateId(),
      message: {
        message_id: 900,
        from: ana.from,
        chat: { id: GROUP, type: 'supergroup', title: 'Acme Builders' },
        date: 1764300000,
        text: 'what is your pricing for teams?',
      },
    } as Update);
    const offer = telegram.api.sent(GROUP).at(-1)!;
    const link = (offer.reply_markup!.inline_keyboard[0]![0] as { url: string }).url;
    await ana.command(`/start ${new URL(link).searchParams.get('start')}`);
    await answerFlow(ana);
    expect(await outbox().runOnce()).toMatchObject({ delivered: 1 });
    const alert = fake.channels.get(SALES_CHANNEL)![0]!;
    expect(alert.text).toContain('Ana Souza');
    expect(JSON.stringify(alert.blocks)).toContain(
      '<https://t.me/anasouza|Ana Souza (@anasouza)> on telegram',
    );
    expect(JSON.stringify(alert.blocks)).toContain('telegram · Acme Builders');

    // A rep writing before the claim is told, alone, to claim first; nothing reaches Ana.
    const sentToAna = () => telegram!.api.sent(7042).map((m) => m.text);
    const before = sentToAna().length;
    const reply = (text: string, user = 'U0REP') =>
      slack!.event(
        {
          type: 'message',
          channel: SALES_CHANNEL,
          channel_type: 'channel',
          user,
          text,
          ts: nextTs(),
          thread_ts: alert.ts,
          team: TEAM,
        },
        `Ev${nextTs()}`,
      );
    expect(await reply('Hi Ana!')).toBe(200);
    await slack.adapter.idle();
    expect(fake.ephemerals.at(-1)).toMatchObject({ ephemeralTo: 'U0REP', thread_ts: alert.ts });
    expect(fake.ephemerals.at(-1)?.text).toContain('Claim the lead first');

    // Claim, then the rep's reply in the thread reaches Ana's private chat, inert.
    const claim = alert.blocks.find((b) => b.type === 'actions').elements[0];
    expect(await slack.interaction(clickPayload('U0REP', SALES_CHANNEL, alert, claim, nextTs()))).toBe(200);
    await fake.waitFor((calls) => calls.some((c) => c.method === 'chat.update'));
    expect(await reply('Hi Ana <!channel>, can we talk Tuesday? <https://cal.example/r|book>')).toBe(200);
    await slack.adapter.idle();
    expect(await outbox().runOnce()).toMatchObject({ delivered: 2 });
    expect(sentToAna().slice(before)).toEqual([
      'Rita Reyes from the sales team has joined the conversation.',
      'Rita Reyes (sales): Hi Ana @\u2060channel, can we talk Tuesday? https://cal.example/r',
    ]);

    // Ana's answer goes to the thread instead of the flow.
    await ana.say('Tuesday works <!here>');
    expect(sentToAna()).toHaveLength(before + 2);
    const thread = () =>
      fake.channels.get(SALES_CHANNEL)!.filter((m) => m.thread_ts === alert.ts && m.user === 'UBOT');
    // The process dies after posting, before marking: the next round finds the post by its key.
    const crashing: OutboxQueue = {
      ...store.outbox,
      claim: (o) => store.outbox.claim(o),
      markDelivered: async () => {
        throw new Error('process died');
      },
    };
    expect(await outbox(crashing).runOnce()).toMatchObject({ delivered: 0 });
    expect(thread()).toHaveLength(1); // posted before the crash
    clock.advance(120_000); // the lease expires
    expect(await outbox().runOnce()).toMatchObject({ delivered: 1 });
    expect(thread().map((m) => m.text)).toEqual(['*Ana Souza*: Tuesday works &lt;!here&gt;']);

    // Close on the alert ends it: Ana is told, the thread says so, her next words go to the flow.
    const closed = fake.channels.get(SALES_CHANNEL)![0]!;
    const close = closed.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements)[0];
    expect(close.action_id).toBe('lb_alert_close');
    expect(await slack.interaction(clickPayload('U0REP', SALES_CHANNEL, closed, close, nextTs()))).toBe(200);
    await slack.adapter.idle();
    expect(await outbox().runOnce()).toMatchObject({ delivered: 2 });
    expect(sentToAna().at(-1)).toBe(
      'Rita Reyes from the sales team has closed the conversation. Thanks for your time!',
    );
    expect(thread().at(-1)?.text).toContain('Conversation closed by Rita Reyes');
    await ana.say('one more thing');
    await outbox().runOnce();
    expect(thread()).toHaveLength(2);
  });
});
