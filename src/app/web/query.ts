/** Dashboard URL parameters → report filters, with safe defaults for anything unexpected. */
import type { Stage } from '../../core/ports/index.ts';
import { STAGES } from '../../core/ports/index.ts';
import type { LeadQuery, LeadSortKey, ReportFilter } from '../../core/reporting.ts';

export interface DashboardQuery {
  range: '7d' | '30d' | '90d' | 'all';
  platform?: string;
  campaign?: string;
  stage?: Stage;
  search?: string;
  sort: LeadSortKey;
  order: 'asc' | 'desc';
  page: number;
  /** The last row of the previous page, set by the "Next" link (keyset paging). */
  after?: string;
}

const SORTS: LeadSortKey[] = ['createdAt', 'score', 'stage', 'name'];
const DAYS = { '7d': 7, '30d': 30, '90d': 90 } as const;

export function parseQuery(url: string): DashboardQuery {
  const p = new URL(url, 'http://x').searchParams;
  const text = (name: string) => {
    const v = p.get(name)?.trim();
    return v ? v.slice(0, 200) : undefined;
  };
  const range = p.get('range');
  const stage = p.get('stage');
  const sort = p.get('sort');
  const page = Number.parseInt(p.get('page') ?? '1', 10);
  const q: DashboardQuery = {
    range: range === '7d' || range === '30d' || range === '90d' ? range : 'all',
    sort: SORTS.includes(sort as LeadSortKey) ? (sort as LeadSortKey) : 'createdAt',
    order: p.get('order') === 'asc' ? 'asc' : 'desc',
    page: Number.isFinite(page) && page > 0 ? Math.min(page, 100_000) : 1,
  };
  const platform = text('platform');
  const campaign = text('campaign');
  const search = text('q');
  if (platform) q.platform = platform;
  if (campaign) q.campaign = campaign;
  if (search) q.search = search;
  const after = text('after');
  if (after) q.after = after;
  if (STAGES.includes(stage as Stage)) q.stage = stage as Stage;
  return q;
}

/** The report filter of a query at `now`. */
export function toFilter(q: DashboardQuery, now: Date): ReportFilter {
  const f: ReportFilter = {};
  if (q.range !== 'all') f.since = new Date(now.getTime() - DAYS[q.range] * 86_400_000);
  if (q.platform) f.platform = q.platform;
  if (q.campaign) f.campaign = q.campaign;
  return f;
}

export function toLeadQuery(q: DashboardQuery, now: Date, pageSize = 25): LeadQuery {
  const lq: LeadQuery = { ...toFilter(q, now), sort: q.sort, order: q.order, page: q.page, pageSize };
  if (q.stage) lq.stage = q.stage;
  if (q.search) lq.search = q.search;
  if (q.after) lq.after = q.after;
  return lq;
}

/** The query string of `q` with some parameters changed (for sort links and pages). */
export function queryString(
  q: DashboardQuery,
  change: Partial<Record<string, string | number>> = {},
): string {
  const p = new URLSearchParams();
  const all: Record<string, string | number | undefined> = {
    range: q.range,
    platform: q.platform,
    campaign: q.campaign,
    stage: q.stage,
    q: q.search,
    sort: q.sort,
    order: q.order,
    page: q.page,
    after: q.after,
    ...change,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined && v !== '') p.set(k, String(v));
  return `?${p.toString()}`;
}
