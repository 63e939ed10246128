/** Pure mapping: recorded Slack payloads → core events, core messages → Block Kit. */
import { readFileSync } from 'node:fs';
import type { types } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { decodeSlackText, escapeMrkdwn } from '../../../adapters/slack/escape.ts';
import { fromBlockAction, fromEventEnvelope, fromSlashCommand } from '../../../adapters/slack/inbound.ts';
import { labelsFor, renderAnswered, renderMessage } from '../../../adapters/slack/outbound.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/slack/${name}.json`, import.meta.url), 'utf8'));

describe('inbound', () => {
  it('maps a DM to a message with the envelope event_id, decoding Slack entities', () => {
    const ev = fromEventEnvelope(fixture('event-dm-message'), 'UBOT');
    expect(ev).toMatchObject({
      kind: 'message',
      platform: 'slack',
      workspaceId: 'T0LEADBOT',
      channelId: 'D0PROSPECT',
      userId: 'U0PROSPECT',
      isDirect: true,
      eventId: 'Ev0DMMESSAGE1',
      text: 'Acme & Sons <!channel>',
    });
  });

  it('maps an app_mention to a shared-channel message without the bot mention', () => {
    const ev = fromEventEnvelope(fixture('event-app-mention'), 'UBOT');
    expect(ev).toMatchObject({
      kind: 'message',
      isDirect: false,
      mentionsBot: true,
      channelId: 'C0COMMUNITY',
    });
    expect(ev?.kind === 'message' && ev.text).toBe('hi, can you help <@U0OTHER>?');
  });

  it('ignores edits, plain channel chatter and the bot itself', () => {
    expect(fromEventEnvelope(fixture('event-message-changed'), 'UBOT')).toBeNull();
    expect(fromEventEnvelope(fixture('event-channel-message'), 'UBOT')).toBeNull();
    expect(fromEventEnvelope(fixture('event-dm-message'), 'U0PROSPECT')).toBeNull();
    const bot = fixture('event-dm-message');
    bot.event.bot_id = 'B1';
    expect(fromEventEnvelope(bot, 'UBOT')).toBeNull();
  });

  it('turns start/stop words into commands, but not answers that begin with them', () => {
    const env = fixture('event-dm-message');
    env.event.text = 'start spring-campaign';
    expect(fromEventEnvelope(env)).toMatchObject({
      kind: 'command',
      name: 'start',
      args: ['spring-campaign'],
    });
    env.event.text = 'stop';
    expect(fromEventEnvelope(env)).toMatchObject({ kind: 'command', name: 'stop', args: [] });
    env.event.text = 'stop sending me things please';
    expect(fromEventEnvelope(env)).toMatchObject({ kind: 'message' });
  });

  it('maps a button click to a choice with step id and an action_ts+trigger_id event id (no user id)', () => {
    expect(fromBlockAction(fixture('block-actions-choice'))).toMatchObject({
      kind: 'choice',
      stepId: 'need',
      values: ['evaluating'],
      isDirect: true,
      eventId: '1700000510.123456:1111.2222.abcd',
      channelId: 'D0PROSPECT',
    });
  });

  it('reads a multiple choice from the checkbox state when Done is clicked', () => {
    expect(fromBlockAction(fixture('block-actions-multi-done'))).toMatchObject({
      stepId: 'tools',
      values: ['crm', 'chat'],
    });
  });

  it('maps a slash command by its first word', () => {
    expect(fromSlashCommand(fixture('slash-command'))).toMatchObject({
      kind: 'command',
      name: 'restart',
      isDirect: true,
      eventId: 'command:5555.6666.ijkl',
    });
  });
});

describe('escaping', () => {
  it('makes mentions, links and mrkdwn inert', () => {
    const out = escapeMrkdwn('<!channel> <!here> <@U123> <#C1> <https://x.io|click> *b* _i_ ~s~ `c` &');
    // The typed URL stays a working link; nothing else can mention, format or disguise a link.
    expect(out.replace('<https://x.io>', '')).not.toMatch(/[<>*_~`]/);
    expect(out).toContain('&lt;!channel&gt;');
    expect(out).toContain('&amp;');
    expect(decodeSlackText('&lt;@U1&gt; &amp;')).toBe('<@U1> &');
  });
});

describe('outbound', () => {
  it('renders choices as buttons carrying the step in block_id and the value in value', () => {
    const p = renderMessage(
      {
        kind: 'question',
        text: 'Hi <@U1> *there*',
        stepId: 'need',
        choices: [
          { value: 'a', label: 'A' },
          { value: 'b', label: 'B' },
        ],
      },
      true,
    );
    expect(p.text).toBe('Hi &lt;@U1&gt; \u2217there\u2217');
    expect(p.blocks[1]).toMatchObject({
      type: 'actions',
      block_id: 'lb_q:need',
      elements: [
        { action_id: 'lb_choice_0', value: 'a' },
        { action_id: 'lb_choice_1', value: 'b' },
      ],
    });
  });

  it('offers a DM button instead of choices in a shared channel', () => {
    const p = renderMessage(
      {
        kind: 'info',
        text: 'Let us talk privately',
        offerPrivate: true,
        choices: [{ value: 'a', label: 'A' }],
      },
      false,
    );
    expect((p.blocks[1] as types.ActionsBlock | undefined)?.elements).toEqual([
      expect.objectContaining({ action_id: 'lb_open_dm' }),
    ]);
    expect(renderMessage({ kind: 'info', text: 'x', offerPrivate: true }, true).blocks).toHaveLength(1);
  });

  it('renders a multiple choice as checkboxes plus Done', () => {
    const p = renderMessage(
      {
        kind: 'question',
        text: 'Tools?',
        stepId: 'tools',
        multiple: true,
        choices: [{ value: 'crm', label: 'CRM' }],
      },
      true,
    );
    expect((p.blocks[1] as types.ActionsBlock | undefined)?.elements.map((e) => e.action_id)).toEqual([
      'lb_multi',
      'lb_multi_done',
    ]);
  });

  it('replaces the buttons of an answered question with the chosen label', () => {
    const blocks = fixture('block-actions-choice').message.blocks;
    const labels = labelsFor(blocks, ['evaluating']);
    expect(labels).toEqual(['Evaluating a tool for my team']);
    const after = renderAnswered(blocks, labels);
    expect(after.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(after)).toContain('Evaluating a tool for my team');
  });
});
