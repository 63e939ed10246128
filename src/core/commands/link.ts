/**
 * Identity linking. A person says `link` in a private chat on one platform and gets a
 * one-time code; saying `link <code>` privately on another platform attaches that account to
 * the same lead, which from then on shares answers, stage and history. A manager can undo a
 * link with `unlink @member`; the lead card lists the linked accounts.
 */
import { randomInt } from 'node:crypto';
import { forgetLead } from '../lead-lifecycle.ts';
import type {
  Clock,
  IdentityKey,
  LeadEvents,
  LeadStore,
  NewIdentity,
  OutreachStore,
} from '../ports/index.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export const LINK_CODE_TTL_MS = 15 * 60_000;
// No 0/O/1/I: codes are read on one screen and typed on another.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function newLinkCode(): string {
  return Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

export interface LinkDeps {
  store: LeadStore;
  /** Where the erasure of an empty lead merged away is announced. */
  leadEvents: LeadEvents;
  outreach: OutreachStore;
  clock: Clock;
}

/** Issues a code for the lead of `key`; null when the account is not a lead yet. */
export async function issueLinkCode(deps: LinkDeps, key: IdentityKey): Promise<string | null> {
  const identity = await deps.store.findIdentity(key);
  if (!identity) return null;
  const code = newLinkCode();
  await deps.outreach.saveLinkCode({
    code,
    leadId: identity.leadId,
    expiresAt: new Date(deps.clock.now().getTime() + LINK_CODE_TTL_MS),
  });
  return code;
}

export type RedeemResult = 'linked' | 'already' | 'invalid' | 'conflict';

/**
 * Attaches `key` to the lead the code was issued for. An account that already has its own
 * lead with a conversation is not merged (its history would be lost): `conflict`.
 */
export async function redeemLinkCode(
  deps: LinkDeps,
  key: IdentityKey,
  code: string,
  extra: Omit<NewIdentity, keyof IdentityKey> = {},
): Promise<RedeemResult> {
  const taken = await deps.outreach.takeLinkCode(code.trim().toUpperCase(), deps.clock.now());
  if (!taken) return 'invalid';
  return deps.store.transaction(async (tx) => {
    if (!(await tx.getLead(taken.leadId))) return 'invalid';
    const own = await tx.findIdentity(key);
    if (own?.leadId === taken.leadId) return 'already';
    if (own) {
      const others = await tx.listIdentities(own.leadId);
      if (others.length > 1 || (await tx.listConversations(own.leadId)).length > 0) return 'conflict';
      await forgetLead(tx, deps.leadEvents, own.leadId); // an empty lead created by a stray message
    }
    await tx.addIdentity(taken.leadId, { ...key, ...extra });
    return 'linked';
  });
}

/** What the person is told for each outcome of a `link` (texts of person-handler.ts). */
export type LinkTexts = {
  code: (code: string) => string;
  noLead: string;
  linked: string;
  already: string;
  invalid: string;
  conflict: string;
};

/**
 * A person's `link` (no code: issue one) or `link <code>` (redeem it), answered with the text
 * to show them.
 */
export async function answerLink(
  deps: LinkDeps,
  key: IdentityKey,
  code: string | null,
  texts: LinkTexts,
  extra: Omit<NewIdentity, keyof IdentityKey> = {},
): Promise<string> {
  if (!code) {
    const issued = await issueLinkCode(deps, key);
    return issued ? texts.code(issued) : texts.noLead;
  }
  return texts[await redeemLinkCode(deps, key, code, extra)];
}

export async function unlink(
  deps: CommandDeps,
  ctx: CommandContext,
  member: string,
): Promise<Omit<CommandReply, 'private'>> {
  const key = ctx.memberKey(member);
  const store = deps.store;
  return store.transaction(async (tx) => {
    const identity = await tx.findIdentity(key);
    if (!identity) return { text: 'This member is not linked to any lead.' };
    const all = await tx.listIdentities(identity.leadId);
    if (all.length < 2) return { text: 'This is the only account of the lead; use forget to erase it.' };
    await tx.removeIdentity(key);
    return { text: `Account unlinked from lead ${identity.leadId}.` };
  });
}
