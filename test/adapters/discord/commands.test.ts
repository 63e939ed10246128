/**
 * The commands leadbot registers on Discord: `/leadbot` is shown to Manage Server only
 * (`default_member_permissions`), so ordinary members do not see the manager subcommands; `/link`
 * stays open to everyone; a registration from an older version (without the permission) is
 * rewritten at start.
 */
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../adapters/discord/commands.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import { IDS, startFakeDiscord } from '../../fakes/discord-api.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { type Running, startDiscord } from './harness.ts';

const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

describe('Discord command registration', () => {
  it('registers /leadbot for Manage Server only, /qualify and /link for everyone', async () => {
    const r = await startDiscord(async () => []);
    running.push(r);
    const byName = Object.fromEntries((r.fake.commands.get('global') ?? []).map((c) => [c.name, c]));
    expect(byName.leadbot?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    expect(byName.qualify?.default_member_permissions ?? null).toBeNull();
    expect(byName.link?.default_member_permissions ?? null).toBeNull();
  });

  it('rewrites an older registration that showed /leadbot to every member', async () => {
    const fake = await startFakeDiscord();
    const old = COMMANDS.map(({ default_member_permissions: _d, ...c }) => ({ ...c, id: fake.id() }));
    fake.commands.set('global', old);
    const r = await startDiscord(async () => [], { fake });
    running.push(r, { stop: () => fake.close() } as Running);
    expect(fake.requests.filter((q) => q.method === 'PUT')).toHaveLength(1);
    const leadbot = fake.commands.get('global')?.find((c) => c.name === 'leadbot');
    expect(leadbot?.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
  });

  it('/link answers any member privately', async () => {
    const fake = await startFakeDiscord();
    const { engine, store } = await createTestEngine();
    const r = await startDiscord(engine.handle, {
      fake,
      config: { managerRoleId: IDS.managerRole },
      deps: { store, outreach: createMemoryOutreachStore() },
    });
    running.push(r, { stop: () => fake.close() } as Running);
    const jane = fake.user('jane');
    const { id } = fake.link(jane, 'WRONG123');
    const answered = await fake.waitFor('the /link answer', () =>
      fake.requests.find((q) => q.method === 'PATCH' && q.path.includes(`token-${id}`)),
    );
    expect(String(answered.body?.content)).toContain('unknown or expired');
    const original = fake.messages.get(fake.interactions.get(`token-${id}`)!.original!)!;
    expect(original.visibleTo).toBe(jane.id);
  });
});
