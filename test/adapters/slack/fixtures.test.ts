/**
 * Payloads shaped as Slack documents them (test/fixtures/slack/*.json), including the fields
 * our own fakes never send — `enterprise`, `is_ext_shared_channel`, thread broadcasts, edits,
 * deletions, `bot_message`, `file_share`, a select menu, a foreign modal — fed through the pure
 * mapping (inbound.ts) and through the running adapter: each is handled or ignored on purpose,
 * never a crash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromBlockAction, fromEventEnvelope, fromSlashCommand } from '../../../adapters/slack/inbound.ts';
import { type Harness, startHarness } from './harness.ts';

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON.
type Json = any;
const fixture = (name: string): Json =>
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/slack', `${name}.json`), 'utf8'));

/** Each event fixture and what the mapping makes of it (null: ignored on purpose, and why). */
const EVENTS: [name: string, expected: Json | null, why: string][] = [
  ['event-dm-message', { kind: 'message', isDirect: true, userId: 'U0PROSPECT' }, 'a DM answers the flow'],
  [
    'event-dm-enterprise-shared',
    { kind: 'message', isDirect: true, userId: 'W0GRIDUSER', workspaceId: 'T0LEADBOT' },
    'an Enterprise Grid user in a shared DM is a person like any other',
  ],
  [
    'event-file-share',
    { kind: 'message', text: 'our requirements doc' },
    'a file with a comment: the comment is the answer',
  ],
  ['event-channel-ext-shared', null, 'channel chatter is only read for intent signals (outreach.ts)'],
  ['event-thread-broadcast', null, 'a subtype: a reply also shown in the channel is not a DM answer'],
  ['event-bot-message', null, 'another bot never answers a flow'],
  ['event-dm-edited', null, 'an edit never re-answers: the answer was taken when sent'],
  ['event-message-changed', null, 'an edit never re-answers'],
  ['event-message-deleted', null, 'a deletion carries no answer'],
];

describe('recorded Slack payloads through the pure mapping', () => {
  it.each(EVENTS)('%s', (name, expected, _why) => {
    const event = fromEventEnvelope(fixture(name), 'UBOT');
    if (expected === null) expect(event).toBeNull();
    else expect(event).toMatchObject(expected);
  });

  it('maps a static select choice, a button, and a slash command; ignores a foreign modal', () => {
    expect(fromBlockAction(fixture('block-actions-select'))).toMatchObject({
      kind: 'choice',
      stepId: 'country',
      values: ['de'],
      workspaceId: 'T0LEADBOT',
    });
    expect(fromBlockAction(fixture('block-actions-choice'))).toMatchObject({
      kind: 'choice',
      values: ['evaluating'],
    });
    expect(fromSlashCommand(fixture('slash-command'))).toMatchObject({ kind: 'command', name: 'restart' });
    expect(fromBlockAction(fixture('view-submission-other'))).toBeNull();
  });
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('recorded Slack payloads through the running adapter', () => {
  it('answers each event as the mapping says, and still works after all of them', async () => {
    h = await startHarness();
    for (const [name, expected] of EVENTS) {
      const body = fixture(name);
      const channel: string = body.event.channel;
      h.fake.join(channel); // Slack sends a channel's events only to apps in it
      const before = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).length;
      expect(await h.post(JSON.stringify(body), 'application/json'), name).toBe(200);
      await h.adapter.idle();
      const after = h.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel).length;
      if (expected !== null) expect(after, name).toBeGreaterThan(before);
      else if (name !== 'event-channel-ext-shared') expect(after, name).toBe(before);
    }
    // Interactions: a select on a question, a modal of another app — both acknowledged.
    for (const name of ['block-actions-select', 'view-submission-other']) {
      const payload = fixture(name);
      delete payload.response_url; // the harness gives it one of the fake's
      expect(await h.interaction(payload), name).toBe(200);
      await h.adapter.idle();
    }
    // Nothing above broke the adapter: a fresh DM is still answered.
    const ts = '1700000999.000100';
    await h.event(
      { type: 'message', channel: 'D0LATE', channel_type: 'im', user: 'U0LATE', text: 'hi', ts },
      'Ev0LATE',
    );
    await h.adapter.idle();
    expect(h.fake.channels.get('D0LATE')?.length ?? 0).toBeGreaterThan(0);
  });
});
