/**
 * `/dashboard/lead?id=`: one lead with answers, score breakdown, stage history, scheduled
 * follow-ups, sales reps' verdicts, the flow's transcript and the handoff's (the messages relayed
 * between rep and prospect). Every value goes through `html`, which escapes.
 */
import { html, type SafeHtml } from '../../../adapters/web/html.ts';
import { safeProfileUrl } from '../../core/alert-content.ts';
import { followUpStatus, followUpVia } from '../../core/commands/follow-up-status.ts';
import type { FlowCatalog } from '../../core/flow/catalog.ts';
import { personLabel, sourceLabel } from '../../core/people/profile.ts';
import type {
  Answer,
  Conversation,
  Identity,
  Lead,
  Note,
  RepVerdict,
  ScheduledMessage,
  ScoreContribution,
  StageChange,
  TranscriptMessage,
} from '../../core/ports/index.ts';
import { layout } from './layout.ts';

export interface LeadDetails {
  lead: Lead;
  conversations: { conversation: Conversation; answers: Answer[] }[];
  contributions: ScoreContribution[];
  stageChanges: StageChange[];
  notes: Note[];
  /** Follow-ups planned for the lead (empty or absent without a schedule store). */
  schedules?: ScheduledMessage[];
  /** Sales reps' verdicts on its SQL alert, oldest first. */
  verdicts?: RepVerdict[];
  /** The lead's accounts: who the person is on each platform and how to reach them. */
  identities?: Identity[];
  /** Messages relayed between a rep and the prospect (the handoff), oldest first. */
  handoff?: TranscriptMessage[];
}

/** One account: name and handle, and a link to the profile when it is a plain https link. */
function account(i: Identity): SafeHtml {
  const label = `${personLabel(i) ?? i.userId} on ${i.platform}`;
  const url = safeProfileUrl(i.profileUrl);
  return url
    ? html`<li><a href="${url}" rel="noopener noreferrer" target="_blank">${label}</a></li>`
    : html`<li>${label}</li>`;
}

const when = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
const show = (v: unknown) =>
  v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);

function followUps(rows: ScheduledMessage[]): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<h2>Follow-ups</h2>
<table data-testid="follow-ups"><thead><tr><th>Due (UTC)</th><th>Kind</th><th>#</th><th>Via</th><th>Status</th></tr></thead>
<tbody>${rows.map(
    (m) =>
      html`<tr><td>${when(m.dueAt)}</td><td>${m.kind}</td><td>${m.sequence}</td><td>${followUpVia(m)}</td><td>${followUpStatus(m)}</td></tr>`,
  )}</tbody></table>`;
}

function verdicts(rows: RepVerdict[]): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<h2>Rep verdicts</h2>
<table data-testid="verdicts"><thead><tr><th>When (UTC)</th><th>Verdict</th><th>By</th><th>Reason</th></tr></thead>
<tbody>${rows.map(
    (v) =>
      html`<tr><td>${when(v.createdAt)}</td><td>${v.verdict}</td><td>${v.actor}</td><td>${v.reason ?? ''}</td></tr>`,
  )}</tbody></table>`;
}

const ROLE: Record<TranscriptMessage['direction'], string> = {
  to_prospect: 'rep',
  from_prospect: 'prospect',
  notice: 'notice',
};

/** The handoff's transcript, newest last, each line with when, which way and who. */
function handoffTranscript(rows: TranscriptMessage[]): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<h2>Conversation with sales</h2>
<ol class="handoff" data-testid="handoff">${rows.map(
    (m) =>
      html`<li class="${m.direction}"><span class="when">${when(m.createdAt)}</span> <span class="who">${ROLE[m.direction]}${m.direction === 'notice' ? '' : ` ${m.authorName ?? m.author}`}</span> <span class="text">${m.text}</span></li>`,
  )}</ol>`;
}

export function leadPage(d: LeadDetails, flows?: FlowCatalog): SafeHtml {
  const { lead } = d;
  const ask = (c: Conversation, stepId: string) =>
    flows?.get(c.flowId)?.definition.steps[stepId]?.ask ?? stepId;
  const transcript = (c: Conversation, answers: Answer[]) =>
    html`<section class="conversation">
<h3>${c.flowId} · ${c.platform} · ${c.status} · started ${when(c.startedAt)}${c.currentStep ? html` · waiting at ${c.currentStep}` : ''}</h3>
<ol class="transcript">${answers.map(
      (a) =>
        html`<li class="${a.accepted ? 'accepted' : 'rejected'}"><span class="q">${ask(c, a.stepId)}</span><span class="a">${a.rawText}</span>${
          a.accepted ? '' : html`<span class="tag">not accepted</span>`
        }</li>`,
    )}</ol>
</section>`;
  const answers = d.conversations.flatMap(({ conversation, answers }) =>
    answers.filter((a) => a.accepted).map((a) => ({ c: conversation, a })),
  );
  return layout(
    lead.name ?? '(no name)',
    html`<dl class="lead">
<dt>Stage</dt><dd data-testid="stage">${lead.stage}</dd>
<dt>Score</dt><dd>${lead.score}</dd>
<dt>Owner</dt><dd>${lead.ownerId ?? 'unclaimed'}</dd>
<dt>Company</dt><dd>${lead.company ?? ''}</dd>
<dt>Email</dt><dd>${lead.email ?? ''}</dd>
<dt>Phone</dt><dd>${lead.phone ?? ''}</dd>
<dt>Consent</dt><dd>${lead.consent ? `yes (${lead.consentAt ? when(lead.consentAt) : ''})` : 'no'}</dd>
<dt>Person</dt><dd data-testid="person"><ul class="accounts">${(d.identities ?? []).map(account)}</ul></dd>
<dt>Source</dt><dd data-testid="source">${[sourceLabel(lead.source), lead.source.campaign].filter(Boolean).join(' · ')}</dd>
<dt>Invited by</dt><dd data-testid="invited-by">${lead.invitedBy ?? ''}</dd>
<dt>Created</dt><dd>${when(lead.createdAt)}</dd>
</dl>
<h2>Answers</h2>
<table><thead><tr><th>Question</th><th>Answer</th></tr></thead>
<tbody>${answers.map(({ c, a }) => html`<tr><td>${ask(c, a.stepId)}</td><td>${show(a.value)}</td></tr>`)}</tbody></table>
<h2>Score breakdown</h2>
<table><thead><tr><th>Rule</th><th>Points</th><th>Why</th></tr></thead>
<tbody>${d.contributions.map((c) => html`<tr><td>${c.ruleId}</td><td>${c.points}</td><td>${c.reason}</td></tr>`)}</tbody></table>
<h2>Stage history</h2>
<table><thead><tr><th>When (UTC)</th><th>From</th><th>To</th><th>Why</th><th>By</th></tr></thead>
<tbody>${d.stageChanges.map(
      (s) =>
        html`<tr><td>${when(s.createdAt)}</td><td>${s.from ?? ''}</td><td>${s.to}</td><td>${s.reason}</td><td>${s.actor}</td></tr>`,
    )}</tbody></table>
${followUps(d.schedules ?? [])}
${verdicts(d.verdicts ?? [])}
${handoffTranscript(d.handoff ?? [])}
<h2>Transcript</h2>
${d.conversations.map(({ conversation, answers }) => transcript(conversation, answers))}
${d.notes.length ? html`<h2>Notes</h2><ul>${d.notes.map((n) => html`<li>${when(n.createdAt)} ${n.author}: ${n.text}</li>`)}</ul>` : ''}`,
  );
}
