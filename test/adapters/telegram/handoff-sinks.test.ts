/**
 * The Telegram handoff sinks through grammY's Api against the strict fake Bot API: posts in reply
 * to the alert in the sales chat (SalesThread) and messages in the prospect's private chat
 * (ProspectMessenger). Plain text, no parse mode, mentions neutralised, 4,096 a message;
 * at-least-once across a process (a bot cannot search a chat), once within it.
 */
import { Api } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelegramProspectMessenger } from '../../../adapters/telegram/prospect-messenger.ts';
import { createTelegramSalesThread } from '../../../adapters/telegram/sales-thread.ts';
import { DeliveryError } from '../../../src/core/outbox/delivery-error.ts';
import type { ProspectDelivery, ThreadPost } from '../../../src/core/ports/index.ts';
import { type FakeTelegramApi, startFakeTelegramApi } from '../../fakes/telegram-api.ts';
import { silentLogger } from '../../helpers/engine.ts';

const SALES = -100555;
let fake: FakeTelegramApi;
let api: Api;
let alertId: number;

beforeEach(async () => {
  fake = await startFakeTelegramApi();
  api = new Api(fake.token, { apiRoot: fake.apiRoot });
  alertId = (await api.sendMessage(SALES, '🔥 New SQL lead')).message_id;
});
afterEach(() => fake.close());

const thread = () => createTelegramSalesThread({ api, logger: silentLogger });
const messenger = () => createTelegramProspectMessenger({ api, logger: silentLogger });
const post = (p: ThreadPost['post'], ref = `${SALES}:${alertId}`): ThreadPost => ({
  leadId: 'lead-1',
  alert: { sink: 'telegram', externalRef: ref },
  post: p,
});
const delivery = (message: ProspectDelivery['message'], chat = '7001'): ProspectDelivery => ({
  leadId: 'lead-1',
  handoffId: 'h-1',
  messageId: 'm-1',
  to: { platform: 'telegram', workspaceId: '', userId: chat, channelId: chat },
  message,
});
const threadPosts = () => fake.sent(SALES).filter((m) => m.message_id !== alertId);

describe('Telegram SalesThread', () => {
  it('replies to the alert with what the prospect said, as inert plain text', async () => {
    await thread().post(post({ kind: 'prospect', name: 'Ana', text: 'hi @everyone <b>x</b>' }), 'k1');
    const [reply] = threadPosts();
    expect(reply?.text).toBe('Ana: hi @\u2060everyone <b>x</b>');
    expect(reply?.payload.parse_mode).toBeUndefined();
    expect(reply?.payload.reply_parameters).toMatchObject({ message_id: alertId });
  });

  it('splits at 4,096 and posts once per key within a process', async () => {
    const t = thread();
    const text = 'y'.repeat(5000);
    await t.post(post({ kind: 'prospect', name: 'Ana', text }), 'k2');
    await t.post(post({ kind: 'prospect', name: 'Ana', text }), 'k2');
    const parts = threadPosts();
    expect(parts).toHaveLength(2);
    expect(parts.every((m) => m.text.length <= 4096)).toBe(true);
  });

  it('is at-least-once across a crash: a new process cannot find the earlier post', async () => {
    await thread().post(post({ kind: 'prospect', name: 'Ana', text: 'once' }), 'k3');
    await thread().post(post({ kind: 'prospect', name: 'Ana', text: 'once' }), 'k3');
    expect(threadPosts()).toHaveLength(2);
  });

  it('mentions the next rep by id in a reminder, nobody else', async () => {
    await thread().post(post({ kind: 'reminder', minutes: 10, mention: '4242', round: 1 }), 'r1');
    await thread().post(post({ kind: 'reminder', minutes: 10, mention: '@channel', round: 2 }), 'r2');
    const [first, second] = threadPosts();
    expect(first?.text).toBe('⏰ Unclaimed for 10 min — next rep, can you take it?');
    expect(first?.payload.entities).toEqual([
      {
        type: 'text_mention',
        offset: 25,
        length: 8,
        user: { id: 4242, is_bot: false, first_name: 'next rep' },
      },
    ]);
    expect(first?.text.slice(25, 33)).toBe('next rep');
    expect(second?.text).toBe('⏰ Still unclaimed for 10 min — can someone take it?');
    expect(second?.payload.entities).toBeUndefined();
  });

  it('fails for good on a reference that is not a Telegram alert', async () => {
    const err = await thread()
      .post(post({ kind: 'closed', by: 'x' }, '1700000000.000100'), 'k4')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
  });
});

describe('Telegram ProspectMessenger', () => {
  it("sends the rep's words after their name to the private chat, plain text", async () => {
    fake.startedBy(7001);
    await messenger().deliver(delivery({ kind: 'joined', repName: 'Rita' }), 'j');
    await messenger().deliver(
      delivery({ kind: 'rep', repName: 'Rita', text: 'ping @admin <i>now</i>' }),
      'r',
    );
    expect(fake.sent(7001).map((m) => m.text)).toEqual([
      'Rita from the sales team has joined the conversation.',
      'Rita (sales): ping @\u2060admin <i>now</i>',
    ]);
    expect(fake.sent(7001).every((m) => m.payload.parse_mode === undefined)).toBe(true);
  });

  it('splits a long message at 4,096 and sends it once per key', async () => {
    fake.startedBy(7001);
    const m = messenger();
    const d = delivery({ kind: 'rep', repName: 'Rita', text: 'z'.repeat(9000) });
    await m.deliver(d, 'long');
    await m.deliver(d, 'long');
    expect(fake.sent(7001).map((s) => s.text.length)).toEqual([
      4096,
      4096,
      9000 + 'Rita (sales): '.length - 8192,
    ]);
  });

  it('fails for good when the person never started the bot or blocked it', async () => {
    const err = await messenger()
      .deliver(delivery({ kind: 'closed', repName: null }, '7999'), 'x')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
  });
});
