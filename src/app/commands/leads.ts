/**
 * `leadbot leads list [--stage SQL] [--json]` and `leadbot leads show <id> [--json]`:
 * what the bot qualified, with the answers, the score breakdown and the stage history.
 */

import type { Command } from 'commander';
import { safeProfileUrl } from '../../core/alert-content.ts';
import { followUpStatus, followUpVia } from '../../core/commands/follow-up-status.ts';
import { LeadbotError } from '../../core/errors.ts';
import type { FlowDefinition } from '../../core/flow/schema.ts';
import { parseFlow } from '../../core/flow/validate.ts';
import { displayAnswer } from '../../core/lead-lifecycle.ts';
import { personLabel, sourceLabel } from '../../core/people/profile.ts';
import { type Identity, type LeadStore, STAGES, type Stage } from '../../core/ports/index.ts';
import { type CliContext, withStore } from '../cli-context.ts';
import { printable } from './chat.ts';

const iso = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : '-');
const cell = (v: unknown) => printable(v === null || v === undefined || v === '' ? '-' : String(v));

/** Everything `leads show` prints, as data (the --json output). */
export async function leadDetails(store: LeadStore, id: string) {
  const lead = await store.getLead(id);
  if (!lead) throw new LeadbotError('NOT_FOUND', `no lead with id ${id}`);
  const conversations = [];
  for (const c of await store.listConversations(id)) {
    let def: FlowDefinition | null = null;
    try {
      const stored = await store.getFlowVersion(c.flowId, c.flowVersion);
      def = stored ? parseFlow(stored).definition : null;
    } catch {
      def = null;
    }
    const answers = (await store.listAnswers(c.id)).map((a) => ({
      stepId: a.stepId,
      question: def?.steps[a.stepId]?.ask ?? a.stepId,
      answer: a.accepted ? displayAnswer(def, a.stepId, a.value) : null,
      rawText: a.rawText,
      accepted: a.accepted,
      attempt: a.attempt,
      at: a.createdAt,
    }));
    conversations.push({ ...c, answers });
  }
  return {
    lead,
    identities: await store.listIdentities(id),
    conversations,
    score: await store.listScoreContributions(id),
    stages: await store.listStageChanges(id),
    notes: await store.listNotes(id),
    schedules: await store.schedules.listForLead(id),
    verdicts: await store.verdicts.listForLead(id),
  };
}

/** ` (Ana Souza (@ana) https://t.me/ana)`: who the account is, printable; empty when unknown. */
function identityAbout(i: Identity): string {
  const about = [personLabel(i), safeProfileUrl(i.profileUrl)].filter(Boolean).join(' ');
  return about ? ` (${cell(about)})` : '';
}

/** The human-readable `leads show` report. */
export function formatDetails(d: Awaited<ReturnType<typeof leadDetails>>): string {
  const { lead } = d;
  const out = [
    `Lead ${lead.id}`,
    `  stage: ${lead.stage}   score: ${lead.score}   owner: ${cell(lead.ownerId)}`,
    `  name: ${cell(lead.name)}   company: ${cell(lead.company)}`,
    `  email: ${cell(lead.email)}   phone: ${cell(lead.phone)}   consent: ${lead.consent ? `yes (${iso(lead.consentAt)})` : 'no'}`,
    `  source: ${cell(sourceLabel(lead.source))} ${cell(lead.source.campaign)}   invited by: ${cell(lead.invitedBy)}   created: ${iso(lead.createdAt)}`,
    `  identities: ${d.identities.map((i) => `${i.platform}:${i.workspaceId ? `${i.workspaceId}:` : ''}${i.userId}${identityAbout(i)}`).join(', ')}`,
    '',
    'Score breakdown:',
  ];
  for (const c of d.score)
    out.push(`  ${String(c.points).padStart(4)}  ${printable(c.reason)}  [${c.ruleId}]`);
  out.push(`  ----\n  ${String(d.score.reduce((s, c) => s + c.points, 0)).padStart(4)}  total`);
  out.push('', 'Stage history:');
  for (const s of d.stages)
    out.push(`  ${iso(s.createdAt)}  ${s.from ?? '(new)'} -> ${s.to}  by ${s.actor}: ${printable(s.reason)}`);
  if (d.stages.length === 0) out.push('  (none)');
  for (const c of d.conversations) {
    out.push(
      '',
      `Conversation ${c.id} (${c.flowId}@${c.flowVersion.slice(0, 8)}, ${c.status}, step ${c.currentStep ?? 'end'})`,
    );
    for (const a of c.answers) {
      const shown = a.accepted ? a.answer : `rejected: ${JSON.stringify(printable(a.rawText).slice(0, 80))}`;
      out.push(`  ${a.stepId}: ${printable(a.question)}`, `      ${shown}`);
    }
  }
  if (d.schedules.length > 0) {
    out.push('', 'Scheduled messages:');
    for (const m of d.schedules)
      out.push(`  ${iso(m.dueAt)}  ${m.kind} #${m.sequence} via ${followUpVia(m)}  ${followUpStatus(m)}`);
  }
  if (d.verdicts.length > 0) {
    out.push('', 'Rep verdicts:');
    for (const v of d.verdicts)
      out.push(
        `  ${iso(v.createdAt)}  ${v.verdict} by ${printable(v.actor)}${v.reason ? `: ${printable(v.reason)}` : ''}`,
      );
  }
  if (d.notes.length > 0) {
    out.push('', 'Notes:');
    for (const n of d.notes) out.push(`  ${iso(n.createdAt)} ${n.author}: ${printable(n.text)}`);
  }
  return out.join('\n');
}

export function register(program: Command, ctx: CliContext): void {
  const leads = program.command('leads').description('list and inspect leads');
  leads
    .command('list')
    .description('list leads, newest first')
    .option('--stage <stage>', `only this stage (${STAGES.join(', ')})`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { stage?: string; limit: string; json?: boolean }) => {
      if (opts.stage && !STAGES.includes(opts.stage as Stage)) {
        throw new LeadbotError(
          'BAD_INPUT',
          `unknown stage "${opts.stage}" — use one of ${STAGES.join(', ')}`,
        );
      }
      const limit = Number.parseInt(opts.limit, 10);
      if (!Number.isInteger(limit) || limit < 1)
        throw new LeadbotError('BAD_INPUT', '--limit must be a positive number');
      await withStore(ctx, async (store) => {
        const page = await store.listLeads({ ...(opts.stage ? { stage: opts.stage as Stage } : {}), limit });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(page.items, null, 2)}\n`);
          return;
        }
        for (const l of page.items) {
          const who = [l.name, l.company].filter(Boolean).map(cell).join(' @ ') || '-';
          process.stdout.write(
            `${l.id}  ${l.stage.padEnd(12)} ${String(l.score).padStart(4)}  ${who}  ${cell(sourceLabel(l.source))}\n`,
          );
        }
        if (page.items.length === 0) process.stdout.write('no leads\n');
      });
    });
  leads
    .command('show')
    .description('answers, score breakdown and stage history of one lead')
    .argument('<id>', 'lead id')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { json?: boolean }) => {
      await withStore(ctx, async (store) => {
        const details = await leadDetails(store, id);
        process.stdout.write(`${opts.json ? JSON.stringify(details, null, 2) : formatDetails(details)}\n`);
      });
    });
}
