import { MessageFlags } from 'discord.js';
import { describe, expect, test } from 'vitest';
import { encodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import {
  type ComponentView,
  type MessageView,
  parseCommand,
  parseComponent,
  parseMessage,
  parseModal,
  surfaceOf,
} from '../../../adapters/discord/inbound.ts';

const BOT = '900000000000000001';
const user = { id: '100000000000000001', username: 'pat', globalName: 'Pat', bot: false };

function message(over: Partial<MessageView> & { mentioned?: string[] } = {}): MessageView {
  const { mentioned = [], ...rest } = over;
  return {
    id: '555000000000000001',
    content: 'hello',
    channelId: '700000000000000001',
    guildId: null,
    author: user,
    webhookId: null,
    system: false,
    mentions: { users: new Set(mentioned) },
    attachments: { size: 0 },
    stickers: { size: 0 },
    ...rest,
  };
}

const flags = (bits: number) => ({ has: (b: number) => (bits & b) === b });

describe('parseMessage', () => {
  test('a DM is a private message event keyed by the message id', () => {
    expect(parseMessage(message({ content: '  40 people ' }), { botUserId: BOT })).toMatchObject({
      kind: 'message',
      platform: 'discord',
      workspaceId: '',
      channelId: '700000000000000001',
      userId: user.id,
      username: 'pat',
      displayName: 'Pat',
      profileUrl: `https://discord.com/users/${user.id}`,
      isDirect: true,
      eventId: '555000000000000001',
      text: '40 people',
    });
  });

  test('a server mention carries the server and channel names discord.js has', () => {
    const named = message({
      guildId: '800000000000000001',
      guild: { name: 'Acme Discord' },
      channel: { name: 'general' },
      content: `<@${BOT}> hi`,
      mentioned: [BOT],
    });
    expect(parseMessage(named, { botUserId: BOT })).toMatchObject({
      workspaceName: 'Acme Discord',
      channelName: 'general',
    });
    // A DM channel has no name, and a DM is no place.
    const dm = parseMessage(message({ channel: { recipientId: user.id } }), { botUserId: BOT });
    expect(dm).not.toHaveProperty('workspaceName');
    expect(dm).not.toHaveProperty('channelName');
  });

  test('in a server only a mention counts, and the mention is removed from the text', () => {
    const guild = { guildId: '800000000000000001' };
    expect(parseMessage(message({ ...guild, content: 'chatting' }), { botUserId: BOT })).toBeNull();
    const event = parseMessage(message({ ...guild, content: `<@${BOT}> pricing?`, mentioned: [BOT] }), {
      botUserId: BOT,
    });
    expect(event).toMatchObject({
      kind: 'message',
      workspaceId: '800000000000000001',
      isDirect: false,
      mentionsBot: true,
      text: 'pricing?',
    });
  });

  test('bots, webhooks and system messages are ignored', () => {
    expect(parseMessage(message({ author: { ...user, bot: true } }), { botUserId: BOT })).toBeNull();
    expect(parseMessage(message({ webhookId: '1' }), { botUserId: BOT })).toBeNull();
    expect(parseMessage(message({ system: true }), { botUserId: BOT })).toBeNull();
  });

  test('a DM with only an attachment is unsupported', () => {
    expect(
      parseMessage(message({ content: '', attachments: { size: 1 } }), { botUserId: BOT }),
    ).toMatchObject({
      kind: 'unsupported',
      reason: 'attachment',
    });
  });
});

describe('interactions', () => {
  const base = {
    id: '600000000000000001',
    channelId: '700000000000000009',
    guildId: '800000000000000001',
    user,
  };

  test('/qualify maps its action to the core command, in the private target', () => {
    const cmd = (action: string | null) => ({
      ...base,
      commandName: 'qualify',
      options: { getString: () => action },
    });
    expect(parseCommand(cmd(null), { channelId: 'dm-1' })).toMatchObject({
      kind: 'command',
      name: 'start',
      channelId: 'dm-1',
      workspaceId: '',
      isDirect: true,
      eventId: base.id,
    });
    expect(parseCommand(cmd('restart'), { channelId: 'dm-1' }).name).toBe('restart');
    expect(parseCommand(cmd('bogus'), { channelId: 'dm-1' }).name).toBe('start');
  });

  test('a button on an ephemeral message is private; on a public one it is the server’s', () => {
    const click = (bits: number): ComponentView => ({
      ...base,
      customId: encodeCustomId({ kind: 'choice', stepId: 'need', value: 'crm' }),
      message: { flags: flags(bits) },
    });
    expect(surfaceOf(click(MessageFlags.Ephemeral))).toBe('ephemeral');
    expect(parseComponent(click(MessageFlags.Ephemeral))).toMatchObject({
      kind: 'choice',
      stepId: 'need',
      values: ['crm'],
      workspaceId: '',
      isDirect: true,
    });
    expect(parseComponent(click(0))).toMatchObject({ workspaceId: base.guildId, isDirect: false });
    expect(surfaceOf({ ...click(0), guildId: null })).toBe('dm');
  });

  test('a select menu carries its values; foreign components are ignored', () => {
    const select: ComponentView = {
      ...base,
      guildId: null,
      customId: encodeCustomId({ kind: 'select', stepId: 'tools' }),
      values: ['a', 'b'],
      message: { flags: flags(0) },
    };
    expect(parseComponent(select)).toMatchObject({ kind: 'choice', stepId: 'tools', values: ['a', 'b'] });
    expect(parseComponent({ ...select, customId: 'someone-else' })).toBeNull();
  });

  test('the answer modal becomes a text message', () => {
    const modal = {
      ...base,
      customId: encodeCustomId({ kind: 'modal', stepId: 'company' }),
      fields: { getTextInputValue: () => 'Acme Corp' },
    };
    expect(parseModal(modal)).toMatchObject({
      kind: 'message',
      text: 'Acme Corp',
      isDirect: true,
      workspaceId: '',
    });
  });
});
