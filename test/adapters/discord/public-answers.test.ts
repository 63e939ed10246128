/**
 * `/leadbot … public:true` on the strict fake: after the private (ephemeral) deferral, Discord
 * turns the first follow-up into an edit of that deferred reply and keeps it ephemeral, so the
 * answer must reach the channel another way. It is posted as a channel message (exports with
 * their CSV); where the bot may not post, the manager gets it privately with a note.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import { type FakeDiscord, type FakeUser, IDS, PERMS, startFakeDiscord } from '../../fakes/discord-api.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { startDiscord } from './harness.ts';

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function bot() {
  const fake = await startFakeDiscord();
  const { engine, store } = await createTestEngine();
  const r = await startDiscord(engine.handle, {
    fake,
    config: { managerRoleId: IDS.managerRole },
    deps: { store, outreach: createMemoryOutreachStore() },
  });
  cleanups.push(async () => {
    await r.stop();
    await fake.close();
  });
  return { fake, store };
}

const ADMIN = { permissions: PERMS.manageGuild, roles: [] };

/** Runs `/leadbot <sub>` and waits until the interaction's answer is complete (edited or deleted). */
async function run(fake: FakeDiscord, u: FakeUser, sub: string, options: Record<string, string | boolean>) {
  const { id } = fake.leadbot(u, sub, options, ADMIN);
  const hook = `/webhooks/${IDS.application}/token-${id}`;
  await fake.waitFor(`answer to /leadbot ${sub}`, () =>
    fake.requests.find(
      (q) => q.path.startsWith(hook) && (q.method === 'PATCH' || q.method === 'DELETE') && q.status < 300,
    ),
  );
  return fake.interactions.get(`token-${id}`)!;
}

const everyoneSees = (fake: FakeDiscord) =>
  [...fake.messages.values()].filter((m) => m.channel_id === IDS.channel && !m.visibleTo && !m.deleted);

describe('Discord public manager answers', () => {
  it('stats and export with public:true are seen by the whole channel, once', async () => {
    const { fake, store } = await bot();
    await store.createLead({ name: 'Ada', stage: 'SQL' });
    const mgr = fake.user('mgr');
    const stats = await run(fake, mgr, 'stats', { public: true });
    const posted = everyoneSees(fake).filter((m) => m.content.startsWith('Per stage'));
    expect(posted).toHaveLength(1);
    // The deferred private acknowledgement does not linger as "thinking…".
    expect(fake.messages.get(stats.original!)?.deleted).toBe(true);

    await run(fake, mgr, 'export', { public: true });
    const csv = everyoneSees(fake).find((m) => m.attachments?.length);
    expect(csv?.attachments?.[0]?.filename).toMatch(/^leads-.*\.csv$/);
    expect(csv?.attachments?.[0]?.text).toContain('Ada');
    // Nothing was left for the manager alone, nothing refused.
    expect(fake.requests.filter((q) => q.status >= 400)).toEqual([]);
  });

  it('answers privately with a note where the bot may not post', async () => {
    const { fake } = await bot();
    fake.channelsClosed.add(IDS.channel);
    const mgr = fake.user('mgr');
    const stats = await run(fake, mgr, 'stats', { public: true });
    const answer = fake.messages.get(stats.original!)!;
    expect(answer.visibleTo).toBe(mgr.id);
    expect(answer.deleted).toBeFalsy();
    expect(answer.content).toContain('cannot post in this channel');
    expect(answer.content).toContain('Per stage');
    expect(everyoneSees(fake)).toEqual([]);
  });
});
