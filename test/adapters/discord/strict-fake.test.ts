/**
 * The strict fake itself, through discord.js's REST client: bodies over a documented limit get
 * Discord's 50035 with the offending path (as discord.js prints it), the 3-second deadline and
 * the 15-minute token, a deferred reply's first follow-up editing it with its flags kept, and a
 * second acknowledgement refused (40060).
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { Json } from '../../fakes/discord/state.ts';
import { type FakeDiscord, IDS, startFakeDiscord } from '../../fakes/discord-api.ts';

const fakes: FakeDiscord[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

async function setup() {
  const fake = await startFakeDiscord();
  fakes.push(fake);
  const rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken('t');
  return { fake, rest };
}

const refusal = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DiscordAPIError);
  return err as DiscordAPIError;
};

describe('the strict Discord fake', () => {
  it('refuses bodies over the documented limits with 50035 and the path of each problem', async () => {
    const { rest } = await setup();
    const route = Routes.channelMessages(IDS.channel);
    const err = await refusal(
      rest.post(route, {
        body: {
          content: 'x'.repeat(2001),
          embeds: [{ title: 't'.repeat(257), fields: [{ name: 'n', value: 'v'.repeat(1025) }] }],
          components: [
            {
              type: 1,
              components: Array.from({ length: 6 }, (_, i) => ({
                type: 2,
                style: 1,
                label: 'l'.repeat(81),
                custom_id: `b${i}`,
              })),
            },
          ],
        },
      }),
    );
    expect(err.code).toBe(50035);
    expect(err.message).toContain('content[BASE_TYPE_MAX_LENGTH]: Must be 2000 or fewer in length.');
    expect(err.message).toContain('embeds[0].title[BASE_TYPE_MAX_LENGTH]: Must be 256 or fewer in length.');
    expect(err.message).toContain('embeds[0].fields[0].value[BASE_TYPE_MAX_LENGTH]');
    expect(err.message).toContain(
      'components[0].components[BASE_TYPE_BAD_LENGTH]: Must be between 1 and 5 in length.',
    );
    // discord.js prints a node's own `_errors` only, not its children's: read the raw tree.
    const raw = err.rawError as { errors: Json };
    expect(raw.errors.components['0'].components['0'].label._errors[0]).toEqual({
      code: 'BASE_TYPE_MAX_LENGTH',
      message: 'Must be 80 or fewer in length.',
    });
    const total = await refusal(
      rest.post(route, {
        body: { embeds: [{ description: 'd'.repeat(4096) }, { description: 'd'.repeat(2000) }] },
      }),
    );
    expect(total.message).toContain(
      'embeds[MAX_EMBED_SIZE_EXCEEDED]: Embed size exceeds maximum size of 6000',
    );
    const select = await refusal(
      rest.post(route, {
        body: {
          components: [
            {
              type: 1,
              components: [
                {
                  type: 3,
                  custom_id: '',
                  options: Array.from({ length: 26 }, (_, i) => ({ label: `o${i}`, value: `v${i}` })),
                },
              ],
            },
          ],
        },
      }),
    );
    expect(select.message).toContain('custom_id[BASE_TYPE_BAD_LENGTH]: Must be between 1 and 100 in length.');
    expect(select.message).toContain('options[BASE_TYPE_BAD_LENGTH]: Must be between 1 and 25 in length.');
  });

  it('holds an interaction to 3 s for the first answer and 15 min for the rest', async () => {
    const { fake, rest } = await setup();
    const u = fake.user('pat');
    const late = fake.slash(u, 'dm');
    fake.advanceClock(3_001);
    const expired = await refusal(
      rest.post(Routes.interactionCallback(late.id, `token-${late.id}`), { body: { type: 5 }, auth: false }),
    );
    expect(expired.code).toBe(10062);

    const { id } = fake.slash(u, 'dm');
    const token = `token-${id}`;
    await rest.post(Routes.interactionCallback(id, token), {
      body: { type: 5, data: { flags: 64 } },
      auth: false,
    });
    const again = await refusal(
      rest.post(Routes.interactionCallback(id, token), {
        body: { type: 4, data: { content: 'x' } },
        auth: false,
      }),
    );
    expect(again.code).toBe(40060);
    // The first follow-up edits the deferred reply, which stays ephemeral; the next is a new message.
    const first = (await rest.post(Routes.webhook(IDS.application, token), {
      body: { content: 'public?', flags: 0 },
      auth: false,
    })) as { id: string };
    const deferred = fake.interactions.get(token)!.original!;
    expect(first.id).toBe(deferred);
    expect(fake.messages.get(deferred)).toMatchObject({ content: 'public?', visibleTo: u.id });
    const second = (await rest.post(Routes.webhook(IDS.application, token), {
      body: { content: 'really public' },
      auth: false,
    })) as { id: string };
    expect(second.id).not.toBe(deferred);
    expect(fake.messages.get(second.id)?.visibleTo).toBeUndefined();
    fake.advanceClock(15 * 60_000);
    const stale = await refusal(
      rest.post(Routes.webhook(IDS.application, token), { body: { content: 'too late' }, auth: false }),
    );
    expect(stale.code).toBe(50027);
  });
});
