/**
 * Manager commands and outreach on Telegram through real grammY and the fake Bot API, plus an
 * identity link from Slack to Telegram on one shared store.
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { dmEvent, startHarness as startSlack, TEAM } from '../slack/harness.ts';
import { type Harness, startHarness } from './harness.ts';

const GROUP = -100500;
const MGR = 9001;
const JANE = 7001;
let h: Harness | undefined;
let closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await h?.close();
  for (const c of closers) await c();
  h = undefined;
  closers = [];
});

async function start(store?: LeadStore, outreach = createMemoryOutreachStore()) {
  const { engine, store: s } = await createTestEngine(store ? { store } : {});
  h = await startHarness('polling', engine.handle, silentLogger, {
    deps: { store: s, outreach },
    config: { managers: [String(MGR)] },
  });
  // The manager and the curious member pressed Start in a DM with the bot long ago.
  h.api.startedBy(MGR);
  h.api.startedBy(4444);
  return { h, store: s };
}

let mid = 100;
function groupMsg(hh: Harness, from: number, text: string, extra: Record<string, unknown> = {}): Update {
  const entities = text.startsWith('/')
    ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }]
    : [];
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: mid++,
      from: { id: from, is_bot: false, first_name: `U${from}` },
      chat: { id: GROUP, type: 'supergroup', title: 'Community' },
      date: 1764300000,
      text,
      entities,
      ...extra,
    },
  } as unknown as Update;
}
function dm(hh: Harness, from: number, text: string): Update {
  const entities = text.startsWith('/')
    ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }]
    : [];
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: mid++,
      from: { id: from, is_bot: false, first_name: 'Jane' },
      chat: { id: from, type: 'private', first_name: 'Jane' },
      date: 1764300000,
      text,
      entities,
    },
  } as unknown as Update;
}
const lastTo = (hh: Harness, chat: number) => hh.api.sent(chat).at(-1)?.text ?? '';
const janeKey = { platform: 'telegram' as const, workspaceId: '', userId: String(JANE) };

describe('Telegram manager commands', () => {
  it('refuses non-managers in private and posts nothing in the group', async () => {
    const { h } = await start();
    await h.deliver(groupMsg(h, 4444, '/leadbot stats'));
    expect(lastTo(h, 4444)).toContain('for the community managers');
    expect(h.api.sent(GROUP)).toEqual([]);
  });

  it('qualify by reply posts a deep-link consent prompt; the member starts the DM themselves', async () => {
    const { h, store } = await start();
    const janeSays = groupMsg(h, JANE, 'hello all');
    await h.deliver(janeSays);
    await h.deliver(
      groupMsg(h, MGR, '/leadbot qualify', { reply_to_message: (janeSays as { message: object }).message }),
    );
    expect(lastTo(h, MGR)).toContain('Invitation posted');
    const prompt = h.api.sent(GROUP).at(-1)!;
    expect(prompt.payload.entities).toEqual([
      expect.objectContaining({ type: 'text_mention', user: expect.objectContaining({ id: JANE }) }),
    ]);
    const url = (prompt.reply_markup!.inline_keyboard[0]![0] as { url: string }).url;
    // The deep link names the inviting manager, so the start credits them, and the group.
    expect(url).toMatch(new RegExp(`\\?start=consent_${MGR}_g${GROUP}$`));
    expect(h.api.sent(JANE)).toEqual([]); // nothing private before they accept
    await h.deliver(dm(h, JANE, `/start consent_${MGR}_g${GROUP}`));
    expect(h.api.sent(JANE).length).toBeGreaterThan(0);
    const id = await store.findIdentity(janeKey);
    expect(await store.getLead(id!.leadId)).toMatchObject({
      consent: true,
      invitedBy: `telegram:${MGR}`,
      source: expect.objectContaining({ campaign: 'consent', workspaceName: 'Community' }),
    });
  });

  it('a redelivered manager command runs once', async () => {
    const { h } = await start();
    const janeSays = groupMsg(h, JANE, 'hello all');
    await h.deliver(janeSays);
    const qualify = groupMsg(h, MGR, '/leadbot qualify', {
      reply_to_message: (janeSays as { message: object }).message,
    });
    await h.deliver(qualify);
    await h.redeliver(qualify);
    expect(h.api.sent(GROUP).filter((m) => m.reply_markup)).toHaveLength(1);
    expect(h.api.sent(MGR).filter((m) => m.text?.includes('Invitation posted'))).toHaveLength(1);
  });

  it('stage, lead, export and forget work for a manager in DM', async () => {
    const { h, store } = await start();
    await h.deliver(dm(h, JANE, '/start'));
    const leadId = (await store.findIdentity(janeKey))!.leadId;
    await h.deliver(dm(h, MGR, `/leadbot stage @${JANE} SQL asked for a quote`));
    expect(lastTo(h, MGR)).toContain('cold → SQL. Sales will be alerted.');
    expect(await store.outbox.list({ kind: 'sales_alert' })).toHaveLength(1);
    await h.deliver(dm(h, MGR, `/leadbot lead ${leadId}`));
    expect(lastTo(h, MGR)).toContain('Stage: SQL');
    await h.deliver(dm(h, MGR, '/leadbot export SQL'));
    const doc = h.api.calls.find((c) => c.method === 'sendDocument')!;
    expect(String(doc.payload._multipart)).toContain(`${leadId},SQL,`);
    await h.deliver(dm(h, MGR, `/leadbot forget @${JANE}`));
    expect(lastTo(h, MGR)).toBe('The member was erased.');
    expect(await store.getLead(leadId)).toBeNull();
    await h.deliver(dm(h, MGR, '/leadbot stage'));
    expect(lastTo(h, MGR)).toContain('Usage: /leadbot stage');
  });

  it('links a Slack identity to Telegram with a one-time code; the card lists both', async () => {
    const { store } = await createTestEngine();
    const outreach = createMemoryOutreachStore();
    // One store and one outreach store shared by both platforms, as `leadbot start` wires them.
    const slack2 = await startSlack({ store, config: { managers: ['U0MGR'] }, outreach });
    closers.push(() => slack2.close());
    await slack2.event(dmEvent('U0JANE', 'start', '1.1'), 'EvL1');
    await slack2.event(dmEvent('U0JANE', 'link', '1.2'), 'EvL2');
    await slack2.adapter.idle();
    const codeMsg = slack2.fake.channels.get('DU0JANE')!.at(-1)!.text;
    const code = /code is ([A-Z2-9]{8})/.exec(codeMsg)?.[1];
    expect(code).toBeDefined();
    const { h: tg } = await start(store, outreach);
    await tg.deliver(dm(tg, JANE, `link ${code}`));
    expect(lastTo(tg, JANE)).toContain('Linked!');
    const slackLead = (await store.findIdentity({ platform: 'slack', workspaceId: TEAM, userId: 'U0JANE' }))!
      .leadId;
    expect((await store.findIdentity(janeKey))?.leadId).toBe(slackLead);
    await tg.deliver(dm(tg, MGR, `/leadbot lead @${JANE}`));
    expect(lastTo(tg, MGR)).toMatch(
      /Accounts: .*slack:U0JANE.*telegram:7001|Accounts: .*telegram:7001.*slack:U0JANE/,
    );
  });
});
