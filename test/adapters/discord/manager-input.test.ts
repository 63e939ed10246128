/** Pure parts of the Discord manager commands: option mapping, permission rule, reply splitting. */
import { PermissionFlagsBits } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { LEADBOT_COMMAND, toManagerInput } from '../../../adapters/discord/manager-input.ts';
import { isDiscordManager } from '../../../adapters/discord/managers.ts';
import { DISCORD_REPLY_LIMITS } from '../../../adapters/discord/outbound.ts';
import { replyToManager } from '../../../src/core/commands/reply-to-manager.ts';

function view(sub: string, opts: Record<string, string | boolean | { id: string }>) {
  const get = <T>(name: string, ok: (v: unknown) => boolean) => (ok(opts[name]) ? (opts[name] as T) : null);
  return {
    options: {
      getSubcommand: () => sub,
      getString: (n: string) => get<string>(n, (v) => typeof v === 'string'),
      getBoolean: (n: string) => get<boolean>(n, (v) => typeof v === 'boolean'),
      getUser: (n: string) => get<{ id: string }>(n, (v) => typeof v === 'object'),
    },
  };
}

describe('toManagerInput', () => {
  it('puts options in the order the command layer reads them', () => {
    expect(toManagerInput(view('stage', { reason: 'met them', stage: 'SQL', member: { id: '42' } }))).toEqual(
      {
        sub: 'stage',
        args: [
          { kind: 'member', userId: '42' },
          { kind: 'text', value: 'SQL' },
          { kind: 'text', value: 'met them' },
        ],
      },
    );
    expect(
      toManagerInput(view('leads', { owner: { id: '7' }, since: '7d', page: 'abc', public: true })),
    ).toEqual({
      sub: 'leads',
      args: [
        { kind: 'member', userId: '7' },
        { kind: 'text', value: '7d' },
        { kind: 'text', value: 'page:abc' },
        { kind: 'text', value: 'public' },
      ],
    });
    expect(toManagerInput(view('assign', { id: 'lead_123', rep: { id: '9' } })).args).toEqual([
      { kind: 'text', value: 'lead_123' },
      { kind: 'member', userId: '9' },
    ]);
  });

  it('declares required options before optional ones in every subcommand (Discord refuses otherwise)', () => {
    for (const sub of LEADBOT_COMMAND.options ?? []) {
      const req = ((sub as { options?: { required?: boolean }[] }).options ?? []).map(
        (o) => o.required === true,
      );
      expect(req.indexOf(false) === -1 || req.lastIndexOf(true) < req.indexOf(false)).toBe(true);
    }
  });
});

describe('isDiscordManager', () => {
  const perms = (bits: bigint) => ({ has: (b: bigint) => (bits & b) === b });
  it('accepts Manage Server or the configured role, never a DM', () => {
    const base = { guildId: '1', member: { roles: ['5'] } };
    expect(
      isDiscordManager({ ...base, memberPermissions: perms(PermissionFlagsBits.ManageGuild) }, undefined),
    ).toBe(true);
    expect(isDiscordManager({ ...base, memberPermissions: perms(0n) }, '5')).toBe(true);
    expect(isDiscordManager({ ...base, memberPermissions: perms(0n) }, '6')).toBe(false);
    expect(isDiscordManager({ ...base, memberPermissions: perms(0n) }, undefined)).toBe(false);
    expect(isDiscordManager({ guildId: null, member: null, memberPermissions: null }, '5')).toBe(false);
  });
});

describe('manager replies on Discord', () => {
  it('splits long answers at line breaks within 2000 characters, escaped', () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i} *${'x'.repeat(40)}*`).join('\n');
    const parts = replyToManager({ text, private: true }, DISCORD_REPLY_LIMITS).texts;
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(Array.from(p).length).toBeLessThanOrEqual(2000);
    expect(parts[0]).toContain('\\*');
  });
});
