/**
 * What a due follow-up says, decided from the lead, the conversation and the flow: the chat
 * messages and, where the flow gives a subject, the email; or why it should not go out.
 */
import { info, question } from '../conversation.ts';
import { parseDuration } from '../duration.ts';
import type { OutboundMessage } from '../events.ts';
import type { FollowUps } from '../flow/schema.ts';
import { render } from '../flow/template.ts';
import type { Flow } from '../flow/validate.ts';
import type { Conversation, Lead, ScheduledMessage } from '../ports/index.ts';
import type { EmailContent } from './email-step.ts';

export type Outcome =
  | { status: 'sent'; via: 'chat' | 'email' }
  | { status: 'skipped' | 'cancelled'; outcome: string }
  | { status: 'postponed'; outcome: string; dueAt: Date; basis?: Date };

export const skip = (outcome: string): Outcome => ({ status: 'skipped', outcome });

/** What the row would send now (as chat messages, and as an email where the flow can), or why it should not. */
export interface Composed {
  chat: OutboundMessage[];
  email: EmailContent | null;
}

/** Both forms of one follow-up text: the chat message and the email (subject from the flow). */
function both(
  vars: Conversation['variables'],
  text: string,
  link: string | undefined,
  subject?: string,
): Composed {
  const body = render(text, vars);
  return {
    chat: [info(link ? `${body}\n${link}` : body)],
    email: subject ? { subject: render(subject, vars), body, link: link ?? null } : null,
  };
}

export function compose(
  row: ScheduledMessage,
  lead: Lead,
  conv: Conversation,
  flow: Flow,
  fu: FollowUps,
  activity: Date,
): Composed | Outcome {
  const engaged = row.basis !== null && activity > row.basis;
  const vars = conv.variables;
  if (row.kind === 'reminder') {
    if (!fu.reminder) return skip('not_configured');
    if (conv.variables._stopped !== undefined) return { status: 'cancelled', outcome: 'stopped' };
    if (conv.status === 'completed' || !conv.currentStep || !flow.definition.steps[conv.currentStep])
      return skip('finished');
    if (engaged) return skip('engaged');
    const text = fu.reminder.text;
    const chat = [...(text ? [info(render(text, vars))] : []), question(flow, conv.currentStep, vars)];
    return { chat, email: null };
  }
  if (row.kind === 'nurture') {
    if (!fu.nurture) return skip('not_configured');
    if (lead.stage !== 'MQL') return skip(`stage_${lead.stage}`);
    if (engaged) return skip('engaged');
    const item = fu.nurture.messages[row.sequence];
    if (!item) return skip('series_done');
    return both(vars, item.text, item.link, item.subject);
  }
  if (!fu.reengage) return skip('not_configured');
  if (lead.stage !== 'cold') return skip(`stage_${lead.stage}`);
  if (engaged) {
    // They came back on their own: wait for a new silence before the one re-engagement.
    const dueAt = new Date(activity.getTime() + parseDuration(fu.reengage.after));
    return { status: 'postponed', outcome: 'engaged', dueAt, basis: activity };
  }
  return both(vars, fu.reengage.text, undefined, fu.reengage.subject);
}
