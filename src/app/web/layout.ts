/** The dashboard's page frame and the filter form shared by its pages. */
import { html, type SafeHtml } from '../../../adapters/web/html.ts';
import { STAGES } from '../../core/ports/index.ts';
import type { DashboardQuery } from './query.ts';

export function layout(title: string, body: SafeHtml, opts: { nav?: boolean } = {}): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · leadbot</title>
<link rel="stylesheet" href="/dashboard/dashboard.css">
</head>
<body>
<header><strong>leadbot</strong>${
    opts.nav === false
      ? ''
      : html` <nav><a href="/dashboard">Funnel</a> <a href="/dashboard/leads">Leads</a> <a href="/">Web chat</a>
<form method="post" action="/dashboard/logout" class="inline"><button type="submit">Log out</button></form></nav>`
  }</header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

const RANGES = [
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['90d', 'Last 90 days'],
  ['all', 'All time'],
] as const;

/** GET form with range, platform and campaign (and stage/search on the leads page). */
export function filterForm(
  action: string,
  q: DashboardQuery,
  opts: { platforms: string[]; campaigns: string[]; leads?: boolean },
): SafeHtml {
  const option = (value: string, label: string, selected: boolean) =>
    selected
      ? html`<option value="${value}" selected>${label}</option>`
      : html`<option value="${value}">${label}</option>`;
  return html`<form method="get" action="${action}" class="filters">
<label>Range <select name="range">${RANGES.map(([v, l]) => option(v, l, q.range === v))}</select></label>
<label>Platform <select name="platform">${option('', 'All', !q.platform)}${opts.platforms.map((p) =>
    option(p, p, q.platform === p),
  )}</select></label>
<label>Campaign <select name="campaign">${option('', 'All', !q.campaign)}${opts.campaigns.map((c) =>
    option(c, c, q.campaign === c),
  )}</select></label>
${
  opts.leads
    ? html`<label>Stage <select name="stage">${option('', 'All', !q.stage)}${STAGES.map((s) =>
        option(s, s, q.stage === s),
      )}</select></label>
<label>Search <input name="q" value="${q.search ?? ''}" placeholder="name, company, email"></label>
<input type="hidden" name="sort" value="${q.sort}"><input type="hidden" name="order" value="${q.order}">`
    : ''
}
<button type="submit">Apply</button>
</form>`;
}
