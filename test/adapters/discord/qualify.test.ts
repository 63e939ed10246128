/**
 * A prospect qualifies through Discord end to end: the real discord.js Client against the
 * loopback fake, the real engine over the shipped default flow, and a real store.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { decodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { UI_TEXT } from '../../../adapters/discord/outbound.ts';
import { loadTranscript } from '../../../src/app/transcripts.ts';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import {
  type FakeDiscord,
  type FakeMessage,
  type FakeUser,
  IDS,
  startFakeDiscord,
} from '../../fakes/discord-api.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { type Running, startDiscord } from './harness.ts';

const STRONG = fileURLToPath(new URL('../../../flows/transcripts/strong-prospect.yaml', import.meta.url));

let running: Running[] = [];
afterEach(async () => {
  for (const r of running.reverse()) await r.stop();
  running = [];
});

async function botWithEngine(opts: { store?: LeadStore; fake?: FakeDiscord } = {}) {
  const { engine, store } = await createTestEngine(opts.store ? { store: opts.store } : {});
  const r = await startDiscord(engine.handle, opts.fake ? { fake: opts.fake } : {});
  running.push(r);
  return { ...r, store };
}

const botMessages = (fake: FakeDiscord, channelId: string, userId: string) =>
  fake.visible(channelId, userId).filter((m) => m.author.bot);

/** The custom ids on a message, decoded. */
const actions = (m: FakeMessage) =>
  m.components.flatMap((row) =>
    row.components.map((c: { custom_id: string }) => decodeCustomId(c.custom_id)),
  );

/** Waits for the bot to show more messages than `before` in the channel. */
function nextReplies(fake: FakeDiscord, channelId: string, user: FakeUser, before: number) {
  return fake.waitFor(`a reply after message #${before}`, () => {
    const all = botMessages(fake, channelId, user.id);
    return all.length > before ? all : null;
  });
}

/** Plays one transcript step as a person would in the DM: click, pick or type. */
async function play(fake: FakeDiscord, user: FakeUser, step: { say?: string; choose?: string[] }) {
  const dm = fake.dmChannelOf(user.id);
  const shown = botMessages(fake, dm, user.id);
  const question = shown.at(-1)!;
  if (step.choose) {
    const ids = actions(question);
    const select = ids.find((a) => a?.kind === 'select');
    if (select) fake.select(user, question.id, question.components[0]!.components[0].custom_id, step.choose);
    else {
      const row = question.components[0]!.components as { custom_id: string }[];
      const button = row.find((c) => {
        const id = decodeCustomId(c.custom_id);
        return id?.kind === 'choice' && id.value === step.choose![0];
      });
      if (!button) throw new Error(`no button ${step.choose[0]} on "${question.content}"`);
      fake.click(user, question.id, button.custom_id);
    }
  } else {
    fake.dm(user, step.say!);
  }
  return nextReplies(fake, dm, user, shown.length);
}

describe('Discord qualification with the real engine', () => {
  test('a strong prospect reaches SQL through /qualify, buttons and DM text', async () => {
    const { fake, store } = await botWithEngine();
    const transcript = await loadTranscript(STRONG);
    const pat = fake.user('pat', 'Pat Prospect');
    fake.slash(pat, 'guild');
    const dm = fake.dmChannelOf(pat.id);
    await nextReplies(fake, dm, pat, 0);
    const notice = await fake.waitFor('the ephemeral notice', () =>
      fake.visible(IDS.channel, pat.id).find((m) => m.content === UI_TEXT.sentDm),
    );
    expect(notice.visibleTo).toBe(pat.id);

    let clicked = 0;
    for (const step of transcript.steps.slice(1)) {
      if ('command' in step) continue;
      if ('choose' in step) clicked += 1;
      await play(fake, pat, step);
    }
    expect(clicked).toBeGreaterThan(0);

    const { items } = await store.listLeads({});
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ stage: transcript.expect.stage, score: transcript.expect.score });
    const alerts = await store.outbox.list({ kind: 'sales_alert' });
    expect(alerts).toHaveLength(1);
    // Answered questions show the answer and lost their buttons.
    expect(
      botMessages(fake, dm, pat.id).some((m) => m.content.includes('\n\n→ ') && m.components.length === 0),
    ).toBe(true);
    // Nothing the bot sent could ping anyone.
    const bodies = fake.messageBodies();
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(body.allowed_mentions?.parse).toEqual([]);
  });

  test('a mention in a server offers to continue privately; the button starts the flow in a DM', async () => {
    const { fake, store } = await botWithEngine();
    const pat = fake.user('pat');
    fake.say(pat, 'my email is pat@acme.example, what does it cost?', { mentionBot: true });
    const [reply] = await nextReplies(fake, IDS.channel, pat, 0);
    expect(actions(reply!)).toEqual([{ kind: 'private' }]);
    expect(reply!.content).not.toContain('pat@acme.example');

    fake.click(pat, reply!.id, 'lb:p');
    const dm = fake.dmChannelOf(pat.id);
    const [question] = await nextReplies(fake, dm, pat, 0);
    expect(question!.content.length).toBeGreaterThan(0);
    const { items } = await store.listLeads({});
    expect(items.length).toBeGreaterThan(0);
  });

  test('an event replayed to a restarted bot is dropped by the engine (same store)', async () => {
    const fake = await startFakeDiscord();
    try {
      const first = await botWithEngine({ fake });
      const pat = fake.user('pat');
      fake.slash(pat, 'dm');
      await nextReplies(fake, fake.dmChannelOf(pat.id), pat, 0);
      const attempts = async () => {
        const identity = await first.store.findIdentity({
          platform: 'discord',
          workspaceId: '',
          userId: pat.id,
        });
        const conversation = identity ? await first.store.findOpenConversation(identity.leadId) : null;
        return conversation ? (await first.store.listAnswers(conversation.id)).map((a) => a.rawText) : [];
      };
      const answer = fake.dm(pat, 'Acme Corp');
      await vi.waitFor(async () => expect(await attempts()).toEqual(['Acme Corp']));
      await first.adapter.stop();
      running = running.filter((r) => r !== first);

      // A new process (fresh client, empty in-memory id cache) on the same store gets the replay.
      await botWithEngine({ fake, store: first.store });
      fake.redispatch(answer.index);
      fake.dm(pat, 'a later answer');
      await vi.waitFor(async () => expect(await attempts()).toContain('a later answer'));
      expect((await attempts()).filter((t) => t === 'Acme Corp')).toHaveLength(1);
    } finally {
      for (const r of running.splice(0).reverse()) await r.adapter.stop();
      await fake.close();
    }
  });
});
