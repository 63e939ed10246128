/**
 * Issue #18: a Telegram prospect who comes from a group through an invitation's deep link has
 * that group, by its title, as the lead's source — not the private chat's id. Real grammY
 * against the fake Bot API: the intent offer in the group, the deep link, `/start` in private.
 */
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { alertContent } from '../../../src/core/alert-content.ts';
import { createMemoryOutreachStore } from '../../../src/core/memory/memory-outreach.ts';
import type { AlertPayload } from '../../../src/core/ports/index.ts';
import { createTestEngine, silentLogger } from '../../helpers/engine.ts';
import { type Harness, startHarness } from './harness.ts';

const GROUP = -1001234567890;
const OTHER_GROUP = -1009999;
const MGR = 9001;
const JANE = 7001;
const janeKey = { platform: 'telegram', workspaceId: '', userId: String(JANE) };
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function start() {
  const { engine, store } = await createTestEngine();
  h = await startHarness('polling', engine.handle, silentLogger, {
    deps: { store, outreach: createMemoryOutreachStore() },
    config: { managers: [String(MGR)] },
  });
  h.api.startedBy(MGR);
  return { h, store };
}

let mid = 100;
function message(hh: Harness, from: number, chat: object, text: string): Update {
  const command = text.split(' ')[0]!;
  return {
    update_id: hh.nextUpdateId(),
    message: {
      message_id: mid++,
      from: { id: from, is_bot: false, first_name: 'Jane', last_name: 'Doe' },
      chat,
      date: 1764300000,
      text,
      entities: text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: command.length }] : [],
    },
  } as unknown as Update;
}
const inGroup = (hh: Harness, from: number, text: string) =>
  message(hh, from, { id: GROUP, type: 'supergroup', title: 'Acme Builders' }, text);
const inPrivate = (hh: Harness, from: number, text: string) =>
  message(hh, from, { id: from, type: 'private', first_name: 'Jane' }, text);

/** The "Yes, message me" deep link of the latest prompt in the group. */
function acceptLink(hh: Harness): string {
  const prompt = hh.api.sent(GROUP).at(-1)!;
  return (prompt.reply_markup!.inline_keyboard[0]![0] as { url: string }).url;
}

describe('Telegram lead source from a group deep link', () => {
  it('an intent offer in a group makes the group, by title, the source of the lead who accepts it', async () => {
    const { h, store } = await start();
    await h.deliver(inGroup(h, JANE, 'what is your pricing for teams?'));
    const url = acceptLink(h);
    expect(url).toMatch(new RegExp(`\\?start=consent_g${GROUP}$`));
    const payload = new URL(url).searchParams.get('start')!;
    // Telegram's deep-link alphabet and length (https://core.telegram.org/bots/features#deep-linking).
    expect(payload).toMatch(/^[A-Za-z0-9_-]{1,64}$/);

    await h.deliver(inPrivate(h, JANE, `/start ${payload}`));
    expect(h.api.sent(JANE).length).toBeGreaterThan(0); // the flow started in private
    const lead = await store.getLead((await store.findIdentity(janeKey))!.leadId);
    expect(lead).toMatchObject({
      consent: true,
      source: {
        platform: 'telegram',
        workspaceId: String(GROUP),
        channelId: String(GROUP),
        workspaceName: 'Acme Builders',
        campaign: 'consent',
      },
    });

    // What a rep reads: the lead card asked through the bot, and the sales alert.
    await h.deliver(inPrivate(h, MGR, `/leadbot lead ${lead!.id}`));
    const card = h.api.sent(MGR).at(-1)!.text;
    // The group (title, then its id), not the private chat's id.
    expect(card).toContain(`Source: telegram / Acme Builders / ${GROUP} / consent\n`);
    const alerted = { stage: 'SQL', score: 0, reason: '', answers: [], breakdown: [], source: lead!.source };
    const alert = alertContent({ ...alerted, platform: 'telegram' } as unknown as AlertPayload, (s) => s);
    expect(alert.fields.find((f) => f.label === 'Source')?.value).toBe('telegram · Acme Builders');
  });

  it("a manager's qualify names the group too; a link naming a group the bot cannot see is ignored", async () => {
    const { h, store } = await start();
    const janeSays = inGroup(h, JANE, 'hello all');
    await h.deliver(janeSays);
    const qualify = inGroup(h, MGR, '/leadbot qualify');
    (qualify.message as { reply_to_message?: unknown }).reply_to_message = janeSays.message;
    await h.deliver(qualify);
    expect(acceptLink(h)).toMatch(new RegExp(`\\?start=consent_${MGR}_g${GROUP}$`));

    // Someone types a link to a group the bot is not in: no made-up place, the private chat stays.
    const MALLORY = 6001;
    await h.deliver(inPrivate(h, MALLORY, `/start consent_g${OTHER_GROUP}`));
    const mallory = await store.getLead(
      (await store.findIdentity({ ...janeKey, userId: String(MALLORY) }))!.leadId,
    );
    expect(mallory!.source).toMatchObject({
      workspaceId: '',
      channelId: String(MALLORY),
      workspaceName: null,
    });

    await h.deliver(inPrivate(h, JANE, `/start consent_${MGR}_g${GROUP}`));
    const jane = await store.getLead((await store.findIdentity(janeKey))!.leadId);
    expect(jane).toMatchObject({
      invitedBy: `telegram:${MGR}`,
      source: { workspaceId: String(GROUP), workspaceName: 'Acme Builders', campaign: 'consent' },
    });
  });
});
