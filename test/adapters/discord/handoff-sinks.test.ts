/**
 * The Discord handoff sinks through the real adapter (discord.js REST) against the strict fake:
 * a post in a sales alert's thread starts the thread on the alert (its id is the alert's) and
 * lands there once, even when retried or when a rep started the thread first; a reminder pings
 * the one rep it names; a prospect's typed mentions ping nobody. A rep's message reaches the
 * prospect's DM as "Ana (sales): text", split at 2,000, once within Discord's nonce window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { renderDiscordAlert } from '../../../adapters/discord/alert-render.ts';
import { DeliveryError } from '../../../src/core/outbox/delivery-error.ts';
import type { AlertPayload, ProspectDelivery, ThreadPost } from '../../../src/core/ports/index.ts';
import { IDS } from '../../fakes/discord-api.ts';
import { type Running, startDiscord } from './harness.ts';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

async function setup() {
  const bot = await startDiscord(async () => [], { config: { salesChannelId: IDS.channel } });
  running.push(bot);
  // An alert in the sales channel, as the alert sink posts it.
  const alert: AlertPayload = {
    leadId: 'lead-1',
    name: 'Pat',
    company: 'Acme',
    email: null,
    platform: 'discord',
    source: { platform: 'discord', workspaceId: IDS.guild, channelId: IDS.channel, campaign: null },
    stage: 'SQL',
    score: 80,
    reason: 'score 80',
    answers: [],
    breakdown: [],
    conversationId: null,
  };
  const posted = (await bot.adapter.client.rest.post(`/channels/${IDS.channel}/messages`, {
    body: renderDiscordAlert(alert, 'sales_alert:1'),
  })) as { id: string };
  const post = (p: ThreadPost['post']): ThreadPost => ({
    leadId: 'lead-1',
    alert: { sink: 'discord', externalRef: posted.id },
    post: p,
  });
  const threadPosts = () => bot.fake.visible(posted.id).filter((m) => m.author.id === IDS.bot);
  return { bot, alertId: posted.id, post, threadPosts, thread: bot.adapter.salesThread! };
}

describe('Discord sales thread', () => {
  it("starts the alert's thread (id = the alert's), posts the prospect's text inert, once per key", async () => {
    const { bot, alertId, post, threadPosts, thread } = await setup();
    const hostile = '@everyone <@1300000000000000099> **buy** now';
    const first = await thread.post(post({ kind: 'prospect', name: 'Pat <@1>', text: hostile }), 'k1');
    expect(bot.fake.threads.get(alertId)).toMatchObject({ parentId: IDS.channel });
    expect(threadPosts()).toHaveLength(1);
    const [m] = threadPosts();
    expect(first.externalRef).toBe(m!.id);
    expect(m!.allowedMentions).toEqual({ parse: [] });
    expect(m!.content).toBe('');
    expect(m!.embeds![0]!.description).not.toMatch(/(?<!\\)<@|@everyone/);
    expect(m!.embeds![0]!.description).toContain('\\*\\*buy\\*\\*');
    expect(m!.embeds![0]!.author.name).toBe('Pat <@1> (lead)');

    // A retry of the same row (the process died before marking) finds the footer: no second post.
    const again = await thread.post(post({ kind: 'prospect', name: 'Pat', text: hostile }), 'k1');
    expect(again.externalRef).toBe(m!.id);
    await thread.post(post({ kind: 'prospect', name: 'Pat', text: 'second' }), 'k2');
    expect(threadPosts()).toHaveLength(2);
    const starts = bot.fake.requests.filter((r) => r.path.endsWith('/threads'));
    expect(starts.map((r) => r.status)).toEqual([201]);
  });

  it('posts in the thread a rep started first (160004 is not an error)', async () => {
    const { bot, alertId, post, threadPosts, thread } = await setup();
    // The rep opened the thread from the client before the bot's first post was tried...
    const [status] = bot.fake.startThreadOn(alertId, 'rep thread');
    expect(status).toBe(201);
    await thread.post(post({ kind: 'closed', by: 'Ana' }), 'k1');
    expect(threadPosts()).toHaveLength(1);
    // ...and a second start on the same message is refused as Discord does.
    expect(bot.fake.startThreadOn(alertId)).toEqual([400, { code: 160004, message: expect.any(String) }]);
  });

  it('a reminder pings the named rep only; without one, nobody', async () => {
    const { post, threadPosts, thread } = await setup();
    await thread.post(
      post({ kind: 'reminder', minutes: 10, mention: '1300000000000000077', round: 1 }),
      'r1',
    );
    await thread.post(post({ kind: 'reminder', minutes: 20, mention: null, round: 2 }), 'r2');
    const [named, nobody] = threadPosts();
    expect(named!.content).toBe('<@1300000000000000077> this lead is waiting.');
    expect(named!.allowedMentions).toEqual({ parse: [], users: ['1300000000000000077'] });
    expect(nobody!.content).toBe('');
    expect(nobody!.allowedMentions).toEqual({ parse: [] });
    expect(nobody!.embeds![0]!.description).toContain('Unclaimed for 20 minutes');
  });

  it('a message that is no alert of the sales channel is a permanent failure, not a thread elsewhere', async () => {
    const { bot, thread } = await setup();
    const pat = bot.fake.user('pat');
    const dm = bot.fake.dmChannelOf(pat.id);
    const elsewhere = (await bot.adapter.client.rest.post(`/channels/${dm}/messages`, {
      body: { content: 'hi' },
    })) as { id: string };
    const err = await thread
      .post(
        {
          leadId: 'x',
          alert: { sink: 'discord', externalRef: elsewhere.id },
          post: { kind: 'closed', by: 'Ana' },
        },
        'k',
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
  });
});

describe('Discord prospect messenger', () => {
  const delivery = (userId: string, message: ProspectDelivery['message']): ProspectDelivery => ({
    leadId: 'lead-1',
    handoffId: 'h1',
    messageId: 'm1',
    to: { platform: 'discord', workspaceId: IDS.guild, userId, channelId: '' },
    message,
  });

  it('DMs "Ana (sales): text", escaped, split at 2,000, no mentions; a retry returns the same message', async () => {
    const { bot } = await setup();
    const pat = bot.fake.user('pat', 'Pat');
    const messenger = bot.adapter.prospectMessenger;
    const long = `hello @here <@123> ${'x'.repeat(2500)}`;
    const ref = await messenger.deliver(
      delivery(pat.id, { kind: 'rep', repName: 'Ana_B', text: long }),
      'p1',
    );
    const dm = bot.fake.visible(bot.fake.dmChannelOf(pat.id));
    expect(dm).toHaveLength(2);
    expect(ref.externalRef).toBe(dm[0]!.id);
    expect(dm[0]!.content.startsWith('**Ana\\_B (sales)**: hello @\u200bhere \\<@123>')).toBe(true);
    for (const m of dm) {
      expect(Array.from(m.content).length).toBeLessThanOrEqual(2000);
      expect(m.allowedMentions).toEqual({ parse: [] });
    }
    // Within Discord's nonce window a retry returns the earlier messages instead of new ones.
    const again = await messenger.deliver(
      delivery(pat.id, { kind: 'rep', repName: 'Ana_B', text: long }),
      'p1',
    );
    expect(again.externalRef).toBe(ref.externalRef);
    expect(bot.fake.visible(bot.fake.dmChannelOf(pat.id))).toHaveLength(2);
    // The same text under another key (the rep wrote it twice) is delivered again.
    await messenger.deliver(delivery(pat.id, { kind: 'joined', repName: 'Ana' }), 'p2');
    await messenger.deliver(delivery(pat.id, { kind: 'joined', repName: 'Ana' }), 'p3');
    const texts = bot.fake.visible(bot.fake.dmChannelOf(pat.id)).map((m) => m.content);
    expect(texts.slice(2)).toEqual([
      'Ana from the sales team has joined the conversation.',
      'Ana from the sales team has joined the conversation.',
    ]);
  });

  it('after the nonce window a retry posts again (the limit the README states)', async () => {
    const { bot } = await setup();
    const pat = bot.fake.user('pat');
    const m = bot.adapter.prospectMessenger;
    await m.deliver(delivery(pat.id, { kind: 'closed', repName: null }), 'c1');
    bot.fake.advanceClock(3 * 60_000);
    await m.deliver(delivery(pat.id, { kind: 'closed', repName: null }), 'c1');
    expect(bot.fake.visible(bot.fake.dmChannelOf(pat.id))).toHaveLength(2);
  });

  it('closed DMs (50007) are a permanent failure', async () => {
    const { bot } = await setup();
    const pat = bot.fake.user('pat');
    bot.fake.dmsClosed.add(pat.id);
    const err = await bot.adapter.prospectMessenger
      .deliver(delivery(pat.id, { kind: 'joined', repName: 'Ana' }), 'j1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeliveryError);
    expect((err as DeliveryError).permanent).toBe(true);
  });
});
