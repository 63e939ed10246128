/**
 * Manager replies against the strict fake: a lead card longer than Telegram's 4,096 characters
 * arrives as several messages (nothing lost, no 400), and "open a private chat" is said only when
 * Telegram answered that the bot cannot write to the manager (403), not for any other failure.
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { OPEN_PRIVATE_CHAT } from '../../../adapters/telegram/managers.ts';
import { COMMAND_FAILED_TEXT } from '../../../src/core/commands/reply-to-manager.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import { TELEGRAM_LIMITS } from '../../fakes/telegram-api.ts';
import { createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { type Harness, startHarness } from './harness.ts';

const GROUP = -100600;
const MGR = 9101;
const JANE = 7101;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start() {
  const { engine, store } = await createTestEngine();
  h = await startHarness('polling', engine.handle, silentLogger, {
    deps: { store, outreach: createMemoryOutreachStore() },
    config: { managers: [String(MGR)] },
  });
  return { h, store };
}

let mid = 1;
function msg(hh: Harness, from: number, chat: number, text: string): Update {
  const entities = text.startsWith('/')
    ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }]
    : [];
  const c =
    chat > 0 ? { id: chat, type: 'private', first_name: 'M' } : { id: chat, type: 'supergroup', title: 'G' };
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: mid++,
      from: { id: from, is_bot: false, first_name: 'M' },
      chat: c,
      date: 1,
      text,
      entities,
    },
  } as unknown as Update;
}

describe('Telegram manager replies', () => {
  it('a lead card over 4,096 characters arrives whole, in several messages', async () => {
    const { h, store } = await start();
    await h.deliver(msg(h, JANE, JANE, '/start'));
    const leadId = (await store.findIdentity({
      platform: 'telegram',
      workspaceId: '',
      userId: String(JANE),
    }))!.leadId;
    // Mentions grow when neutralised (a word joiner after each @): measured after that.
    const notes = [0, 1, 2].map((i) => `note${i} ${'@team '.repeat(400)}end${i}`);
    await store.transaction(async (tx) => {
      for (const text of notes) await tx.addNote({ leadId, author: 'telegram:1', text });
    });
    await h.deliver(msg(h, MGR, MGR, `/leadbot lead ${leadId}`));
    const sent = h.api.sent(MGR);
    expect(sent.length).toBeGreaterThan(1);
    for (const m of sent) expect(m.text.length).toBeLessThanOrEqual(TELEGRAM_LIMITS.text);
    const all = sent.map((m) => m.text).join('\n');
    for (const i of [0, 1, 2]) expect(all).toContain(`end${i}`);
    expect(h.api.sent(MGR).some((m) => m.text === OPEN_PRIVATE_CHAT)).toBe(false);
  });

  it('asks a manager who never started the bot to open a private chat (403), in the group', async () => {
    const { h } = await start();
    await h.deliver(msg(h, MGR, GROUP, '/leadbot stats'));
    expect(h.api.sent(GROUP).map((m) => m.text)).toEqual([OPEN_PRIVATE_CHAT]);
  });

  it('any other refusal is not blamed on a missing private chat', async () => {
    const { h } = await start();
    h.api.startedBy(MGR);
    h.api.failNext('sendMessage', { error_code: 400, description: 'Bad Request: message is too long' });
    await h.deliver(msg(h, MGR, GROUP, '/leadbot stats'));
    expect(h.api.sent(GROUP).map((m) => m.text)).toEqual([COMMAND_FAILED_TEXT]);
  });
});
