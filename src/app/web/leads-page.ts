/** `/dashboard/leads`: filterable, sortable, paged table of leads, and its CSV download. */
import { html, type SafeHtml } from '../../../adapters/web/html.ts';
import type { Lead } from '../../core/ports/index.ts';
import { type LeadSortKey, type LeadTable, tableCursor, toCsv } from '../../core/reporting.ts';
import { filterForm, layout } from './layout.ts';
import { type DashboardQuery, queryString } from './query.ts';

function sortLink(q: DashboardQuery, key: LeadSortKey, label: string): SafeHtml {
  const active = q.sort === key;
  const order = active && q.order === 'desc' ? 'asc' : 'desc';
  const arrow = active ? (q.order === 'desc' ? ' ↓' : ' ↑') : '';
  return html`<a href="/dashboard/leads${queryString(q, { sort: key, order, page: 1, after: '' })}">${label}${arrow}</a>`;
}

/** "Next" continues after the last row shown (keyset) when sorted by creation time. */
const next = (table: LeadTable) => {
  const last = table.items.at(-1);
  return last ? tableCursor(last) : '';
};

export function leadsPage(input: {
  query: DashboardQuery;
  table: LeadTable;
  options: { platforms: string[]; campaigns: string[] };
}): SafeHtml {
  const { query: q, table } = input;
  const pages = Math.max(1, Math.ceil(table.total / table.pageSize));
  const row = (l: Lead) =>
    html`<tr><td><a href="/dashboard/lead?id=${encodeURIComponent(l.id)}">${l.name ?? '(no name)'}</a></td><td>${l.company ?? ''}</td><td>${l.stage}</td><td>${l.score}</td><td>${l.ownerId ?? ''}</td><td>${l.source.platform ?? ''}</td><td>${l.source.campaign ?? ''}</td><td>${l.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</td></tr>`;
  return layout(
    'Leads',
    html`${filterForm('/dashboard/leads', q, { ...input.options, leads: true })}
<p>${table.total} leads · <a href="/dashboard/leads.csv${queryString(q, { page: '', after: '' })}" download>Download CSV</a> (newest first)</p>
<table class="leads">
<thead><tr><th>${sortLink(q, 'name', 'Name')}</th><th>Company</th><th>${sortLink(q, 'stage', 'Stage')}</th><th>${sortLink(q, 'score', 'Score')}</th><th>Owner</th><th>Platform</th><th>Campaign</th><th>${sortLink(q, 'createdAt', 'Created (UTC)')}</th></tr></thead>
<tbody>${table.items.map(row)}</tbody>
</table>
<nav class="pages">${
      table.page > 1
        ? html`<a href="/dashboard/leads${queryString(q, { page: table.page - 1, after: '' })}">← Previous</a>`
        : ''
    } Page ${table.page} of ${pages} ${
      table.page < pages
        ? html`<a href="/dashboard/leads${queryString(q, { page: table.page + 1, after: next(table) })}">Next →</a>`
        : ''
    }</nav>`,
  );
}

const CSV_COLUMNS = [
  'id',
  'name',
  'company',
  'email',
  'phone',
  'stage',
  'score',
  'owner',
  'platform',
  'campaign',
  'consent',
  'created_at',
];

/** The CSV's header line (contact fields included: the file is for the sales team). */
export const LEADS_CSV_HEADER = toCsv([CSV_COLUMNS]);

/** CSV lines of some leads, each ending with a line break (the export streams them page by page). */
export function leadsCsvLines(leads: readonly Lead[]): string {
  if (leads.length === 0) return '';
  return toCsv(
    leads.map((l) => [
      l.id,
      l.name,
      l.company,
      l.email,
      l.phone,
      l.stage,
      l.score,
      l.ownerId,
      l.source.platform,
      l.source.campaign,
      l.consent,
      l.createdAt.toISOString(),
    ]),
  );
}
