/**
 * The handoff inside Telegram, through real grammY against the strict fake: the alert is
 * delivered to the sales chat by the outbox; a rep's reply to it is refused until they claim,
 * then reaches the prospect's private chat; the prospect's answer is posted in reply to the
 * alert, and a rep's reply to that answer reaches the prospect too; `/leadbot close` sent as a reply to the alert ends it (and is not taken for a manager
 * command).
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import { createOutboxDispatcher, type OutboxSink } from '../../../src/core/outbox/dispatcher.ts';
import { HANDOFF_TO_PROSPECT, HANDOFF_TO_SALES } from '../../../src/core/ports/handoff.ts';
import type { SentMessage } from '../../fakes/telegram-api.ts';
import { createTestClock, createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { type Harness, person, qualify, startHarness } from './harness.ts';

const SALES = -100777;
const REP = { id: 5005, is_bot: false, first_name: 'Rita', last_name: 'Reyes', username: 'rita_sales' };
const salesChat = { id: SALES, type: 'supergroup' as const, title: 'Sales' };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const generic = (deliver: (p: never, key: string) => Promise<{ externalRef: string }>): OutboxSink => ({
  name: 'test',
  accepts: (p) => typeof p === 'object' && p !== null,
  deliver: (p, key) => deliver(p as never, key),
});

function replyTo(hh: Harness, m: SentMessage, text: string): Update {
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: 9000 + hh.nextUpdateId(),
      date: 1,
      chat: salesChat,
      from: REP,
      text,
      ...(text.startsWith('/')
        ? { entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] }
        : {}),
      reply_to_message: {
        message_id: m.message_id,
        date: 1,
        chat: salesChat,
        from: hh.api.botInfo,
        text: m.text,
      },
    },
  } as unknown as Update;
}

describe('Telegram handoff in the sales chat', () => {
  it('claim first, then reply to the alert, the answer in reply, /leadbot close', async () => {
    const clock = createTestClock(new Date(Date.now() + 60_000));
    const { engine, store } = await createTestEngine({ clock });
    const harness = await startHarness('polling', engine.handle, silentLogger, {
      deps: { store, outreach: createMemoryOutreachStore(), clock },
      config: { salesChatId: String(SALES) },
    });
    h = harness;
    const dispatcher = createOutboxDispatcher({
      store,
      sinks: {
        [SALES_ALERT]: harness.adapter.alertSink!,
        [HANDOFF_TO_PROSPECT]: generic((p, k) => harness.adapter.prospectMessenger.deliver(p, k)),
        [HANDOFF_TO_SALES]: generic((p, k) => harness.adapter.salesThread!.post(p, k)),
      },
      clock,
      logger: silentLogger,
      workerId: 'w1',
    });
    const ada = person(harness);
    await qualify(ada);
    await dispatcher.runOnce();
    const alert = harness.api.sent(SALES).at(-1)!;
    const toAda = () => harness.api.sent(7001).map((m) => m.text);
    const inSales = () => harness.api.sent(SALES).filter((m) => m.message_id !== alert.message_id);

    await harness.deliver(replyTo(harness, alert, 'Hello!'));
    expect(inSales().at(-1)?.text).toBe('Claim the lead first: only its owner can write to them from here.');

    const claim = alert.reply_markup!.inline_keyboard.flat().find((b) => b.text === 'Claim') as {
      callback_data: string;
    };
    await harness.deliver({
      update_id: harness.nextUpdateId(),
      callback_query: {
        id: 'q1',
        from: REP,
        chat_instance: 'sales',
        data: claim.callback_data,
        message: {
          message_id: alert.message_id,
          date: 1,
          chat: salesChat,
          from: harness.api.botInfo,
          text: alert.text,
        },
      },
    } as Update);
    expect(harness.api.sent(SALES).find((m) => m.message_id === alert.message_id)?.text).toContain(
      'Reply to this alert to write to the lead',
    );

    const before = toAda().length;
    await harness.deliver(replyTo(harness, alert, 'Hi @everyone, a call Tuesday?'));
    await dispatcher.runOnce();
    expect(toAda().slice(before)).toEqual([
      'Rita Reyes from the sales team has joined the conversation.',
      'Rita Reyes (sales): Hi @\u2060everyone, a call Tuesday?',
    ]);

    await ada.say('Tuesday is fine');
    await dispatcher.runOnce();
    const answer = inSales().at(-1)!;
    expect(answer.text).toBe('Ada: Tuesday is fine');
    expect(answer.payload.reply_parameters).toMatchObject({ message_id: alert.message_id });
    expect(toAda()).toHaveLength(before + 2); // the flow did not answer her

    // The rep answers Ada's relayed message rather than the alert: it reaches her all the same
    // (Telegram has no threads, and an update carries only the message replied to).
    await harness.deliver(replyTo(harness, answer, 'Great, 10am then.'));
    await dispatcher.runOnce();
    expect(toAda().at(-1)).toBe('Rita Reyes (sales): Great, 10am then.');

    await harness.deliver(replyTo(harness, alert, '/leadbot close'));
    await dispatcher.runOnce();
    expect(toAda().at(-1)).toBe(
      'Rita Reyes from the sales team has closed the conversation. Thanks for your time!',
    );
    expect(inSales().at(-1)?.text).toBe(
      '🔒 Conversation closed by Rita Reyes. New messages of the prospect go back to the flow.',
    );
    // Closing again: said to the rep, nothing else written.
    await harness.deliver(replyTo(harness, alert, '/leadbot close'));
    expect(inSales().at(-1)?.text).toBe('No conversation with this lead is open.');
  });
});
