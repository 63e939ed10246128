/** The inviting manager in Discord consent buttons: custom id round trip, limits, rejection of garbage. */
import { describe, expect, it } from 'vitest';
import { CUSTOM_ID_MAX, decodeCustomId, encodeCustomId } from '../../../adapters/discord/custom-ids.ts';
import { discordInviter, renderConsentPrompt } from '../../../adapters/discord/outbound.ts';

const JANE = '1320000000000000001';
const MGR = '1320000000000000005';

describe('Discord consent custom ids with the inviting manager', () => {
  it('round-trips with and without an inviter, within the 100-character limit', () => {
    const invited = encodeCustomId({ kind: 'consent', accept: true, userId: JANE, invitedBy: MGR });
    expect(invited).toBe(`lb:y:${JANE}:${MGR}`);
    expect(invited.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    expect(decodeCustomId(invited)).toEqual({ kind: 'consent', accept: true, userId: JANE, invitedBy: MGR });
    const offer = encodeCustomId({ kind: 'consent', accept: false, userId: JANE });
    expect(decodeCustomId(offer)).toEqual({ kind: 'consent', accept: false, userId: JANE });
  });

  it('refuses malformed consent ids instead of crediting garbage', () => {
    expect(decodeCustomId(`lb:y:${JANE}:`)).toBeNull();
    expect(decodeCustomId(`lb:y:${JANE}:abc`)).toBeNull();
    expect(decodeCustomId(`lb:y:${JANE}:${MGR}:9`)).toBeNull();
  });

  it('puts only a Discord inviter into the prompt buttons', () => {
    expect(discordInviter(`discord:${MGR}`)).toBe(MGR);
    expect(discordInviter('slack:U0MGR')).toBeUndefined();
    expect(discordInviter(undefined)).toBeUndefined();
    const ids = renderConsentPrompt(
      JANE,
      'Hi <@everyone>',
      discordInviter(`discord:${MGR}`),
    ).components[0]!.components.map((c) => decodeCustomId((c as { custom_id: string }).custom_id));
    expect(ids).toEqual([
      { kind: 'consent', accept: true, userId: JANE, invitedBy: MGR },
      { kind: 'consent', accept: false, userId: JANE, invitedBy: MGR },
    ]);
  });
});
