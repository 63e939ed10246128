/**
 * `link`, `link <code>` and `forget me` are answered before the engine: a platform's
 * redelivery of the same event (same event id) must be answered once, not run twice.
 */
import { describe, expect, it } from 'vitest';
import type { InboundEvent, OutboundMessage } from '../../../src/core/events.ts';
import { PERSON_TEXT, withPersonCommands } from '../../../src/core/outreach/person-handler.ts';
import { dm } from '../../helpers/engine.ts';
import { setup } from './helpers.ts';

function person() {
  const t = setup();
  const engineSaw: InboundEvent[] = [];
  const handle = withPersonCommands(
    async (e): Promise<OutboundMessage[]> => {
      engineSaw.push(e);
      return [{ kind: 'info', text: 'engine' }];
    },
    {
      store: t.store,
      leadEvents: t.leadEvents,
      outreach: t.outreach,
      contactPolicy: t.contactPolicy,
      clock: t.clock,
    },
  );
  const say = (text: string, userId: string, eventId: string, platform: 'slack' | 'telegram' = 'slack') =>
    handle(
      dm(
        { kind: 'message', text },
        { platform, userId, eventId, workspaceId: platform === 'slack' ? 'T1' : '', channelId: `D${userId}` },
      ),
    );
  return { ...t, handle, say, engineSaw };
}

const texts = (out: OutboundMessage[]) => out.map((m) => m.text);

describe('person commands and redeliveries', () => {
  it('a redelivered "link <code>" is not answered "invalid code"; the link happened once', async () => {
    const t = person();
    const lead = await t.addLead('UJANE');
    const [codeMsg] = await t.say('link', 'UJANE', 'Ev1');
    const code = /code is ([A-Z0-9]{8})/.exec(codeMsg!.text)![1]!;
    expect(texts(await t.say(`link ${code}`, '4242', 'upd-7', 'telegram'))).toEqual([PERSON_TEXT.linked]);
    expect(await t.say(`link ${code}`, '4242', 'upd-7', 'telegram')).toEqual([]);
    expect((await t.store.listIdentities(lead.id)).map((i) => i.userId).sort()).toEqual(['4242', 'UJANE']);
    // A new event with the used code is a real second attempt: it is answered.
    expect(texts(await t.say(`link ${code}`, '4242', 'upd-8', 'telegram'))).toEqual([
      PERSON_TEXT.linkInvalid,
    ]);
  });

  it('a redelivered "link" does not issue a second code (the first one stays valid)', async () => {
    const t = person();
    await t.addLead('UJANE');
    const [first] = await t.say('link', 'UJANE', 'Ev2');
    expect(await t.say('link', 'UJANE', 'Ev2')).toEqual([]);
    const code = /code is ([A-Z0-9]{8})/.exec(first!.text)![1]!;
    expect(texts(await t.say(`link ${code}`, '77', 'upd-1', 'telegram'))).toEqual([PERSON_TEXT.linked]);
  });

  it('a redelivered "forget me" is answered once; a new lead started afterwards is not erased by it', async () => {
    const t = person();
    const lead = await t.addLead('UJANE');
    expect(texts(await t.say('forget me', 'UJANE', 'Ev3'))).toEqual([PERSON_TEXT.forgotten]);
    expect(await t.store.getLead(lead.id)).toBeNull();
    const again = await t.addLead('UJANE');
    expect(await t.say('forget me', 'UJANE', 'Ev3')).toEqual([]);
    expect(await t.store.getLead(again.id)).not.toBeNull();
    expect(t.engineSaw).toEqual([]);
  });

  it('stop still reaches the engine (which de-duplicates it itself)', async () => {
    const t = person();
    await t.addLead('UJANE');
    expect(texts(await t.say('stop', 'UJANE', 'Ev4'))).toEqual(['engine']);
    expect(t.engineSaw.map((e) => e.eventId)).toEqual(['Ev4']);
  });
});
