/**
 * Payloads as Discord documents them (test/fixtures/discord/), including what the fake's own
 * people never send — a reply with its referenced message, a forward (content in
 * `message_snapshots`), an edit (MESSAGE_UPDATE), webhook, bot, system and thread messages,
 * `member` in a server vs `user` in a DM, a select, a modal submit, a subcommand, another app's
 * button — fed through inbound.ts as discord.js builds them, and through the running adapter
 * on the fake gateway. Each is handled or ignored on purpose; none crashes the bot.
 */
import { readFileSync } from 'node:fs';
import { Client, Message } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../../adapters/discord/inbound.ts';
import type { InboundEvent } from '../../../src/core/events.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import type { Json } from '../../fakes/discord/state.ts';
import { type FakeDiscord, IDS, startFakeDiscord } from '../../fakes/discord-api.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { type Running, startDiscord } from './harness.ts';

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../fixtures/discord/${name}.json`, import.meta.url), 'utf8'));

/** What parseMessage makes of each recorded message: an event kind (with its text), or null. */
const MESSAGES: [string, { kind: string; text?: string } | null][] = [
  ['message-create-dm', { kind: 'message', text: 'We are a team of 40 people' }],
  ['message-create-dm-reply', { kind: 'message', text: 'Yes, the CRM one' }],
  ['message-create-dm-forward', { kind: 'message', text: 'Our budget is 20k' }],
  ['message-update-dm', { kind: 'message', text: 'We are a team of 45 people' }],
  ['message-create-guild-mention', { kind: 'message', text: 'hi, can you tell me about pricing?' }],
  ['message-create-thread', { kind: 'message', text: 'hi, can you tell me about pricing?' }],
  ['message-create-webhook', null],
  ['message-create-bot', null],
  ['message-create-system-join', null],
];

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

describe('recorded Discord messages through inbound.ts', () => {
  const client = new Client({ intents: [] });
  it.each(MESSAGES)('%s', (name, expected) => {
    const m = Reflect.construct(Message, [client, fixture(name)]) as Message;
    const event = parseMessage(m, { botUserId: IDS.bot });
    if (expected === null) return void expect(event).toBeNull();
    expect(event).toMatchObject({ kind: expected.kind, ...(expected.text ? { text: expected.text } : {}) });
    // Server messages carry `member`, DMs `user`-only authors: the person is the author either way.
    expect(event).toMatchObject({ platform: 'discord', userId: fixture(name).author.id });
  });
});

/** The adapter with the real engine and a store; `events` records what reached the engine. */
async function running(): Promise<{ fake: FakeDiscord; r: Running; events: InboundEvent[] }> {
  const fake = await startFakeDiscord();
  const { engine, store } = await createTestEngine();
  const events: InboundEvent[] = [];
  const r = await startDiscord(
    async (e) => {
      events.push(e);
      return engine.handle(e);
    },
    {
      fake,
      config: { managerRoleId: IDS.managerRole },
      deps: { store, outreach: createMemoryOutreachStore() },
    },
  );
  cleanups.push(async () => {
    await r.stop();
    await fake.close();
  });
  return { fake, r, events };
}

/** Registers a recorded interaction's token with the fake (as if Discord had just sent it). */
function expectInteraction(fake: FakeDiscord, d: Json): void {
  fake.interactions.set(d.token, {
    id: d.id,
    channelId: d.channel_id,
    userId: (d.member?.user ?? d.user).id,
    acked: false,
    createdAt: Date.now(),
    ...(d.message ? { messageId: d.message.id } : {}),
  });
  if (d.message) fake.messages.set(d.message.id, { ...d.message, components: d.message.components ?? [] });
}

describe('recorded Discord payloads through the running adapter', () => {
  it('handles or ignores each on purpose and keeps answering', async () => {
    const { fake, r, events } = await running();
    for (const [name] of MESSAGES) {
      const d = fixture(name);
      fake.dispatch(name.startsWith('message-update') ? 'MESSAGE_UPDATE' : 'MESSAGE_CREATE', d);
    }
    const interactions = [
      'interaction-button-guild',
      'interaction-select-dm',
      'interaction-modal-submit',
      'interaction-slash-subcommand',
      'interaction-button-foreign',
    ].map(fixture);
    for (const d of interactions) {
      expectInteraction(fake, d);
      fake.dispatch('INTERACTION_CREATE', d);
    }
    // Every interaction of leadbot's is acknowledged once; another app's button is not ours to answer.
    await fake.waitFor('leadbot interactions answered', () =>
      interactions.slice(0, 4).every((d) => fake.interactions.get(d.token)?.acked),
    );
    expect(fake.interactions.get('fixture-token-606')?.acked).toBe(false);
    // The non-manager's /leadbot stats public:true is refused privately, nothing posted publicly.
    const refused = await fake.waitFor('the refusal', () => {
      const m = fake.messages.get(fake.interactions.get('fixture-token-605')?.original ?? '');
      return m?.content ? m : null;
    });
    expect(refused.content).toContain('for the community managers');
    expect(refused.visibleTo).toBe('1300000000000000100');

    // The bot still answers afterwards: nothing crashed the client.
    const sam = fake.user('sam');
    fake.dm(sam, 'hello');
    await fake.waitFor('an answer after the recorded payloads', () =>
      fake.visible(fake.dmChannelOf(sam.id), sam.id).find((m) => m.author.bot),
    );
    const ids = new Set(events.map((e) => e.eventId));
    // Ignored on purpose: webhooks, bots, system messages; an edit is not a second answer.
    for (const name of ['message-create-webhook', 'message-create-bot', 'message-create-system-join'])
      expect(ids.has(fixture(name).id), name).toBe(false);
    expect(events.filter((e) => e.eventId === fixture('message-update-dm').id)).toHaveLength(1);
    // Handled: the DM, its reply, the forward, the mentions (server channel and thread), the menu pick, the modal.
    for (const name of [
      'message-create-dm-reply',
      'message-create-dm-forward',
      'message-create-guild-mention',
      'message-create-thread',
    ])
      expect(ids.has(fixture(name).id), name).toBe(true);
    expect(r.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
