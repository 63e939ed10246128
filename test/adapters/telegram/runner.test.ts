/**
 * Long polling through @grammyjs/runner against the fake's getUpdates: a chat whose handling is
 * slow does not hold the others back, one chat's updates stay in order, stop() drains what was
 * fetched, and an update Telegram serves again after a restart is not handled twice.
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundEvent, OutboundMessage } from '../../../src/core/events.ts';
import { createInbox } from '../../../src/core/inbox/inbox.ts';
import { createMemoryInboxStore } from '../../../src/core/memory/memory-inbox.ts';
import { silentLogger } from '../../helpers/engine.ts';
import { type Harness, startHarness } from './harness.ts';

const SLOW = 7001;
const FAST = 7002;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A core that holds the slow chat's answers until released, and records what it handled. */
function gatedCore() {
  const handled: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const slowStarted = new Promise<void>((r) => (started = r));
  const handler = async (e: InboundEvent): Promise<OutboundMessage[]> => {
    const text = e.kind === 'message' ? e.text : e.kind;
    if (e.userId === String(SLOW) && text.startsWith('slow')) {
      started();
      await gate;
    }
    handled.push(`${e.userId}:${text}`);
    return [{ kind: 'info', text: `ok ${text}` }];
  };
  return { handled, handler, release, slowStarted };
}

function text(hh: Harness, userId: number, body: string): Update {
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: hh.nextUpdateId(),
      from: { id: userId, is_bot: false, first_name: 'P' },
      chat: { id: userId, type: 'private', first_name: 'P' },
      date: 1,
      text: body,
    },
  } as Update;
}

const sentTexts = (hh: Harness, chat: number) => hh.api.sent(chat).map((m) => m.text);

describe('Telegram long polling through the runner', () => {
  it('answers another chat while one chat is slow, and keeps one chat in order', async () => {
    const core = gatedCore();
    h = await startHarness('polling', core.handler, silentLogger);
    h.api.push(text(h, SLOW, 'slow first'));
    h.api.push(text(h, SLOW, 'then second'));
    await core.slowStarted;
    h.api.push(text(h, FAST, 'hello'));
    // Not a speed assertion: without concurrency the answer never comes while the gate is shut.
    const fast = h.api.waitForCall((c) => c.method === 'sendMessage' && c.payload.chat_id === FAST);
    const stalled = new Promise<'stalled'>((r) => setTimeout(() => r('stalled'), 10_000));
    expect(await Promise.race([fast.then(() => 'answered'), stalled])).toBe('answered');
    expect(sentTexts(h, SLOW)).toEqual([]); // still held
    core.release();
    await h.api.waitForCall((c) => c.method === 'sendMessage' && c.payload.text === 'ok then second');
    expect(sentTexts(h, SLOW)).toEqual(['ok slow first', 'ok then second']);
    expect(core.handled).toEqual([`${FAST}:hello`, `${SLOW}:slow first`, `${SLOW}:then second`]);
  });

  it('stop() stops fetching and drains the updates already fetched', async () => {
    const core = gatedCore();
    h = await startHarness('polling', core.handler, silentLogger);
    h.api.push(text(h, SLOW, 'slow one'));
    await core.slowStarted;
    const stopped = h.adapter.stop();
    setTimeout(core.release, 50);
    await stopped;
    expect(sentTexts(h, SLOW)).toEqual(['ok slow one']);
    const polls = h.api.calls.filter((c) => c.method === 'getUpdates').length;
    h.api.push(text(h, FAST, 'after stop'));
    await new Promise((r) => setTimeout(r, 100));
    expect(h.api.calls.filter((c) => c.method === 'getUpdates').length).toBe(polls);
    expect(core.handled).toEqual([`${SLOW}:slow one`]);
  });

  it('an update served again after a restart is handled once', async () => {
    const core = gatedCore();
    core.release();
    // The inbox lives in the database: one store across both processes.
    const store = createMemoryInboxStore();
    const inbox = createInbox({
      store,
      clock: { now: () => new Date() },
      logger: silentLogger,
      workerId: 't',
    });
    h = await startHarness('polling', core.handler, silentLogger, { deps: { inbox } });
    const update = text(h, FAST, 'once');
    await h.deliver(update);
    await h.restart();
    await h.redeliver(update); // Telegram never got the confirmation: it sends the update again
    await h.deliver(text(h, FAST, 'next'));
    expect(core.handled).toEqual([`${FAST}:once`, `${FAST}:next`]);
    expect(sentTexts(h, FAST)).toEqual(['ok once', 'ok next']);
  });
});
