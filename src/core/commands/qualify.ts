/**
 * `qualify @member`: posts a consent prompt in the channel, addressed to the member. Nothing
 * is sent privately until they accept; opt-outs, quiet hours and contact limits apply.
 */
import type { Refusal } from '../outreach/contact-policy.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

export const REFUSAL_TEXT: Record<Refusal, string> = {
  opted_out: 'This member asked not to be contacted.',
  quiet_hours: 'It is quiet hours in this community; try again later.',
  limit: 'This member has been contacted enough recently (contact limit); try again later.',
  cooldown: 'This member or channel was approached very recently.',
  no_consent: 'This member has not accepted to be contacted.',
  already_lead: 'This member already talks with us.',
  recorded: 'This member was just invited.',
};

export const CONSENT_PROMPT =
  'Hi! Our team would love to hear what you are working on. Would you answer a few quick questions in a private message? Nothing is sent privately unless you accept.';

/** How a lead records its inviting manager: `<platform>:<userId>` (user ids differ per platform). */
export function inviterOf(ctx: Pick<CommandContext, 'platform' | 'userId'>): string {
  return `${ctx.platform}:${ctx.userId}`;
}

export async function qualify(
  deps: CommandDeps,
  ctx: CommandContext,
  member: string,
): Promise<Omit<CommandReply, 'private'>> {
  if (ctx.isDirect)
    return { text: 'Run qualify in the channel where the member is, so they can accept there.' };
  // Decided and counted at once: the prompt the adapter posts next is already in the log.
  const decision = await deps.contactPolicy.approach(
    ctx.memberKey(member),
    'invite',
    ctx.platform,
    ctx.channelId,
  );
  if (!decision.ok) return { text: `Not invited: ${REFUSAL_TEXT[decision.reason]}` };
  return {
    text: 'Invitation posted. They will get a private message only if they accept.',
    prompt: { userId: member, text: CONSENT_PROMPT, invitedBy: inviterOf(ctx) },
  };
}
