/**
 * Claim / Not a fit on a Telegram sales alert, through real grammY against the strict fake: the
 * alert carries both buttons, Claim makes the rep the owner (core claimLead) and says so on the
 * alert, Not a fit asks with a ForceReply prompt and the reply to it records the reason (core
 * rejectLead); a redelivered press or reason changes nothing twice.
 */
import type { CallbackQuery, Message, Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAlertPayload } from '../../../src/core/lead-lifecycle.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import type { SentMessage } from '../../fakes/telegram-api.ts';
import { createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { type Harness, person, qualify, startHarness } from './harness.ts';

const SALES = -100777;
const REP = { id: 5005, is_bot: false, first_name: 'Rita', username: 'rita_sales' };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function withAlert(): Promise<{ h: Harness; store: LeadStore; leadId: string; alert: SentMessage }> {
  const { engine, store } = await createTestEngine();
  h = await startHarness('polling', engine.handle, silentLogger, {
    deps: { store, outreach: createMemoryOutreachStore() },
    config: { salesChatId: String(SALES) },
  });
  await qualify(person(h));
  const leadId = (await store.findIdentity({ platform: 'telegram', workspaceId: '', userId: '7001' }))!
    .leadId;
  const payload = await store.transaction(async (tx) =>
    buildAlertPayload(tx, (await tx.getLead(leadId))!, 'Score reached 115', {
      definition: null,
      conversationId: null,
    }),
  );
  await h.adapter.alertSink!.deliver(payload, `alert:${leadId}`);
  return { h, store, leadId, alert: h.api.sent(SALES).at(-1)! };
}

const salesChat = { id: SALES, type: 'supergroup' as const, title: 'Sales' };
function press(hh: Harness, m: SentMessage, label: string): Update {
  const button = m.reply_markup!.inline_keyboard.flat().find((b) => b.text === label) as {
    callback_data: string;
  };
  const q: CallbackQuery = {
    id: `q${hh.nextUpdateId()}`,
    from: REP,
    chat_instance: 'sales',
    data: button.callback_data,
    message: {
      message_id: m.message_id,
      date: 1,
      chat: salesChat,
      from: hh.api.botInfo,
      text: m.text,
      reply_markup: m.reply_markup,
    } as Message,
  };
  return { update_id: hh.nextUpdateId(), callback_query: q };
}
function replyTo(hh: Harness, m: SentMessage, text: string): Update {
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: 9000 + hh.nextUpdateId(),
      date: 1,
      chat: salesChat,
      from: REP,
      text,
      reply_to_message: {
        message_id: m.message_id,
        date: 1,
        chat: salesChat,
        from: hh.api.botInfo,
        text: m.text,
      },
    } as unknown as Message,
  } as Update;
}

describe('Telegram sales alert buttons', () => {
  it('an alert at the 4,096 limit (adversarial fields) is posted and claimed without a 400', async () => {
    const { h, store, leadId } = await withAlert();
    const payload = await store.transaction(async (tx) =>
      buildAlertPayload(tx, (await tx.getLead(leadId))!, 'Score reached 115', {
        definition: null,
        conversationId: null,
      }),
    );
    const huge = {
      ...payload,
      name: '@everyone <b>'.repeat(300),
      company: '@'.repeat(3000),
      answers: Array.from({ length: 40 }, (_, i) => ({
        stepId: `s${i}`,
        question: `Q${i} ${'?'.repeat(100)}`,
        answer: '@here '.repeat(50),
      })),
    };
    await h.adapter.alertSink!.deliver(huge, 'alert:huge');
    const alert = h.api.sent(SALES).at(-1)!;
    expect(alert.text.length).toBeLessThanOrEqual(4096);
    await h.deliver(press(h, alert, 'Claim'));
    const now = h.api.sent(SALES).find((m) => m.message_id === alert.message_id)!;
    expect(now.text.length).toBeLessThanOrEqual(4096);
    expect(
      now.text.endsWith(
        '✅ Claimed by @\u2060rita_sales\nReply to this alert to write to the lead; reply /leadbot close to end the conversation.',
      ),
    ).toBe(true);
  });

  it('Claim makes the rep the owner and says so on the alert, once', async () => {
    const { h, store, leadId, alert } = await withAlert();
    expect(alert.reply_markup?.inline_keyboard.flat().map((b) => b.text)).toEqual(['Claim', 'Not a fit']);
    const click = press(h, alert, 'Claim');
    await h.deliver(click);
    await h.redeliver(click);
    expect(await store.getLead(leadId)).toMatchObject({ ownerId: `telegram:${REP.id}` });
    expect(await store.verdicts.listForLead(leadId)).toEqual([
      expect.objectContaining({ verdict: 'claimed' }),
    ]);
    const now = h.api.sent(SALES).find((m) => m.message_id === alert.message_id)!;
    expect(now.text).toContain('✅ Claimed by @\u2060rita_sales');
    expect(now.reply_markup).toBeUndefined();
  });

  it('Not a fit asks with a ForceReply prompt; the reply records the reason', async () => {
    const { h, store, leadId, alert } = await withAlert();
    await h.deliver(press(h, alert, 'Not a fit'));
    const prompt = h.api.sent(SALES).at(-1)!;
    expect(prompt.payload.reply_markup).toMatchObject({ force_reply: true });
    await h.deliver(replyTo(h, prompt, '   ')); // nothing visible: asked again, nothing written
    const again = h.api.sent(SALES).at(-1)!;
    expect(again.payload.reply_markup).toMatchObject({ force_reply: true });
    expect((await store.getLead(leadId))?.stage).toBe('SQL');
    const reason = replyTo(h, again, 'Student project, no budget');
    await h.deliver(reason);
    await h.redeliver(reason);
    expect(await store.getLead(leadId)).toMatchObject({ stage: 'disqualified' });
    expect(await store.verdicts.listForLead(leadId)).toEqual([
      expect.objectContaining({ verdict: 'rejected', reason: 'Student project, no budget' }),
    ]);
    const said = h.api.sent(SALES).filter((m) => m.text.startsWith('❌ Not a fit'));
    expect(said.map((m) => m.text)).toEqual([
      '❌ Not a fit, per @\u2060rita_sales: Student project, no budget',
    ]);
    expect(h.api.sent(SALES).find((m) => m.message_id === alert.message_id)!.reply_markup).toBeUndefined();
  });
});
