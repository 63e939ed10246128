/**
 * `lead @member|id`: stage, score breakdown, answers, owner, source (and inviting manager),
 * linked accounts, history, scheduled follow-ups, sales reps' verdicts and the last lines of the
 * handoff's transcript. Plain text: the adapter escapes the reply by its platform's rules.
 */

import { safeProfileUrl } from '../alert-content.ts';
import type { FlowDefinition } from '../flow/schema.ts';
import { parseFlow } from '../flow/validate.ts';
import { buildAlertPayload } from '../lead-lifecycle.ts';
import { personLabel } from '../people/profile.ts';
import type {
  Identity,
  Lead,
  LeadRepo,
  LeadStore,
  RepVerdict,
  ScheduledMessage,
  TranscriptMessage,
} from '../ports/index.ts';
import { followUpStatus, followUpVia } from './follow-up-status.ts';
import type { Target } from './parse.ts';
import { resolveLead } from './resolve.ts';
import type { CommandContext, CommandDeps, CommandReply } from './types.ts';

async function latestFlow(
  tx: LeadRepo,
  leadId: string,
): Promise<{ definition: FlowDefinition | null; conversationId: string | null }> {
  const convs = await tx.listConversations(leadId);
  const latest = convs.reduce<(typeof convs)[number] | null>(
    (a, c) => (a === null || c.startedAt >= a.startedAt ? c : a),
    null,
  );
  if (!latest) return { definition: null, conversationId: null };
  const stored = await tx.getFlowVersion(latest.flowId, latest.flowVersion);
  try {
    return { definition: stored ? parseFlow(stored).definition : null, conversationId: latest.id };
  } catch {
    return { definition: null, conversationId: latest.id };
  }
}

const minute = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** One follow-up: due time, kind and number, status, and why it ended when that differs. */
export function scheduleLine(m: ScheduledMessage): string {
  return `${minute(m.dueAt)} ${m.kind} #${m.sequence} via ${followUpVia(m)}: ${followUpStatus(m)}`;
}

/** One rep verdict: when, what, who, and the reason they gave. */
export function verdictLine(v: RepVerdict): string {
  return `${minute(v.createdAt)} ${v.verdict} by ${v.actor}${v.reason ? `: ${v.reason}` : ''}`;
}

/** The card shows this many of the transcript's newest lines; the dashboard lead page has them all. */
export const CARD_TRANSCRIPT_LINES = 10;

/** A transcript line longer than this is clipped on the card (the chat message has a limit). */
const CARD_LINE_CHARS = 300;

/**
 * One transcript line on one line of the card: when, which way and who, the text with its line
 * breaks folded (a typed newline would pass for a line of the card) and clipped.
 */
export function transcriptLine(m: TranscriptMessage): string {
  const folded = m.text.replace(/\s+/g, ' ').trim();
  const text = folded.length > CARD_LINE_CHARS ? `${folded.slice(0, CARD_LINE_CHARS - 1)}…` : folded;
  const who = m.authorName ?? m.author;
  const role =
    m.direction === 'to_prospect'
      ? `rep ${who}`
      : m.direction === 'from_prospect'
        ? `prospect ${who}`
        : 'notice';
  return `${minute(m.createdAt)} ${role}: ${text}`;
}

/** Where the card reads follow-ups and verdicts (the stores {@link LeadStore} offers). */
export type CardExtras = Pick<LeadStore, 'schedules' | 'verdicts'>;

/** One account: `telegram:7001 (Ana Souza (@ana) https://t.me/ana)`, who they are and where to reach them. */
export function accountLine(i: Identity): string {
  const about = [personLabel(i), safeProfileUrl(i.profileUrl)].filter(Boolean).join(' ');
  return `${i.platform}:${i.userId}${about ? ` (${about})` : ''}`;
}

/** The card as plain text lines. */
export async function renderLeadCard(tx: LeadRepo, lead: Lead, extras: CardExtras): Promise<string> {
  const payload = await buildAlertPayload(tx, lead, '', await latestFlow(tx, lead.id));
  const identities = await tx.listIdentities(lead.id);
  const history = await tx.listStageChanges(lead.id);
  const notes = await tx.listNotes(lead.id);
  const src = lead.source;
  const lines = [
    `Lead ${lead.id}: ${lead.name ?? '(no name)'}${lead.company ? `, ${lead.company}` : ''}`,
    `Stage: ${lead.stage} · Score: ${lead.score} · Owner: ${lead.ownerId ?? 'none'} · Consent: ${lead.consent ? 'yes' : 'no'}`,
    `Source: ${[src.platform, src.workspaceName || src.workspaceId, src.channelName ? `#${src.channelName}` : src.channelId, src.campaign].filter(Boolean).join(' / ') || 'unknown'}${lead.invitedBy ? ` · Invited by: ${lead.invitedBy}` : ''}`,
    `Accounts: ${identities.map(accountLine).join(', ') || 'none'}`,
    'Score breakdown:',
    ...(payload.breakdown.length
      ? payload.breakdown.map((b) => `  ${b.points >= 0 ? '+' : ''}${b.points} ${b.reason}`)
      : ['  (none)']),
    'Answers:',
    ...(payload.answers.length ? payload.answers.map((a) => `  ${a.question} → ${a.answer}`) : ['  (none)']),
    'History:',
    ...(history.length
      ? history.map(
          (h) =>
            `  ${h.createdAt.toISOString().slice(0, 16)} ${h.from ?? '∅'} → ${h.to} by ${h.actor}: ${h.reason}`,
        )
      : ['  (no stage change)']),
  ];
  if (notes.length) lines.push('Notes:', ...notes.map((n) => `  ${n.author}: ${n.text}`));
  const schedules = await extras.schedules.listForLead(lead.id);
  if (schedules.length) lines.push('Follow-ups:', ...schedules.map((m) => `  ${scheduleLine(m)}`));
  const verdicts = await extras.verdicts.listForLead(lead.id);
  if (verdicts.length) lines.push('Verdicts:', ...verdicts.map((v) => `  ${verdictLine(v)}`));
  const transcript = await tx.handoffs.listMessages(lead.id);
  if (transcript.length) {
    const shown = transcript.slice(-CARD_TRANSCRIPT_LINES);
    const more = transcript.length > shown.length ? ` (last ${shown.length} of ${transcript.length})` : '';
    lines.push(`Transcript${more}:`, ...shown.map((m) => `  ${transcriptLine(m)}`));
  }
  return lines.join('\n');
}

export async function leadCard(
  deps: CommandDeps,
  ctx: CommandContext,
  target: Target,
): Promise<Omit<CommandReply, 'private'>> {
  return deps.store.transaction(async (tx) => ({
    text: await renderLeadCard(tx, await resolveLead(tx, ctx, target), deps.store),
  }));
}
