import { describe, expect, it } from 'vitest';
import { toInboundEvent } from '../../../adapters/telegram/inbound.ts';
import { BOT, fixture } from './fixtures.ts';

const map = (name: string) => toInboundEvent(fixture(name), BOT);

describe('telegram inbound mapping (recorded updates)', () => {
  it('maps a /start deep link to a start command carrying the campaign', () => {
    expect(map('private-start-deeplink')).toMatchObject({
      kind: 'command',
      name: 'start',
      args: ['webinar_nov'],
      campaign: 'webinar_nov',
      platform: 'telegram',
      workspaceId: '',
      channelId: '7001',
      userId: '7001',
      username: 'ada_l',
      displayName: 'Ada Lovelace',
      profileUrl: 'https://t.me/ada_l',
      isDirect: true,
      eventId: '900001',
    });
    // A private chat's title would be the person: no workspace name there.
    expect(map('private-start-deeplink')).not.toHaveProperty('workspaceName');
  });

  it('has no profile link for a person without a username', () => {
    const update = fixture('private-text') as { message: { from: { username?: string } } };
    delete update.message.from.username;
    const event = toInboundEvent(update as never, BOT);
    expect(event).not.toHaveProperty('profileUrl');
    expect(event).not.toHaveProperty('username');
  });

  it('maps a bare /start without inventing a campaign', () => {
    const event = map('private-start');
    expect(event).toMatchObject({ kind: 'command', name: 'start', args: [] });
    expect(event).not.toHaveProperty('campaign');
  });

  it('maps private text to a message event', () => {
    expect(map('private-text')).toMatchObject({
      kind: 'message',
      text: 'We are about 40 people, mostly engineers',
      isDirect: true,
    });
  });

  it('reports stickers and private edits as unsupported', () => {
    expect(map('private-sticker')).toMatchObject({ kind: 'unsupported', reason: 'sticker' });
    expect(map('private-edited')).toMatchObject({ kind: 'unsupported', reason: 'edited_message' });
  });

  it('maps a button press to a choice for its step', () => {
    expect(map('callback-choice')).toMatchObject({
      kind: 'choice',
      stepId: 'company_size',
      values: ['51-200'],
      channelId: '7001',
      userId: '7001',
      eventId: '900006',
    });
  });

  it('reads the checked values of a multiple choice from the keyboard itself on Done', () => {
    expect(map('callback-done-multi')).toMatchObject({
      kind: 'choice',
      stepId: 'interests',
      values: ['analytics', 'crm'],
    });
  });

  it('leaves toggles to the adapter (no core event)', () => {
    expect(map('callback-toggle')).toBeNull();
  });

  it('answers a group mention with the mention stripped and the group as workspace', () => {
    expect(map('group-mention')).toMatchObject({
      kind: 'message',
      text: 'how much is the enterprise plan?',
      mentionsBot: true,
      isDirect: false,
      workspaceId: '-1001234567890',
      channelId: '-1001234567890',
      workspaceName: 'Growth Hackers',
    });
  });

  it('answers a reply to the bot in a group', () => {
    expect(map('group-reply')).toMatchObject({ kind: 'message', text: 'sounds good', mentionsBot: true });
  });

  it('stays silent on group chatter, other bots and service updates', () => {
    expect(map('group-chatter')).toBeNull();
    expect(map('group-foreign-command')).toBeNull();
    expect(map('my-chat-member')).toBeNull();
  });

  it('maps /start@thisbot in a group to a non-direct start command', () => {
    expect(map('group-start-command')).toMatchObject({ kind: 'command', name: 'start', isDirect: false });
  });

  it('ignores messages from bots', () => {
    const update = fixture('private-text');
    update.message!.from!.is_bot = true;
    expect(toInboundEvent(update, BOT)).toBeNull();
  });

  it('keeps the original update as raw for debugging', () => {
    expect(map('private-text')?.raw).toMatchObject({ update_id: 900003 });
  });
});
