/**
 * The adapter's own behaviour through the real discord.js Client and the loopback fake, with a
 * scripted handler standing in for the engine: registration, intents, escaping, replays,
 * closed DMs, rate limits. (qualify.test.ts runs the real engine.)
 */
import { GatewayIntentBits, MessageFlags } from 'discord.js';
import { afterEach, describe, expect, test } from 'vitest';
import { decodeCustomId, encodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { UI_TEXT } from '../../../adapters/discord/outbound.ts';
import type { InboundEvent, OutboundMessage } from '../../../src/core/events.ts';
import { IDS, modalInputIds, startFakeDiscord } from '../../fakes/discord-api.ts';
import { type Running, startDiscord } from './harness.ts';

const INJECTION =
  '@everyone @here <@&1300000000000000077> <@1300000000000000100> **bold** [x](https://evil.example)';

/** Echoes what it received, the way a flow interpolates answers into its next question. */
function echo(seen: InboundEvent[]) {
  return async (e: InboundEvent): Promise<OutboundMessage[]> => {
    seen.push(e);
    if (e.kind === 'message' && !e.isDirect)
      return [{ kind: 'info', text: `Hi ${e.text}`, offerPrivate: true }];
    if (e.kind === 'message') {
      const choices = [{ value: 'acme', label: 'Acme' }];
      return [{ kind: 'question', text: `You said: ${e.text}. Company?`, stepId: 'company', choices }];
    }
    if (e.kind === 'choice') return [{ kind: 'info', text: `Picked ${e.values.join(',')}` }];
    return [{ kind: 'question', text: 'Need?', stepId: 'need', choices: [{ value: 'crm', label: 'A CRM' }] }];
  };
}

let running: Running[] = [];
afterEach(async () => {
  for (const r of running.reverse()) await r.stop();
  running = [];
});

async function start(...args: Parameters<typeof startDiscord>): Promise<Running> {
  const r = await startDiscord(...args);
  running.push(r);
  return r;
}

describe('start', () => {
  test('registers /qualify once: a second start compares and writes nothing', async () => {
    const fake = await startFakeDiscord();
    const first = await start(async () => [], { fake });
    await first.adapter.stop();
    await start(async () => [], { fake });
    const puts = fake.requests.filter((r) => r.method === 'PUT');
    expect(puts).toHaveLength(1);
    expect(fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/commands'))).toHaveLength(2);
    expect(fake.commands.get('global')?.map((c) => c.name)).toEqual(['qualify', 'leadbot', 'link']);
    await fake.close();
  });

  test('registers per guild when DISCORD_GUILD_ID is set', async () => {
    const r = await start(async () => [], { config: { guildId: IDS.guild } });
    expect(r.fake.commands.get(IDS.guild)?.map((c) => c.name)).toEqual(['qualify', 'leadbot', 'link']);
    expect(r.fake.commands.has('global')).toBe(false);
  });

  test('requests only the needed intents and logs what it cannot do without Message Content', async () => {
    const r = await start(async () => []);
    const needed =
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.DirectMessages;
    expect(r.fake.identifies[0]?.intents).toBe(needed);
    const line = r.logger.lines.find((l) => l.msg?.includes('Message Content intent not requested'));
    expect(line?.msg).toContain('cannot read server messages that do not mention it');
    const withContent = await start(async () => [], { config: { messageContent: true } });
    expect(withContent.fake.identifies[0]?.intents).toBe(needed | GatewayIntentBits.MessageContent);
  });
});

describe('no pings, no markup from user text', () => {
  test('a DM echo is escaped and sent with allowed_mentions parse []', async () => {
    const r = await start(echo([]));
    const u = r.fake.user('mallory');
    r.fake.dm(u, INJECTION);
    const dm = r.fake.dmChannelOf(u.id);
    const [reply] = await r.fake.waitFor('the echo', () => {
      const bot = r.fake.visible(dm).filter((m) => m.author.bot);
      return bot.length ? bot : null;
    });
    expect(reply!.content).toBe(
      'You said: @\u200beveryone @\u200bhere \\<@&1300000000000000077> \\<@1300000000000000100> \\*\\*bold\\*\\* \\[x](https://evil.example). Company?',
    );
    const body = r.fake.requests.find((q) => q.path === `/channels/${dm}/messages`)!.body!;
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(body.flags & MessageFlags.SuppressEmbeds).toBeTruthy();
  });

  test('a mention in a server gets a non-pinging reply with the continue-privately button, and no question', async () => {
    const seen: InboundEvent[] = [];
    const r = await start(echo(seen));
    const u = r.fake.user('mallory');
    r.fake.say(u, 'just chatting, no mention');
    r.fake.say(u, INJECTION, { mentionBot: true });
    const [reply] = await r.fake.waitFor('the reply', () => {
      const bot = r.fake.visible(IDS.channel).filter((m) => m.author.bot);
      return bot.length ? bot : null;
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      kind: 'message',
      isDirect: false,
      workspaceId: IDS.guild,
      mentionsBot: true,
    });
    expect(reply!.content).not.toMatch(/(^|[^\\])<@|@(everyone|here)/);
    const ids = reply!.components.flatMap((row) =>
      row.components.map((c: { custom_id: string }) => c.custom_id),
    );
    expect(ids.map(decodeCustomId)).toEqual([{ kind: 'private' }]);
    const body = r.fake.requests.find((q) => q.path === `/channels/${IDS.channel}/messages`)!.body!;
    expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(body.message_reference?.message_id).toBeDefined();
  });
});

describe('replays and rate limits', () => {
  test('a message and an interaction replayed after a gateway resume are processed once', async () => {
    const seen: InboundEvent[] = [];
    const r = await start(echo(seen));
    const u = r.fake.user('pat');
    const msg = r.fake.dm(u, 'first');
    const dm = r.fake.dmChannelOf(u.id);
    const [question] = await r.fake.waitFor('the answer', () => {
      const bot = r.fake.visible(dm).filter((m) => m.author.bot);
      return bot.length ? bot : null;
    });
    const click = r.fake.click(u, question!.id, 'lb:c:company:acme');
    await r.fake.waitFor('the click answer', () => r.fake.visible(dm).length >= 2);
    r.fake.reconnectAndReplay([msg.index, click.index]);
    await r.fake.waitFor('the resume', () => r.fake.resumes === 1);
    // A later event from someone else proves the replays were already handled when it is answered.
    const other = r.fake.user('sentinel');
    r.fake.dm(other, 'after');
    await r.fake.waitFor(
      'the sentinel answer',
      () => r.fake.visible(r.fake.dmChannelOf(other.id)).length > 0,
    );
    expect(seen.map((e) => e.eventId)).toEqual([msg.id, click.id, expect.any(String)]);
    expect(r.fake.requests.filter((q) => q.path.includes(`/interactions/${click.id}/`))).toHaveLength(1);
    expect(r.fake.visible(dm)).toHaveLength(2);
  });

  test('a 429 is waited out by discord.js and the reply is delivered once', async () => {
    const r = await start(echo([]));
    const u = r.fake.user('pat');
    r.fake.rateLimitNext('POST', /^\/channels\/\d+\/messages$/, 0.05);
    r.fake.dm(u, 'hello');
    const dm = r.fake.dmChannelOf(u.id);
    await r.fake.waitFor('the reply', () => r.fake.visible(dm).length > 0);
    const posts = r.fake.requests.filter((q) => q.method === 'POST' && q.path === `/channels/${dm}/messages`);
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(r.fake.visible(dm)).toHaveLength(1);
  });
});

describe('closed DMs', () => {
  test('/qualify falls back to ephemeral replies, free answers go through the modal', async () => {
    const seen: InboundEvent[] = [];
    const r = await start(async (e) => {
      seen.push(e);
      if (e.kind === 'command') return [{ kind: 'question', text: 'Your company?', stepId: 'company' }];
      return [{ kind: 'info', text: `Thanks, ${e.kind === 'message' ? e.text : ''}` }];
    });
    const u = r.fake.user('shy');
    r.fake.dmsClosed.add(u.id);
    r.fake.slash(u, 'guild');
    const visible = () => r.fake.visible(IDS.channel, u.id);
    await r.fake.waitFor('the ephemeral question', () => visible().length >= 2);
    expect(r.fake.visible(IDS.channel, 'someone-else')).toEqual([]);
    const [notice, question] = visible();
    expect(notice!.content).toBe(UI_TEXT.dmClosed);
    expect(question!.flags & MessageFlags.Ephemeral).toBeTruthy();
    const answerId = encodeCustomId({ kind: 'answer', stepId: 'company' });
    expect(question!.components[0]!.components[0].custom_id).toBe(answerId);

    const open = r.fake.click(u, question!.id, answerId);
    const callback = await r.fake.waitFor('the modal', () =>
      r.fake.requests.find((q) => q.path.includes(`/interactions/${open.id}/`)),
    );
    expect(callback.body?.type).toBe(9);
    const modalId = callback.body?.data.custom_id as string;
    r.fake.submitModal(u, question!.id, modalId, modalInputIds(callback.body?.data)[0]!, '@everyone Acme');
    await r.fake.waitFor('the thanks', () => visible().length >= 3);
    expect(seen.at(-1)).toMatchObject({
      kind: 'message',
      text: '@everyone Acme',
      isDirect: true,
      workspaceId: '',
    });
    expect(r.fake.messages.get(question!.id)!.content).toBe('Your company?\n\n→ @\u200beveryone Acme');
    expect(visible().at(-1)!.content).toBe('Thanks, @\u200beveryone Acme');
  });
});
