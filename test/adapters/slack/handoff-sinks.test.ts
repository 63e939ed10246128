/**
 * The Slack handoff sinks through the real WebClient against the strict fake: the alert's
 * thread (SalesThread) and the prospect's DM (ProspectMessenger). Escaping (nothing a person
 * types pings or forms a link), Slack's text limits, and exactly once across a crash (the key
 * is found in the thread or the DM instead of posting again).
 */
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSlackText } from '../../../adapters/slack/escape.ts';
import { HANDOFF_TEXT_MAX } from '../../../adapters/slack/handoff-post.ts';
import { createSlackProspectMessenger } from '../../../adapters/slack/prospect-messenger.ts';
import { createSlackSalesThread } from '../../../adapters/slack/sales-thread.ts';
import { DeliveryError } from '../../../src/core/outbox/delivery-error.ts';
import type { ProspectDelivery, ThreadPost } from '../../../src/core/ports/index.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../../fakes/slack-api.ts';
import { silentLogger } from '../../helpers/engine.ts';

const SALES = 'C0SALES';
const HOSTILE =
  'Hi <!channel> <!here> <@U0BOSS> *bold* `code` <https://evil.example|click> https://acme.example/p?a=1&b=2';

let fake: FakeSlackApi;
let client: InstanceType<typeof webApi.WebClient>;
let alertTs: string;

beforeEach(async () => {
  fake = await startFakeSlackApi({ channels: [SALES, 'D0ANA'] });
  client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  alertTs = (await client.chat.postMessage({ channel: SALES, text: 'New SQL lead' })).ts!;
});
afterEach(() => fake.close());

const thread = () => createSlackSalesThread({ client, channel: SALES, logger: silentLogger });
const messenger = () => createSlackProspectMessenger({ client, logger: silentLogger });
const replies = () => (fake.channels.get(SALES) ?? []).filter((m) => m.thread_ts === alertTs);
const dm = (channel = 'D0ANA') => fake.channels.get(channel) ?? [];

const prospectPost = (text: string, name = 'Ana Souza'): ThreadPost => ({
  leadId: 'lead-1',
  alert: { sink: 'slack', externalRef: alertTs },
  post: { kind: 'prospect', name, text },
});

const delivery = (message: ProspectDelivery['message'], channelId = 'D0ANA'): ProspectDelivery => ({
  leadId: 'lead-1',
  handoffId: 'h-1',
  messageId: 'm-1',
  to: { platform: 'slack', workspaceId: 'T1', userId: 'U0ANA', channelId },
  message,
});

