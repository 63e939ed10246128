import { describe, expect, test } from 'vitest';
import { parseDiscordConfig } from '../../../adapters/discord/config.ts';
import { isLeadbotError } from '../../../src/core/errors.ts';

const valid = {
  DISCORD_TOKEN: 'MTMwMDAwMDAwMDAwMDAwMDAwMQ.Gabcde.abcdefghijklmnopqrstuvwxyz012345',
  DISCORD_APPLICATION_ID: '1300000000000000001',
};

describe('parseDiscordConfig', () => {
  test('absent token disables the adapter', () => {
    expect(parseDiscordConfig({})).toBeNull();
    expect(parseDiscordConfig({ DISCORD_TOKEN: '  ' })).toBeNull();
  });

  test('minimal and full configurations', () => {
    expect(parseDiscordConfig(valid)).toEqual({
      token: valid.DISCORD_TOKEN,
      applicationId: valid.DISCORD_APPLICATION_ID,
      messageContent: false,
    });
    expect(
      parseDiscordConfig({
        ...valid,
        DISCORD_GUILD_ID: '1300000000000000010',
        DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
        DISCORD_MESSAGE_CONTENT: 'true',
        DISCORD_SALES_CHANNEL_ID: '1300000000000000012',
      }),
    ).toMatchObject({
      guildId: '1300000000000000010',
      apiUrl: 'http://127.0.0.1:9999/api',
      messageContent: true,
      salesChannelId: '1300000000000000012',
    });
  });

  test.each([
    [{ DISCORD_APPLICATION_ID: undefined }, 'DISCORD_APPLICATION_ID'],
    [{ DISCORD_GUILD_ID: 'my-server' }, 'DISCORD_GUILD_ID'],
    [{ DISCORD_API_URL: 'discord.com' }, 'DISCORD_API_URL'],
    [{ DISCORD_MESSAGE_CONTENT: 'yes' }, 'DISCORD_MESSAGE_CONTENT'],
    [{ DISCORD_MANAGER_ROLE_ID: 'moderators' }, 'DISCORD_MANAGER_ROLE_ID'],
    [{ DISCORD_QUIET_HOURS: 'late' }, 'DISCORD_QUIET_HOURS'],
  ])('invalid %j names the variable', (patch, variable) => {
    let caught: unknown;
    try {
      parseDiscordConfig({ ...valid, ...patch });
    } catch (err) {
      caught = err;
    }
    expect(isLeadbotError(caught, 'CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain(variable);
  });
});
