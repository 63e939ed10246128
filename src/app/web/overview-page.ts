/** `/dashboard`: the funnel chart, conversion per platform and campaign, and drop-off per step. */
import { html, type SafeHtml } from '../../../adapters/web/html.ts';
import type { FlowCatalog } from '../../core/flow/catalog.ts';
import {
  conversionRates,
  type DropOffRow,
  type FunnelGroup,
  type FunnelReport,
} from '../../core/reporting.ts';
import { formatDuration, type SpeedOf, type SpeedReport, type SpeedRow } from '../../core/speed-to-lead.ts';
import { funnelChart, percent } from './funnel-chart.ts';
import { filterForm, layout } from './layout.ts';
import type { DashboardQuery } from './query.ts';

/** One breakdown; `more` groups past the largest ones are only counted (GROUP_LIMIT). */
function groupTable(caption: string, rows: FunnelGroup[], more: number): SafeHtml {
  if (rows.length === 0) return html``;
  return html`<table class="groups">
<caption>${caption}</caption>
<thead><tr><th>${caption.replace('By ', '')}</th><th>Leads</th><th>MQL</th><th>SQL</th><th>Claimed</th><th>Lead → MQL</th><th>MQL → SQL</th><th>Lead → SQL</th></tr></thead>
<tbody>${rows.map((r) => {
    const rate = conversionRates(r);
    return html`<tr><td>${r.key}</td><td>${r.leads}</td><td>${r.mql}</td><td>${r.sql}</td><td>${r.claimed}</td><td>${percent(rate.mql)}</td><td>${percent(rate.sql)}</td><td>${percent(rate.overall)}</td></tr>`;
  })}</tbody>
</table>${more > 0 ? html`<p class="more">… and ${more} smaller groups not shown.</p>` : ''}`;
}

function dropOffTable(rows: DropOffRow[], flows: FlowCatalog | undefined): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">No conversation is waiting at a step.</p>`;
  return html`<table class="dropoff">
<caption>Where people stop (conversations waiting at a step)</caption>
<thead><tr><th>Flow</th><th>Step</th><th>Question</th><th>Abandoned</th><th>Still active</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr><td>${r.flowId}</td><td>${r.stepId}</td><td>${flows?.get(r.flowId)?.definition.steps[r.stepId]?.ask ?? ''}</td><td>${r.abandoned}</td><td>${r.active}</td></tr>`,
  )}</tbody>
</table>`;
}

const SPEED_WORDS: Record<SpeedOf, { title: string; count: string; testId: string }> = {
  claim: { title: 'claim', count: 'Claimed', testId: 'speed' },
  reply: { title: 'first reply', count: 'Replied to', testId: 'reply-speed' },
};

/** SQL → first claim (first reply) per rep or platform: median and p90 (the whole history, not the filter). */
function speedTable(caption: string, rows: SpeedRow[], of: SpeedOf = 'claim'): SafeHtml {
  if (rows.length === 0) return html``;
  const words = SPEED_WORDS[of];
  return html`<table class="speed" data-testid="${words.testId}-${caption.toLowerCase().replace(/\W+/g, '-')}">
<caption>Speed to lead, SQL → ${words.title}, ${caption} (all time)</caption>
<thead><tr><th>${caption.replace('per ', '')}</th><th>${words.count}</th><th>Median</th><th>p90</th></tr></thead>
<tbody>${rows.map(
    (r) =>
      html`<tr><td>${r.key}</td><td>${r.leads}</td><td>${formatDuration(r.medianMs)}</td><td>${formatDuration(r.p90Ms)}</td></tr>`,
  )}</tbody>
</table>`;
}

export function overviewPage(input: {
  query: DashboardQuery;
  report: FunnelReport;
  options: { platforms: string[]; campaigns: string[] };
  dropOff: DropOffRow[];
  /** The funnel by how leads were nurtured (email / chat / none). */
  nurture?: FunnelGroup[];
  flows?: FlowCatalog;
  speed?: SpeedReport;
  /** SQL → the rep's first reply to the prospect in the handoff. */
  replySpeed?: SpeedReport;
}): SafeHtml {
  const { report, query } = input;
  const rate = conversionRates(report.overall);
  return layout(
    'Funnel',
    html`${filterForm('/dashboard', query, input.options)}
<section class="summary">
<div><span class="big" data-testid="leads">${report.overall.leads}</span> leads</div>
<div><span class="big" data-testid="mql">${report.overall.mql}</span> MQL (${percent(rate.mql)})</div>
<div><span class="big" data-testid="sql">${report.overall.sql}</span> SQL (${percent(rate.sql)} of MQL)</div>
<div><span class="big" data-testid="claimed">${report.overall.claimed}</span> claimed</div>
<div><span class="big">${report.overall.disqualified}</span> disqualified</div>
</section>
${funnelChart(report.overall)}
${groupTable('By platform', report.byPlatform, report.more.byPlatform)}
${groupTable('By campaign', report.byCampaign, report.more.byCampaign)}
${groupTable('By inviting manager', report.byInviter, report.more.byInviter)}
${speedTable('per rep', input.speed?.byRep ?? [])}
${speedTable('per platform', input.speed?.byPlatform ?? [])}
${speedTable('per rep', input.replySpeed?.byRep ?? [], 'reply')}
${speedTable('per platform', input.replySpeed?.byPlatform ?? [], 'reply')}
${groupTable(
  'By nurture',
  (input.nurture ?? []).filter((g) => g.leads > 0),
  0,
)}
<h2>Drop-off per flow step</h2>
${dropOffTable(input.dropOff, input.flows)}`,
  );
}
