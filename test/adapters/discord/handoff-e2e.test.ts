/**
 * Issue 18's handoff on Discord, end to end with the real discord.js Client against the strict
 * fake, the real engine over the shipped flow and a real store (memory and SQLite): a prospect
 * reaches SQL in their DM; the alert lands in the sales channel; a rep claims it, opens the
 * alert's thread and replies there; the prospect gets "joined" and the reply in their DM; their
 * answer appears in the thread instead of going to the flow; `/leadbot close` in the thread
 * ends it on both sides. Nothing posted pings anyone but a reminder's rep.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { HANDOFF_TEXT, RELAYED } from '../../../adapters/discord/handoff.ts';
import { loadTranscript } from '../../../src/app/transcripts.ts';
import { SALES_ALERT } from '../../../src/core/lead-lifecycle.ts';
import { createOutboxDispatcher } from '../../../src/core/outbox/dispatcher.ts';
import type { Clock } from '../../../src/core/ports/index.ts';
import { type FakeDiscord, type FakeUser, IDS } from '../../fakes/discord-api.ts';
import { createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { handoffSinks } from '../../helpers/handoff-sinks.ts';
import { type OpenedStore, storeBackends } from '../../helpers/stores.ts';
import { type Running, startDiscord } from './harness.ts';

const STRONG = fileURLToPath(new URL('../../../flows/transcripts/strong-prospect.yaml', import.meta.url));
// Outbox rows are stamped with the engine's test clock (in the past): due for this clock.
const clock: Clock = { now: () => new Date(Date.now() + 60_000) };

let running: Running | undefined;
let opened: OpenedStore | null | undefined;
afterEach(async () => {
  await running?.stop();
  await opened?.cleanup();
  running = undefined;
  opened = undefined;
});

const fromBot = (fake: FakeDiscord, channelId: string) =>
  fake.visible(channelId).filter((m) => m.author.id === IDS.bot);

/** Plays the strong prospect's transcript in the DM, as a person: click or type, then wait. */
async function qualify(fake: FakeDiscord, pat: FakeUser): Promise<void> {
  const dm = fake.dmChannelOf(pat.id);
  const transcript = await loadTranscript(STRONG);
  fake.slash(pat, 'guild');
  await fake.waitFor('the first question', () => fromBot(fake, dm).at(-1)?.components.length);
  for (const step of transcript.steps.slice(1)) {
    if ('command' in step) continue;
    const before = fromBot(fake, dm).length;
    const question = fromBot(fake, dm).at(-1)!;
    if ('choose' in step) {
      const buttons = question.components.flatMap((r) => r.components) as { custom_id: string }[];
      const select = buttons.find((c) => decodeCustomId(c.custom_id)?.kind === 'select');
      if (select) fake.select(pat, question.id, select.custom_id, step.choose);
      else {
        const b = buttons.find((c) => {
          const id = decodeCustomId(c.custom_id);
          return id?.kind === 'choice' && id.value === step.choose[0];
        });
        fake.click(pat, question.id, b!.custom_id);
      }
    } else fake.dm(pat, step.say);
    // The next question (the last message of the reply) is on screen.
    await fake.waitFor(`the reply to step ${before}`, () => fromBot(fake, dm).length > before);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['memory', 'sqlite'] as const)('Discord handoff end to end (%s)', (backend) => {
  it('claim, reply in the thread, DM, answer in the thread, close', async () => {
    opened = await storeBackends()
      .find((b) => b.name === backend)!
      .open();
    const store = opened!.store;
    const { engine } = await createTestEngine({ store });
    running = await startDiscord(engine.handle, {
      config: { salesChannelId: IDS.channel, messageContent: true },
      deps: { store },
    });
    const { fake, adapter } = running;
    const dispatcher = createOutboxDispatcher({
      store,
      sinks: {
        [SALES_ALERT]: adapter.alertSink!,
        ...handoffSinks([adapter.prospectMessenger], [adapter.salesThread!]),
      },
      clock,
      logger: silentLogger,
      workerId: 'w1',
    });

    const pat = fake.user('pat', 'Pat Prospect');
    const ana = fake.user('ana', 'Ana');
    await qualify(fake, pat);
    const [lead] = (await store.listLeads({})).items;
    expect(lead?.stage).toBe('SQL');
    await dispatcher.runOnce();
    const alert = fromBot(fake, IDS.channel).find((m) => m.embeds?.length)!;
    expect(alert).toBeDefined();

    // A reply before the claim is refused in the thread; nothing reaches the prospect.
    fake.startThreadOn(alert.id, 'Pat');
    const early = fake.threadReply(ana, alert.id, 'Hello?');
    await fake.waitFor('the refusal', () =>
      fromBot(fake, alert.id).find((m) => m.content === HANDOFF_TEXT.notClaimed),
    );
    expect(fake.messages.get(early.id)?.reactions).toBeUndefined();

    fake.click(ana, alert.id, `lb:alert:claim:${lead!.id}`);
    await fake.waitFor(
      'the claim',
      () =>
        fake.messages.get(alert.id)?.components[0]?.components[0]?.custom_id === `lb:alert:close:${lead!.id}`,
    );
    expect((await store.getLead(lead!.id))?.ownerId).toBe(`discord:${ana.id}`);

    const reply = fake.threadReply(ana, alert.id, 'Hi Pat, Ana here. **When** can we talk? @everyone');
    await fake.waitFor('the ✅ on the relayed reply', () =>
      fake.messages.get(reply.id)?.reactions?.includes(RELAYED),
    );
    await dispatcher.runOnce();
    const dm = fake.dmChannelOf(pat.id);
    const lastDms = () =>
      fromBot(fake, dm)
        .map((m) => m.content)
        .slice(-2);
    expect(lastDms()).toEqual([
      'Ana from the sales team has joined the conversation.',
      '**Ana (sales)**: Hi Pat, Ana here. \\*\\*When\\*\\* can we talk? @\u200beveryone',
    ]);

    // The prospect's answer goes to the thread, not to the flow.
    const flowReplies = fromBot(fake, dm).length;
    fake.dm(pat, 'Tuesday at 10 works <@1300000000000000099>');
    await expect.poll(async () => (await store.handoffs.listMessages(lead!.id)).length).toBe(3);
    await dispatcher.runOnce();
    const answer = fromBot(fake, alert.id).find((m) => m.embeds?.[0]?.author?.name === 'Pat Prospect (lead)');
    expect(answer?.embeds?.[0]?.description).toBe('Tuesday at 10 works \\<@1300000000000000099>');
    expect(answer?.allowedMentions).toEqual({ parse: [] });
    expect(fromBot(fake, dm)).toHaveLength(flowReplies);

    // `/leadbot close` in the thread: the closer hears it privately, both sides are told.
    fake.leadbot(ana, 'close', {}, { channelId: alert.id });
    await fake.waitFor('the close answer', () =>
      fake.visible(alert.id, ana.id).find((m) => m.content === HANDOFF_TEXT.closed),
    );
    await dispatcher.runOnce();
    expect(fromBot(fake, dm).at(-1)?.content).toBe(
      'Ana from the sales team has closed the conversation. Thanks for your time!',
    );
    expect(fromBot(fake, alert.id).at(-1)?.embeds?.[0]?.description).toMatch(/^Conversation closed by Ana\./);
    expect((await store.getLead(lead!.id))?.openHandoffId).toBeNull();
    // Every message the bot posted allowed no mention (the reminder's rep is the only exception).
    for (const m of [...fromBot(fake, dm), ...fromBot(fake, alert.id)])
      expect(m.allowedMentions?.parse).toEqual([]);
  });
});
