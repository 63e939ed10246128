/**
 * Recorded Telegram updates of the kinds the Bot API documents (edited messages, channel posts,
 * forwards with forward_origin, entities and mentions, chat member changes, photos with
 * captions, stickers, a callback from a message too old to be sent along, games, inline
 * queries) through the pure mapping and through the running bot with the engine, the manager
 * commands and the outreach composers: each is handled or ignored on purpose, none crashes.
 */
import { readdirSync } from 'node:fs';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { toInboundEvent } from '../../../adapters/telegram/inbound.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import type { Logger } from '../../../src/core/ports/index.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { BOT, fixture } from './fixtures.ts';
import { type Harness, startHarness } from './harness.ts';

/** What the pure mapping makes of each new fixture: an event kind, or null (ignored on purpose). */
const MAPPED: Record<string, string | null> = {
  'group-edited': null,
  'channel-post': null,
  'edited-channel-post': null,
  'private-forwarded': 'message',
  'private-forwarded-hidden-user': 'unsupported',
  'group-forwarded-mention': 'message',
  'group-mentions-others': null,
  'private-entities': 'message',
  'chat-member': null,
  'my-chat-member-blocked': null,
  'private-photo-caption': 'unsupported',
  'group-sticker-reply': 'unsupported',
  'callback-old-message': 'choice',
  'callback-game': null,
  'inline-query': null,
  'chosen-inline-result': null,
};

const ALL = readdirSync(new URL('../../fixtures/telegram/', import.meta.url))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort((a, b) => fixture(a).update_id - fixture(b).update_id)
  // The person blocks the bot last: from then on nothing can reach them (checked at the end).
  .sort((a, b) => Number(a === 'my-chat-member-blocked') - Number(b === 'my-chat-member-blocked'));

function chatOf(u: Update): number | undefined {
  const m =
    u.message ?? u.edited_message ?? u.channel_post ?? u.edited_channel_post ?? u.callback_query?.message;
  return m?.chat.id ?? u.my_chat_member?.chat.id ?? u.chat_member?.chat.id;
}

function recordingLogger(errors: object[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (obj) => void errors.push(obj),
    child: () => log,
  };
  return log;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('recorded Telegram updates', () => {
  it.each(Object.keys(MAPPED))('%s maps on purpose', (name) => {
    const event = toInboundEvent(fixture(name), BOT);
    expect(event?.kind ?? null).toBe(MAPPED[name]);
  });

  it('keeps mentions, markup and forwarded text verbatim, never as a ping', () => {
    expect(toInboundEvent(fixture('private-entities'), BOT)).toMatchObject({
      text: 'Acme <b>Corp</b> @everyone',
    });
    expect(toInboundEvent(fixture('group-forwarded-mention'), BOT)).toMatchObject({
      text: 'what does it cost?',
      mentionsBot: true,
    });
    expect(toInboundEvent(fixture('callback-old-message'), BOT)).toMatchObject({
      stepId: 'company_size',
      values: ['51-200'],
    });
  });

  it('every fixture through the running bot: answered or ignored on purpose, no error', async () => {
    const errors: object[] = [];
    const { engine, store } = await createTestEngine();
    h = await startHarness('polling', engine.handle, recordingLogger(errors), {
      deps: { store, outreach: createMemoryOutreachStore() },
      config: { managers: ['8002'], salesChatId: '-1001234567890' },
    });
    const answered: Record<string, boolean> = {};
    for (const name of ALL) {
      const update = { ...fixture(name), update_id: h.nextUpdateId() } as Update;
      const chat = chatOf(update);
      const before = chat === undefined ? 0 : h.api.sent(chat).length;
      await h.deliver(update);
      answered[name] = chat !== undefined && h.api.sent(chat).length > before;
    }
    // Blocked: a later update of theirs (a press on an old question) gets no reply and no error.
    const late = { ...fixture('callback-old-message'), update_id: h.nextUpdateId() } as Update;
    const before = h.api.sent(7001).length;
    await h.deliver(late);
    expect(h.api.sent(7001).length).toBe(before);
    expect(errors).toEqual([]);
    // Ignored on purpose: nothing is said where these happened.
    for (const name of Object.keys(MAPPED).filter((n) => MAPPED[n] === null))
      expect(answered[name], name).toBe(false);
    // Addressed to the bot: answered.
    for (const name of [
      'private-forwarded',
      'private-entities',
      'group-forwarded-mention',
      'private-photo-caption',
    ])
      expect(answered[name], name).toBe(true);
    const texts = h.api.calls.filter((c) => c.method === 'sendMessage').map((c) => String(c.payload.text));
    expect(texts.some((t) => t.includes('@everyone'))).toBe(false);
  });
});