/** Whether a Slack text could ping anyone or link anywhere but the plain URL. */
function expectInert(text: string) {
  expect(text).not.toMatch(/<[!@#]/);
  expect(text).not.toContain('|click>');
  expect(text).not.toMatch(/(^|[^∗])\*bold\*/);
}

describe('Slack SalesThread', () => {
  it('posts what the prospect said in the alert thread, escaped, the name in bold', async () => {
    await thread().post(prospectPost(HOSTILE, 'Ana <!everyone>'), 'handoff_to_sales:m1');
    const [reply] = replies();
    expect(reply?.text.startsWith('*Ana &lt;!everyone&gt;*: Hi &lt;!channel&gt;')).toBe(true);
    expectInert(reply!.text.slice(reply!.text.indexOf(':')));
    // The plain web address stays a working link (only `&` entity-escaped).
    expect(reply?.text).toContain('<https://acme.example/p?a=1&amp;b=2>');
    expect(reply?.metadata).toEqual({
      event_type: 'leadbot_handoff',
      event_payload: { idempotency_key: 'handoff_to_sales:m1', lead_id: 'lead-1' },
    });
    // The thread reply is not a message of the channel itself.
    const history = await client.conversations.history({ channel: SALES });
    expect(history.messages?.map((m) => m.ts)).toEqual([alertTs]);
  });

  it('finds its own post in the thread after a crash instead of posting twice', async () => {
    const first = await thread().post(prospectPost('Budget is approved'), 'handoff_to_sales:m2');
    // A new process (no memory of the first) gets the same row again.
    const again = await thread().post(prospectPost('Budget is approved'), 'handoff_to_sales:m2');
    expect(again.externalRef).toBe(first.externalRef);
    expect(replies()).toHaveLength(1);
    expect(fake.callsTo('conversations.replies').length).toBeGreaterThanOrEqual(2);
  });

  it('splits a text beyond 4,000 escaped characters into parts, re-posting only a missing part', async () => {
    const long = `${'<'.repeat(3000)}\n${'x'.repeat(2500)}`; // 12,000+ characters once escaped
    await thread().post(prospectPost(long), 'handoff_to_sales:m3');
    const parts = replies();
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(HANDOFF_TEXT_MAX);
    // Nothing is lost but the line break a split fell on.
    const words = parts.map((p) => decodeSlackText(p.text)).join('');
    expect(words.replace('\n', '')).toBe(`*Ana Souza*: ${long}`.replace('\n', ''));
    // The process died after the first parts: only the last one is posted again.
    const history = fake.channels.get(SALES)!;
    const lost = history.pop()!;
    await thread().post(prospectPost(long), 'handoff_to_sales:m3');
    expect(replies()).toHaveLength(parts.length);
    expect(replies().at(-1)?.text).toBe(lost.text);
  });

  it('renders a reminder with the one mention the app chose, and the close', () => {
    const reminder = (mention: string | null, round = 1): ThreadPost['post'] => ({
      kind: 'reminder',
      minutes: 10,
      mention,
      round,
    });
    return (async () => {
      const t = thread();
      await t.post({ ...prospectPost(''), post: reminder('U0REP') }, 'alert_reminder:1:1');
      await t.post({ ...prospectPost(''), post: reminder(null, 2) }, 'alert_reminder:1:2');
      await t.post({ ...prospectPost(''), post: reminder('<!channel>') }, 'alert_reminder:1:3');
      await t.post({ ...prospectPost(''), post: { kind: 'closed', by: 'slack:U0REP' } }, 'closed:1');
      const texts = replies().map((m) => m.text);
      expect(texts[0]).toBe(':alarm_clock: Unclaimed for 10 min — <@U0REP> can you take it?');
      expect(texts[1]).toBe(':alarm_clock: Still unclaimed for 10 min — can someone take it?');
      expect(texts[2]).not.toContain('<!channel>');
      expect(texts[3]).toContain('closed by <@U0REP>');
    })();
  });

  it('fails for good when the alert is gone (invalid_thread_ts)', async () => {
    const post = { ...prospectPost('hello'), alert: { sink: 'slack', externalRef: '1699999999.000001' } };
    const err = await thread()
      .post(post, 'handoff_to_sales:gone')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
  });
});

describe('Slack ProspectMessenger', () => {
  it("sends the rep's words after their name, escaped, in the prospect's DM", async () => {
    await messenger().deliver(
      delivery({ kind: 'rep', repName: 'Rita', text: HOSTILE }),
      'handoff_to_prospect:m1',
    );
    const [msg] = dm();
    expect(msg?.text.startsWith('Rita (sales): Hi &lt;!channel&gt;')).toBe(true);
    expectInert(msg!.text);
    expect(msg?.metadata?.event_payload.idempotency_key).toBe('handoff_to_prospect:m1');
  });

  it('says who joined and that the conversation closed', async () => {
    await messenger().deliver(delivery({ kind: 'joined', repName: 'Ana' }), 'k-joined');
    await messenger().deliver(delivery({ kind: 'closed', repName: null }), 'k-closed');
    expect(dm().map((m) => m.text)).toEqual([
      'Ana from the sales team has joined the conversation.',
      'The sales team has closed the conversation. Thanks for your time!',
    ]);
  });

  it('finds its message in the DM after a crash instead of sending it twice', async () => {
    const d = delivery({ kind: 'rep', repName: 'Rita', text: 'Can we talk Tuesday?' });
    const first = await messenger().deliver(d, 'handoff_to_prospect:m2');
    const again = await messenger().deliver(d, 'handoff_to_prospect:m2');
    expect(again).toEqual(first);
    expect(dm()).toHaveLength(1);
    expect(fake.callsTo('conversations.history').length).toBeGreaterThanOrEqual(2);
  });

  it('opens the DM when the address is not one (a flow begun from a mention)', async () => {
    await messenger().deliver(delivery({ kind: 'joined', repName: 'Ana' }, 'C0PUBLIC'), 'k-open');
    expect(fake.callsTo('conversations.open')[0]?.args.users).toBe('U0ANA');
    expect(dm('DU0ANA')).toHaveLength(1);
    expect(fake.channels.get('C0PUBLIC') ?? []).toHaveLength(0);
  });
});
