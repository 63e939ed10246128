/**
 * Who the lead is, in the alert of each sales platform: the person's name and handle, a way to
 * reach them that works where the alert is read, and the source by name. Nothing a prospect
 * typed (or a stored profile link) becomes a mention, a ping or markup.
 */
import { describe, expect, it } from 'vitest';
import { renderDiscordAlert } from '../../adapters/discord/alert-render.ts';
import { renderSlackAlert } from '../../adapters/slack/alert-render.ts';
import { renderTelegramAlert } from '../../adapters/telegram/alert-render.ts';
import type { AlertPayload } from '../../src/core/ports/index.ts';

const base: AlertPayload = {
  leadId: 'lead-7',
  name: 'Ana Souza',
  company: 'Acme',
  email: null,
  platform: 'telegram',
  source: {
    platform: 'telegram',
    workspaceId: '-100123',
    channelId: '-100123',
    campaign: null,
    workspaceName: 'Growth Hackers',
    channelName: null,
  },
  stage: 'SQL',
  score: 80,
  reason: 'score 80 ≥ 60',
  answers: [],
  breakdown: [],
  conversationId: null,
  people: [
    {
      platform: 'telegram',
      workspaceId: '',
      userId: '7001',
      displayName: 'Ana Souza',
      username: 'anasouza',
      profileUrl: 'https://t.me/anasouza',
    },
  ],
};

const slackFields = (alert: AlertPayload) =>
  JSON.stringify(renderSlackAlert(alert).blocks.find((b) => 'fields' in b && b.fields));

describe('the alert says who the lead is', () => {
  it('Slack: a Telegram person as a t.me link, the group by its title', () => {
    const fields = slackFields(base);
    expect(fields).toContain('*Person*\\n<https://t.me/anasouza|Ana Souza (@anasouza)> on telegram');
    expect(fields).toContain('telegram · Growth Hackers');
    expect(fields).not.toContain('-100123');
  });

  it('Slack: a Slack person as a user mention; a Discord person as their profile link', () => {
    const fields = slackFields({
      ...base,
      people: [
        { ...base.people![0]!, platform: 'slack', userId: 'U0ANA', profileUrl: null },
        {
          platform: 'discord',
          workspaceId: '',
          userId: '100000000000000001',
          displayName: 'Ana',
          username: 'ana.s',
          profileUrl: 'https://discord.com/users/100000000000000001',
        },
      ],
    });
    expect(fields).toContain('<@U0ANA> Ana Souza (@anasouza)');
    expect(fields).toContain('<https://discord.com/users/100000000000000001|Ana (@ana.s)> on discord');
  });

  it('Discord: a Discord person as a mention inside the embed, and nothing pings', () => {
    const discordPerson = {
      platform: 'discord',
      workspaceId: '',
      userId: '100000000000000001',
      displayName: 'Pat',
      username: 'pat',
      profileUrl: 'https://discord.com/users/100000000000000001',
    };
    const body = renderDiscordAlert({ ...base, people: [discordPerson] }, 'sales_alert:1');
    const person = body.embeds?.[0]?.fields?.find((f) => f.name === 'Person');
    expect(person?.value).toBe('<@100000000000000001> Pat (@pat)');
    expect(body.allowed_mentions).toEqual({ parse: [] });
  });

  it('an account with nothing known (a web visitor) adds no Person line', () => {
    const web = {
      platform: 'web',
      workspaceId: '',
      userId: 'v1',
      displayName: null,
      username: null,
      profileUrl: null,
    };
    expect(renderTelegramAlert({ ...base, people: [web] })).toContain('Person: —');
  });

  it('Telegram: the name and the t.me link as plain text', () => {
    expect(renderTelegramAlert(base)).toContain(
      'Person: Ana Souza (@\u2060anasouza) on telegram https://t.me/anasouza',
    );
  });

  it('a hostile name, handle, group title or profile link pings nobody and forms no markup', () => {
    const hostile: AlertPayload = {
      ...base,
      source: { ...base.source, workspaceName: '<!channel> group' },
      people: [
        {
          platform: 'telegram',
          workspaceId: '',
          userId: '<!here>',
          displayName: '<!everyone> @here',
          username: 'x>|<@U0BOSS>',
          profileUrl: 'https://t.me/x|<!channel>',
        },
        {
          platform: 'slack',
          workspaceId: 'T1',
          userId: 'U0X> <!here',
          displayName: null,
          username: null,
          profileUrl: null,
        },
      ],
    };
    const fields = slackFields(hostile);
    expect(fields).not.toMatch(/<!(channel|here|everyone)/);
    expect(fields).not.toContain('<@U0BOSS>');
    expect(fields).not.toContain('https://t.me/x|');
    const discord = JSON.stringify(renderDiscordAlert(hostile, 'k'));
    expect(discord).not.toMatch(/@(everyone|here)(?!\u200b)/);
  });
});
