/**
 * Manager commands and outreach on Discord, end to end: `/leadbot` interactions and clicks
 * through the real discord.js Client against the loopback fake, the real engine and a memory
 * store (one run on SQLite), asserted on what the fake received and on the store.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import type { LeadStore, OutreachStore } from '../../../src/core/ports/index.ts';
import {
  type FakeDiscord,
  type FakeMessage,
  type FakeUser,
  IDS,
  PERMS,
  startFakeDiscord,
} from '../../fakes/discord-api.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { storeBackends } from '../../helpers/stores.ts';
import { type Running, startDiscord } from './harness.ts';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function bot(opts: { store?: LeadStore; outreach?: OutreachStore; messageContent?: boolean } = {}) {
  const fake = await startFakeDiscord();
  const { engine, store } = await createTestEngine(opts.store ? { store: opts.store } : {});
  const outreach = opts.outreach ?? createMemoryOutreachStore();
  const r: Running = await startDiscord(engine.handle, {
    fake,
    config: { managerRoleId: IDS.managerRole, messageContent: opts.messageContent ?? false },
    deps: { store, outreach },
  });
  cleanups.push(async () => {
    await r.stop();
    await fake.close();
  });
  return { fake, store, outreach, r };
}

const MANAGER = { roles: [IDS.managerRole] };

/** Polls `predicate` (for state the fake does not announce, such as log lines); a hang guard. */
async function until(what: string, predicate: () => boolean, ms = 8000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Runs `/leadbot <sub>` and resolves with the private answer (or the public one). */
async function run(
  fake: FakeDiscord,
  u: FakeUser,
  sub: string,
  options: Record<string, string | boolean | FakeUser> = {},
  opts: { roles?: string[]; permissions?: string; where?: 'guild' | 'dm' } = MANAGER,
) {
  const { id } = fake.leadbot(u, sub, options, opts);
  const hook = `/webhooks/${IDS.application}/token-${id}`;
  const done = await fake.waitFor(`answer to /leadbot ${sub}`, () =>
    fake.requests.find(
      (q) => q.path.startsWith(hook) && (q.method === 'PATCH' || q.method === 'DELETE') && q.status < 300,
    ),
  );
  return {
    id,
    text: String(done.body?.content ?? ''),
    files: (done.body?.__files ?? []) as { filename: string; text: string }[],
    followUps: () => fake.requests.filter((q) => q.method === 'POST' && q.path === hook).map((q) => q.body!),
  };
}

/** The buttons of a message's first row. */
const buttonsOf = (m: FakeMessage): { custom_id: string }[] => m.components[0]?.components ?? [];

const publicIn = (fake: FakeDiscord) =>
  [...fake.messages.values()].filter((m) => m.channel_id === IDS.channel && !m.visibleTo && !m.deleted);

/** Starts a conversation in the DM so the person is a lead; resolves with the first question. */
async function becomeLead(fake: FakeDiscord, u: FakeUser): Promise<FakeMessage[]> {
  fake.dm(u, 'hello');
  const dm = fake.dmChannelOf(u.id);
  return fake.waitFor('the first question', () => {
    const got = fake.visible(dm, u.id).filter((m) => m.author.bot);
    return got.some((m) => m.content.includes('brings you here')) ? got : null;
  });
}

describe('Discord /leadbot manager commands', () => {
  it('refuses non-managers politely and privately, and changes nothing', async () => {
    const { fake, store } = await bot();
    const nobody = fake.user('nobody');
    const jane = fake.user('jane');
    const stats = await run(fake, nobody, 'stats', {}, { roles: [] });
    expect(stats.text).toContain('for the community managers');
    const original = [...fake.messages.values()].find((m) => m.content === stats.text)!;
    expect(original.visibleTo).toBe(nobody.id);
    const q = await run(fake, nobody, 'qualify', { member: jane }, { roles: [] });
    expect(q.text).toContain('for the community managers');
    expect(publicIn(fake)).toEqual([]);
    expect((await store.listLeads({})).items).toEqual([]);
    // In a DM there is no member, hence no role: refused as well.
    expect((await run(fake, nobody, 'stats', {}, { where: 'dm' })).text).toContain('community managers');
  });

  it('qualify posts a consent prompt only the invited member can accept; no DM before Accept', async () => {
    const { fake, store } = await bot();
    const mgr = fake.user('mgr');
    const jane = fake.user('jane');
    const bob = fake.user('bob');
    const res = await run(fake, mgr, 'qualify', { member: jane });
    expect(res.text).toContain('Invitation posted');
    const prompt = await fake.waitFor('the consent prompt', () =>
      publicIn(fake).find((m) => m.content.startsWith(`<@${jane.id}>`)),
    );
    // The invited member is pinged on purpose; nobody else can be.
    expect(prompt.allowedMentions).toEqual({ parse: [], users: [jane.id], replied_user: false });
    const ids = buttonsOf(prompt).map((c) => decodeCustomId(c.custom_id));
    // The buttons also carry the inviting manager, credited on Accept.
    expect(ids).toEqual([
      { kind: 'consent', accept: true, userId: jane.id, invitedBy: mgr.id },
      { kind: 'consent', accept: false, userId: jane.id, invitedBy: mgr.id },
    ]);
    const accept = buttonsOf(prompt)[0]!.custom_id;
    expect(fake.visible(fake.dmChannelOf(jane.id), jane.id)).toEqual([]);

    fake.click(bob, prompt.id, accept);
    await fake.waitFor('not yours', () =>
      fake.visible(IDS.channel, bob.id).find((m) => m.content.includes('for someone else')),
    );
    expect(fake.visible(fake.dmChannelOf(bob.id), bob.id)).toEqual([]);

    fake.click(jane, prompt.id, accept);
    const dm = fake.dmChannelOf(jane.id);
    await fake.waitFor('the first question in the DM', () =>
      fake.visible(dm, jane.id).find((m) => m.content.includes('brings you here')),
    );
    expect(prompt.components).toEqual([]);
    expect(prompt.content).toContain('Accepted');
    const identity = await store.findIdentity({ platform: 'discord', workspaceId: '', userId: jane.id });
    expect(await store.getLead(identity!.leadId)).toMatchObject({
      consent: true,
      invitedBy: `discord:${mgr.id}`,
      // The server and channel the prompt was answered in, not the DM (issue #18).
      source: {
        workspaceId: IDS.guild,
        channelId: IDS.channel,
        workspaceName: 'Fake community',
        channelName: 'general',
      },
    });
  });

  it('runs every subcommand for a member with Manage Server', async () => {
    const { fake, store } = await bot();
    const mgr = fake.user('mgr');
    const rep = fake.user('rep');
    const jane = fake.user('jane', 'Jane @everyone');
    await becomeLead(fake, jane);
    const asAdmin = { permissions: PERMS.manageGuild, roles: [] };
    const leadId = (await store.findIdentity({ platform: 'discord', workspaceId: '', userId: jane.id }))!
      .leadId;

    expect((await run(fake, mgr, 'help', {}, asAdmin)).text).toContain('Usage: /leadbot');
    const card = await run(fake, mgr, 'lead', { member: jane }, asAdmin);
    expect(card.text).toContain(`Lead ${leadId}`);
    expect(card.text).toContain(`discord:${jane.id}`);
    expect((await run(fake, mgr, 'lead', {}, asAdmin)).text).toContain('name one member or lead id');

    const stage = await run(
      fake,
      mgr,
      'stage',
      { member: jane, stage: 'SQL', reason: 'met at <@&1> event' },
      asAdmin,
    );
    expect(stage.text).toContain('cold → SQL');
    expect(stage.text).toContain('Sales will be alerted');
    expect((await store.outbox.list()).filter((o) => o.leadId === leadId)).toHaveLength(1);
    expect((await store.listStageChanges(leadId)).at(-1)?.actor).toBe(`discord:${mgr.id}`);

    expect((await run(fake, mgr, 'leads', { stage: 'SQL' }, asAdmin)).text).toContain(leadId);
    expect((await run(fake, mgr, 'leads', { stage: 'MQL' }, asAdmin)).text).toBe('No leads match.');

    expect((await run(fake, mgr, 'assign', { id: leadId, rep }, asAdmin)).text).toContain(
      `discord:${rep.id}`,
    );
    expect((await store.getLead(leadId))?.ownerId).toBe(`discord:${rep.id}`);
    await run(fake, mgr, 'note', { member: jane, text: 'ping @everyone <@123> *bold*' }, asAdmin);
    expect((await store.listNotes(leadId)).at(-1)?.text).toBe('ping @everyone <@123> *bold*');
    const card2 = await run(fake, mgr, 'lead', { id: leadId }, asAdmin);
    // Escaped: no mention, no everyone ping, no markdown.
    expect(card2.text).toContain('@\u200beveryone \\<@123> \\*bold\\*');

    const exported = await run(fake, mgr, 'export', { stage: 'SQL' }, asAdmin);
    expect(exported.files).toHaveLength(1);
    expect(exported.files[0]!.filename).toMatch(/^leads-\d{4}-\d{2}-\d{2}\.csv$/);
    const lines = exported.files[0]!.text.trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,stage,score,name,email,phone,company,owner,source_platform,source_campaign,consent,created_at',
    );
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(leadId);

    const stats = await run(fake, mgr, 'stats', { public: true }, asAdmin);
    expect(stats.text).toBe(''); // the private acknowledgement is deleted …
    const posted = await fake.waitFor('public stats', () =>
      publicIn(fake).find((m) => m.content.startsWith('Per stage')),
    );
    expect(posted.content).toContain('SQL 1'); // … and the answer is in the channel.

    expect((await run(fake, mgr, 'unlink', { member: jane }, asAdmin)).text).toContain('only account');
    expect((await run(fake, mgr, 'forget', { member: jane }, asAdmin)).text).toContain('erased');
    expect(await store.getLead(leadId)).toBeNull();
    expect(await store.listNotes(leadId)).toEqual([]);

    // Every message the manager layer sent refuses to ping anyone.
    for (const body of fake.messageBodies().filter((b) => b.content !== '' && !b.content.startsWith('<@')))
      expect(body.allowed_mentions?.parse ?? []).toEqual([]);
  });

  it('links two accounts with a code (DM link, then /leadbot link) and unlinks; stop blocks invitations', async () => {
    const { fake, store } = await bot();
    const mgr = fake.user('mgr');
    const jane = fake.user('jane');
    const alt = fake.user('jane-alt');
    await becomeLead(fake, jane);
    const dm = fake.dmChannelOf(jane.id);
    fake.dm(jane, 'link');
    const codeMsg = await fake.waitFor('a link code', () =>
      fake.visible(dm, jane.id).find((m) => m.content.includes('Your link code is')),
    );
    const code = /code is ([A-Z0-9]{8})/.exec(codeMsg.content)![1]!;
    expect((await run(fake, alt, 'link', { code: 'WRONG123' }, { roles: [] })).text).toContain(
      'unknown or expired',
    );
    expect((await run(fake, alt, 'link', { code }, { roles: [] })).text).toContain('Linked!');
    const lead = (await store.findIdentity({ platform: 'discord', workspaceId: '', userId: jane.id }))!
      .leadId;
    expect((await store.listIdentities(lead)).map((i) => i.userId).sort()).toEqual([jane.id, alt.id].sort());
    expect((await run(fake, mgr, 'unlink', { member: alt })).text).toContain('unlinked');
    expect((await store.listIdentities(lead)).map((i) => i.userId)).toEqual([jane.id]);
    // The same through DMs: "link" on one account, "link <code>" on the other.
    fake.dm(jane, 'link');
    const second = await fake.waitFor('a second code', () => {
      const codes = fake.visible(dm, jane.id).filter((m) => m.content.includes('Your link code is'));
      return codes.length === 2 ? codes[1] : null;
    });
    const code2 = /code is ([A-Z0-9]{8})/.exec(second.content)![1]!;
    fake.dm(alt, `link ${code2.toLowerCase()}`);
    await fake.waitFor('linked by DM', () =>
      fake.visible(fake.dmChannelOf(alt.id), alt.id).find((m) => m.content.includes('Linked!')),
    );
    expect((await store.listIdentities(lead)).map((i) => i.userId).sort()).toEqual([jane.id, alt.id].sort());
    await run(fake, mgr, 'unlink', { member: alt });

    fake.dm(jane, 'stop');
    await fake.waitFor('stop answered', () =>
      fake.visible(dm, jane.id).find((m) => m.content.includes('I stopped here')),
    );
    expect((await run(fake, mgr, 'qualify', { member: jane })).text).toContain('asked not to be contacted');

    fake.dm(jane, 'forget me');
    await fake.waitFor('forgotten', () =>
      fake.visible(dm, jane.id).find((m) => m.content.includes('erased')),
    );
    expect(await store.getLead(lead)).toBeNull();
  });

  it('offers qualification on an intent signal in public (Message Content on), once per cooldown, no ping', async () => {
    const { fake, r } = await bot({ messageContent: true });
    const sam = fake.user('sam');
    fake.say(sam, 'what is your pricing for teams?');
    const offer = await fake.waitFor('an offer', () =>
      publicIn(fake).find((m) => m.components.length > 0 && m.content.includes('looking into this')),
    );
    expect(offer.allowedMentions).toEqual({ parse: [], replied_user: false });
    const accept = decodeCustomId(buttonsOf(offer)[0]!.custom_id);
    expect(accept).toEqual({ kind: 'consent', accept: true, userId: sam.id });
    const considered = () => r.logger.lines.filter((l) => l.msg === 'intent considered');
    await until('first message considered', () => considered().length === 1);
    fake.say(sam, 'and a demo?'); // person cooldown
    fake.say(fake.user('kim'), 'enterprise plan?'); // channel cooldown
    fake.say(fake.user('lou'), 'nice weather'); // no signal
    await until('all considered', () => considered().length === 4);
    expect(considered().filter((l) => (l.obj as { offered: boolean }).offered)).toHaveLength(1);
    expect(publicIn(fake).filter((m) => m.content.includes('looking into this'))).toHaveLength(1);
  });
});

describe('Discord manager commands on SQLite', () => {
  it('qualify, accept and stage on a real database', async () => {
    const backend = storeBackends().find((b) => b.name === 'sqlite')!;
    const opened = (await backend.open())!;
    cleanups.push(opened.cleanup);
    const { fake, store } = await bot({ store: opened.store });
    const mgr = fake.user('mgr');
    const jane = fake.user('jane');
    await run(fake, mgr, 'qualify', { member: jane });
    const prompt = await fake.waitFor('prompt', () => publicIn(fake).find((m) => m.components.length > 0));
    fake.click(jane, prompt.id, buttonsOf(prompt)[0]!.custom_id);
    await fake.waitFor('DM', () =>
      fake.visible(fake.dmChannelOf(jane.id), jane.id).find((m) => m.content.includes('brings you here')),
    );
    const res = await run(fake, mgr, 'stage', { member: jane, stage: 'MQL', reason: 'engaged' });
    expect(res.text).toContain('cold → MQL');
    const id = (await store.findIdentity({ platform: 'discord', workspaceId: '', userId: jane.id }))!;
    expect((await store.getLead(id.leadId))?.stage).toBe('MQL');
  });
});
