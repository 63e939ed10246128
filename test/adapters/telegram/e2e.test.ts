/**
 * End to end: real grammY ↔ fake Bot API on 127.0.0.1 ↔ Telegram adapter ↔ real engine ↔ real
 * store, in long-polling and webhook mode. Assertions are on what Telegram received and what
 * the store holds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { groupMention, type Harness, person, qualify, startHarness } from './harness.ts';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function setup(mode: 'polling' | 'webhook', store?: LeadStore) {
  const { engine, store: s } = await createTestEngine(store ? { store } : {});
  harness = await startHarness(mode, engine.handle, silentLogger);
  return { h: harness, store: s, ada: person(harness) };
}

async function leadOf(store: LeadStore, userId: string) {
  const identity = await store.findIdentity({ platform: 'telegram', workspaceId: '', userId });
  return identity ? store.getLead(identity.leadId) : null;
}

describe.each(['polling', 'webhook'] as const)('telegram end to end with the engine (%s)', (mode) => {
  it('qualifies a prospect from /start webinar_nov to SQL with buttons and text', async () => {
    const { h, store, ada } = await setup(mode);
    await qualify(ada);

    const lead = await leadOf(store, '7001');
    expect(lead).toMatchObject({ stage: 'SQL', company: 'Acme Corp', email: 'jane@acme.example' });
    expect(lead?.source).toMatchObject({ platform: 'telegram', campaign: 'webinar_nov', workspaceId: '' });
    expect(await store.listIdentities(lead!.id)).toEqual([
      expect.objectContaining({ platform: 'telegram', userId: '7001', username: 'ada_l', chatId: '7001' }),
    ]);
    expect(await store.outbox.list()).toHaveLength(1);

    // Every keyboard was retired after its press, with the pick written under the question.
    const sent = h.api.sent(ada.chat.id);
    const need = sent.find((m) => m.text.startsWith('What brings you here today?'));
    expect(need?.reply_markup).toBeUndefined();
    expect(need?.text).toContain('✓ Evaluating a tool for my team');
    expect(sent.filter((m) => m.reply_markup)).toHaveLength(0);
    expect(h.api.calls.filter((c) => c.method === 'answerCallbackQuery')).toHaveLength(6);
    expect(sent.every((m) => !('parse_mode' in m.payload))).toBe(true);
  });

  it('processes a redelivered update once, even after the adapter restarted', async () => {
    const { h, store, ada } = await setup(mode);
    await ada.command('/start');
    const answer = ada.pressUpdate('evaluating');
    await h.deliver(answer);
    const count = h.api.sent(ada.chat.id).length;
    await h.redeliver(answer); // same process: in-memory guard
    await h.restart();
    await h.redeliver(answer); // new process: the engine's (platform, eventId) record
    expect(h.api.sent(ada.chat.id)).toHaveLength(count);
    const lead = await leadOf(store, '7001');
    const [conv] = await store.listConversations(lead!.id);
    expect(conv?.currentStep).toBe('company');
    expect((await store.listAnswers(conv!.id)).filter((a) => a.stepId === 'need')).toHaveLength(1);
  });

  it('retries a reply after a 429 and the conversation goes on', async () => {
    const { h, store, ada } = await setup(mode);
    await ada.command('/start');
    await ada.press('evaluating');
    h.api.failNext('sendMessage', {
      error_code: 429,
      description: 'Too Many Requests',
      parameters: { retry_after: 1 },
    });
    await ada.say('Acme Corp');
    expect(ada.last().text).toBe("What's your role at Acme Corp?");
    expect(
      h.api.calls.filter((c) => c.method === 'sendMessage' && String(c.payload.text).includes('role')),
    ).toHaveLength(2);
    expect((await leadOf(store, '7001'))?.company).toBe('Acme Corp');
  });

  it('answers a group mention with a deep-link button and no personal question', async () => {
    const { h, store } = await setup(mode);
    const mention = groupMention(h, 'how much is the enterprise plan?');
    await h.deliver(mention);
    const [reply, ...more] = h.api.sent(-1001234567890);
    expect(more).toHaveLength(0);
    expect(reply?.text).toMatch(/continue in a private chat/i);
    expect(reply?.reply_markup?.inline_keyboard).toEqual([
      [{ text: 'Continue in private', url: 'https://t.me/leadbot_test_bot?start=group_-1001234567890' }],
    ]);
    expect(reply?.payload.reply_parameters).toMatchObject({ message_id: mention.message?.message_id });
    // Nothing was asked, nobody was messaged privately, no lead was created.
    expect(h.api.sent().filter((m) => m.chat_id > 0)).toHaveLength(0);
    expect(
      await store.findIdentity({ platform: 'telegram', workspaceId: '-1001234567890', userId: '8002' }),
    ).toBeNull();
  });

  it('echoes markup and mentions in user text back inert', async () => {
    const { ada } = await setup(mode);
    await ada.command('/start');
    await ada.press('evaluating');
    const evil = '<b>Evil</b> *Co* [click](https://evil.example) @everyone';
    await ada.say(evil);
    const question = ada.last();
    expect(question.payload).not.toHaveProperty('parse_mode');
    expect(question.payload).not.toHaveProperty('entities');
    expect(question.payload.link_preview_options).toEqual({ is_disabled: true });
    expect(question.text).not.toMatch(/@everyone/);
    expect(question.text.replace(/\u2060/g, '')).toBe(`What's your role at ${evil}?`);
  });
});

describe('telegram webhook with the engine', () => {
  it('refuses a wrong secret with 401 and stores nothing', async () => {
    const { h, store, ada } = await setup('webhook');
    expect(await h.api.deliver(ada.textUpdate('/start'), 'not-the-secret')).toBe(401);
    expect(h.api.sent()).toHaveLength(0);
    expect(await leadOf(store, '7001')).toBeNull();
  });
});
