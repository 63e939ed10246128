/**
 * The three chat adapters have one shape, file for file: the same file names for the same
 * jobs, and in each file the same entry points named after the platform (`createSlackAdapter`,
 * `createDiscordAdapter`, …). A fourth platform is a copy of one folder; this test says what
 * the copy must hold. Files only one SDK needs (bolt's logger, Discord's custom ids, Telegram's
 * callback data, …) are listed per platform, so a new file is a decision, not an accident.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../adapters/', import.meta.url);

const PLATFORMS = ['slack', 'discord', 'telegram'] as const;
type Platform = (typeof PLATFORMS)[number];

const cap = (p: string) => `${p[0]!.toUpperCase()}${p.slice(1)}`;

/** Every adapter's files, with the values each must export (`{P}` is `Slack`, `{p}` is `slack`, `{PP}` is `SLACK`). */
const REQUIRED: Record<string, string[]> = {
  'index.ts': ['create{P}Adapter', 'parse{P}Config', '{p}ConfigSchema', '{PP}_VARIABLES'],
  'config.ts': ['parse{P}Config', '{p}ConfigSchema', '{PP}_VARIABLES'],
  'errors.ts': ['toPlatformError', 'startError', '{p}Endpoint'],
  // Pure mappings of the SDK's payloads; their parsers follow the SDK's own payload kinds.
  'inbound.ts': [],
  'outbound.ts': ['renderMessage', 'renderConsentPrompt', '{PP}_REPLY_LIMITS'],
  'manager-input.ts': ['toManagerInput', 'LEADBOT_COMMAND'],
  'prospects.ts': ['register{P}Prospects'],
  'managers.ts': ['register{P}Managers', '{p}Permissions', '{p}MemberKey'],
  'outreach.ts': ['register{P}Outreach'],
  'sales.ts': ['register{P}Sales'],
  'alert-render.ts': ['render{P}Alert'],
  'alert-sink.ts': ['create{P}AlertSink'],
  // The handoff (issue 18): posts in the alert's thread, messages in the prospect's private chat.
  'sales-thread.ts': ['create{P}SalesThread'],
  'prospect-messenger.ts': ['create{P}ProspectMessenger'],
  'handoff.ts': ['register{P}Handoff'],
};

/** Types every adapter's index.ts exports. */
const INDEX_TYPES = ['{P}Adapter', '{P}AdapterConfig'];

/** What only one SDK needs. */
const OWN: Record<Platform, Record<string, string>> = {
  slack: {
    'http-route.ts': 'Events API, interactivity and commands on the app server, through the inbox',
    'bolt-logger.ts': "bolt's logger interface over ours",
    'escape.ts': 'mrkdwn escaping',
    'profile.ts': 'who a person is: users.info and team.info, cached a day (events carry only ids)',
    'respond.ts': 'replies through response URLs (slash commands, clicks)',
    'tools.ts': 'send limits, the app manifest (setup) and doctor checks',
    'socket-receiver.ts': 'Socket Mode envelopes stored in the inbox before their ack',
    'file-upload.ts': 'files streamed through getUploadURLExternal / completeUploadExternal',
    'handoff-post.ts': 'handoff messages posted once: the key found in the thread or the DM first',
    'posted-keys.ts': "leadbot's earlier posts found by their metadata key (alerts, handoff messages)",
  },
  discord: {
    'listen.ts': 'one discord.js listener per job, each event handled once',
    'commands.ts': 'slash command definitions and their idempotent registration',
    'custom-ids.ts': 'what buttons, menus and modals carry',
    'profile.ts': 'how an alert reaches a person: a mention inside the embed',
    'escape.ts': 'markdown escaping in linear time',
    'embed-fit.ts': 'embeds within each limit and the 6,000 total',
    'permissions.ts': 'permission flags, the invite URL, channel permissions',
    'tools.ts': 'send limits and setup for the registry entry',
    'doctor.ts': 'doctor checks against the REST API',
  },
  telegram: {
    'http-route.ts': 'the webhook on the app server, through the inbox',
    'callback-data.ts': 'what inline buttons carry (64 bytes)',
    'network-retry.ts': 'bounded retries of network errors',
    'tools.ts': 'setup, doctor and send limits (plain fetch, no SDK)',
    'polling.ts': 'long polling through @grammyjs/runner, each update through the inbox',
  },
};

/** Required files an adapter does not have yet, each with the issue that adds it. */
const PENDING: Partial<Record<Platform, Record<string, string>>> = {};

const named = (template: string, p: Platform) =>
  template.replace('{PP}', p.toUpperCase()).replace('{P}', cap(p)).replace('{p}', p);

describe('the adapters have one shape', () => {
  for (const p of PLATFORMS) {
    it(`${p}/ holds the common files, its own listed ones, and nothing else`, () => {
      const files = readdirSync(new URL(`${p}/`, ROOT)).filter((f) => f.endsWith('.ts'));
      const expected = [
        ...Object.keys(REQUIRED).filter((f) => !PENDING[p]?.[f]),
        ...Object.keys(OWN[p]),
      ].sort();
      expect(files.sort()).toEqual(expected);
    });

    it(`${p}/ exports the common entry points under the platform's name`, async () => {
      for (const [file, exports] of Object.entries(REQUIRED)) {
        if (PENDING[p]?.[file]) continue;
        const mod = (await import(new URL(`${p}/${file}`, ROOT).href)) as Record<string, unknown>;
        for (const name of exports.map((e) => named(e, p)))
          expect(mod[name], `${p}/${file}: ${name}`).toBeDefined();
      }
      const index = readFileSync(new URL(`${p}/index.ts`, ROOT), 'utf8');
      for (const type of INDEX_TYPES.map((t) => named(t, p)))
        expect(index, `${p}/index.ts: type ${type}`).toMatch(
          new RegExp(`export (type \\{[^}]*\\b|interface )${type}\\b`),
        );
    });
  }

  it('names the same template the same way on every platform', () => {
    expect(PLATFORMS.map((p) => named('create{P}Adapter', p))).toEqual([
      'createSlackAdapter',
      'createDiscordAdapter',
      'createTelegramAdapter',
    ]);
    expect(named('{PP}_REPLY_LIMITS', 'discord')).toBe('DISCORD_REPLY_LIMITS');
    expect(named('{p}ConfigSchema', 'telegram')).toBe('telegramConfigSchema');
  });
});
