/**
 * What a person can say to the bot about contact itself, before the qualification engine
 * sees the message: `forget me` (erase everything, at once), `stop` (end the conversation and
 * opt out of bot-initiated messages — the engine still stops the flow), `start` (lift the
 * opt-out), `link` / `link <code>` (identity linking, in private chats only).
 * What is answered here records the event id like the engine does, so a platform's
 * redelivery of the same event is answered once.
 */

import { forgetPerson } from '../commands/forget.ts';
import { answerLink, LINK_CODE_TTL_MS, type LinkTexts } from '../commands/link.ts';
import type { InboundEvent, OutboundMessage } from '../events.ts';
import { cleanText } from '../flow/inputs.ts';
import { profileOf } from '../people/profile.ts';
import type { Clock, InboundHandler, LeadEvents, LeadStore, OutreachStore } from '../ports/index.ts';
import { sanitizeEvent } from '../text-hygiene.ts';
import type { ContactPolicy } from './contact-policy.ts';

export const PERSON_TEXT = {
  forgotten: 'Done: everything we stored about you has been erased. Goodbye!',
  linkNoLead: 'Start a conversation with me here first, then ask for a link code.',
  linkCode: (code: string) =>
    `Your link code is ${code}. Within ${LINK_CODE_TTL_MS / 60_000} minutes, send "link ${code}" to this bot on your other platform.`,
  linked: 'Linked! Your accounts now share the same answers and history.',
  linkAlready: 'These accounts are already linked.',
  linkInvalid: 'This code is unknown or expired. Ask for a new one with "link" on your other platform.',
  linkConflict:
    'This account already has its own conversation with us, so it cannot be linked automatically. A community manager can help.',
} as const;

/** The link answers, for `answerLink` (src/core/commands/link.ts). */
export const LINK_TEXTS: LinkTexts = {
  code: PERSON_TEXT.linkCode,
  noLead: PERSON_TEXT.linkNoLead,
  linked: PERSON_TEXT.linked,
  already: PERSON_TEXT.linkAlready,
  invalid: PERSON_TEXT.linkInvalid,
  conflict: PERSON_TEXT.linkConflict,
};

const info = (text: string): OutboundMessage => ({ kind: 'info', text });

function words(e: InboundEvent): string[] | null {
  if (e.kind === 'message') return cleanText(e.text).toLowerCase().split(/\s+/).filter(Boolean);
  if (e.kind === 'command') return [e.name.toLowerCase(), ...e.args.map((a) => a.toLowerCase())];
  return null;
}

/** `handle` with the person's own commands about contact answered in front of it. */
export function withPersonCommands(
  handle: InboundHandler,
  deps: {
    store: LeadStore;
    outreach: OutreachStore;
    contactPolicy: ContactPolicy;
    clock: Clock;
    leadEvents: LeadEvents;
  },
): InboundHandler {
  return async (inbound) => {
    // Words are matched on the hygienic text, and the handler behind gets that event too.
    const e = sanitizeEvent(inbound);
    const w = words(e);
    const key = { platform: e.platform, workspaceId: e.workspaceId, userId: e.userId };
    if (!w || w.length === 0) return handle(e);
    if (e.isDirect && w.length === 2 && w[0] === 'forget' && w[1] === 'me') {
      const done = await forgetPerson(deps, key, e);
      return done === null ? [] : [info(PERSON_TEXT.forgotten)];
    }
    if (e.isDirect && w[0] === 'link' && w.length <= 2) {
      // Answered here, not by the engine: de-duplicate like it does, or a redelivered
      // `link <code>` would find its code used and answer "invalid code".
      if (!(await deps.store.markEventProcessed(e.platform, e.eventId))) return [];
      const extra = { chatId: e.channelId, ...profileOf(e) };
      return [info(await answerLink(deps, key, w[1] ?? null, LINK_TEXTS, extra))];
    }
    if (w.length === 1 && (w[0] === 'stop' || w[0] === '/stop')) await deps.contactPolicy.optOut(key);
    if (e.kind === 'command' && w[0] === 'start') await deps.contactPolicy.optIn(key);
    return handle(e);
  };
}
