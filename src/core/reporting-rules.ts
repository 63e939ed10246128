/**
 * What every reporting number means, as pure functions (the `stats` figures in stats-rules.ts,
 * CSV in csv.ts). The port-generic reporting (memory/memory-reporting.ts) counts with them; the SQL of src/store/reporting-sql.ts says the
 * same in GROUP BY form, and the reporting contract test holds the two to the same results.
 */
import type { Conversation, Lead, Stage } from './ports/index.ts';
import type {
  DropOffRow,
  FunnelCounts,
  FunnelGroup,
  FunnelReport,
  LeadQuery,
  LeadTable,
  ReportFilter,
} from './reporting.ts';
import { GROUP_LIMIT } from './reporting.ts';

export const NONE_KEY = '(none)';

/**
 * The one case rule of search and name sorting: A–Z become a–z, nothing else changes. SQLite's
 * `lower()` does exactly this, and so does PostgreSQL's `lower(x COLLATE "C")`, so every store
 * finds and orders the same leads whatever the database's locale.
 */
export function foldCase(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** Orders strings by code point, as SQLite's BINARY and PostgreSQL's "C" collations do. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Ever reached MQL: its first arrival at MQL or SQL is recorded, or it is there now. */
export function reachedMql(l: Lead): boolean {
  return l.reachedMqlAt !== null || reachedSql(l) || l.stage === 'MQL';
}

/** Ever reached SQL. */
export function reachedSql(l: Lead): boolean {
  return l.reachedSqlAt !== null || l.stage === 'SQL';
}

/** The breakdown key of a lead a manager invited; null when nobody did. */
export function inviterKey(lead: Pick<Lead, 'invitedBy'>): string | null {
  return lead.invitedBy ? `invited by ${lead.invitedBy}` : null;
}

/** True when the lead falls inside the filter. */
export function matchesFilter(lead: Lead, f: ReportFilter): boolean {
  if (f.since && lead.createdAt < f.since) return false;
  if (f.until && lead.createdAt >= f.until) return false;
  if (f.platform && lead.source.platform !== f.platform) return false;
  if (f.campaign && lead.source.campaign !== f.campaign) return false;
  return true;
}

/** The search as matched: trimmed and folded; empty means no search. */
export function searchTerm(q: Pick<LeadQuery, 'search'>): string {
  return foldCase(q.search?.trim() ?? '');
}

/** True when the lead matches the table's filters, stage and search. */
export function matchesQuery(lead: Lead, q: LeadQuery): boolean {
  const search = searchTerm(q);
  return (
    matchesFilter(lead, q) &&
    (!q.stage || lead.stage === q.stage) &&
    (!q.ownerId || lead.ownerId === q.ownerId) &&
    (!q.source || lead.source.platform === q.source || lead.source.campaign === q.source) &&
    (!search || [lead.name, lead.company, lead.email].some((v) => v && foldCase(v).includes(search)))
  );
}

/** Counts one set of leads into the funnel. */
export function countFunnel(leads: Iterable<Lead>): FunnelCounts {
  const c = emptyCounts();
  for (const lead of leads) addCounts(c, funnelCell(lead));
  return c;
}

const emptyCounts = (): FunnelCounts => ({ leads: 0, mql: 0, sql: 0, claimed: 0, disqualified: 0 });

function addCounts(to: FunnelCounts, c: FunnelCounts): void {
  to.leads += c.leads;
  to.mql += c.mql;
  to.sql += c.sql;
  to.claimed += c.claimed;
  to.disqualified += c.disqualified;
}

/**
 * The funnel counts of the leads that share a platform, campaign and inviter: what the
 * database's GROUP BY returns, and what one lead is on its own ({@link funnelCell}).
 */
export interface FunnelCell extends FunnelCounts {
  platform: string | null;
  campaign: string | null;
  inviter: string | null;
}

/** One lead as a cell of one. */
export function funnelCell(l: Lead): FunnelCell {
  const sql = reachedSql(l);
  return {
    platform: l.source.platform,
    campaign: l.source.campaign,
    inviter: l.invitedBy,
    leads: 1,
    mql: reachedMql(l) ? 1 : 0,
    sql: sql ? 1 : 0,
    claimed: sql && l.ownerId ? 1 : 0,
    disqualified: l.stage === 'disqualified' ? 1 : 0,
  };
}

/** Groups sorted by size, then key; the first {@link GROUP_LIMIT} and how many were left out. */
export function topGroups(groups: FunnelGroup[]): { rows: FunnelGroup[]; more: number } {
  const sorted = groups.sort((a, b) => b.leads - a.leads || compareText(a.key, b.key));
  return { rows: sorted.slice(0, GROUP_LIMIT), more: Math.max(0, sorted.length - GROUP_LIMIT) };
}

/** The funnel overall and per platform, campaign and inviting manager, from cells. */
export function rollUpFunnel(cells: Iterable<FunnelCell>): FunnelReport {
  const overall = emptyCounts();
  const maps = { platform: new Map<string, FunnelGroup>(), campaign: new Map(), inviter: new Map() };
  const add = (map: Map<string, FunnelGroup>, key: string, c: FunnelCell) => {
    const g = map.get(key) ?? { key, ...emptyCounts() };
    map.set(key, g);
    addCounts(g, c);
  };
  for (const c of cells) {
    addCounts(overall, c);
    add(maps.platform, c.platform || NONE_KEY, c);
    add(maps.campaign, c.campaign || NONE_KEY, c);
    const inviter = inviterKey({ invitedBy: c.inviter });
    if (inviter) add(maps.inviter, inviter, c);
  }
  const platform = topGroups([...maps.platform.values()]);
  const campaign = topGroups([...maps.campaign.values()]);
  const inviter = topGroups([...maps.inviter.values()]);
  return {
    overall,
    byPlatform: platform.rows,
    byCampaign: campaign.rows,
    byInviter: inviter.rows,
    more: { byPlatform: platform.more, byCampaign: campaign.more, byInviter: inviter.more },
  };
}

/** The funnel overall and per platform, campaign and inviting manager. */
export function buildFunnel(leads: readonly Lead[]): FunnelReport {
  return rollUpFunnel(leads.map(funnelCell));
}

/** Conversion from one funnel step to the next, as a fraction (0 when nothing entered). */
export function conversionRates(c: FunnelCounts): {
  mql: number;
  sql: number;
  claimed: number;
  overall: number;
} {
  const rate = (n: number, d: number) => (d > 0 ? n / d : 0);
  return {
    mql: rate(c.mql, c.leads),
    sql: rate(c.sql, c.mql),
    claimed: rate(c.claimed, c.sql),
    overall: rate(c.sql, c.leads),
  };
}

/** Drop-off rows, most waiting first, then by step id. */
export function sortDropOff(rows: DropOffRow[]): DropOffRow[] {
  return rows.sort(
    (a, b) =>
      b.abandoned + b.active - (a.abandoned + a.active) ||
      compareText(a.stepId, b.stepId) ||
      compareText(a.flowId, b.flowId),
  );
}

/** Groups open (active) and abandoned conversations by the step they stopped at. */
export function buildDropOff(conversations: Iterable<Conversation>): DropOffRow[] {
  const rows = new Map<string, DropOffRow>();
  for (const c of conversations) {
    if (c.currentStep === null || c.status === 'completed') continue;
    const key = `${c.flowId}\u0000${c.currentStep}`;
    const row = rows.get(key) ?? { flowId: c.flowId, stepId: c.currentStep, active: 0, abandoned: 0 };
    if (c.status === 'abandoned') row.abandoned++;
    else row.active++;
    rows.set(key, row);
  }
  return sortDropOff([...rows.values()]);
}

/** The order of stages when the table is sorted by stage (ascending). */
export const STAGE_RANK: Record<Stage, number> = { disqualified: 0, cold: 1, MQL: 2, SQL: 3 };

/** The table's page and page size, clamped: pages from 1, 1 to 500 rows. */
export function pageOf(q: Pick<LeadQuery, 'page' | 'pageSize'>): { page: number; pageSize: number } {
  return { page: Math.max(q.page ?? 1, 1), pageSize: Math.min(Math.max(q.pageSize ?? 25, 1), 500) };
}

/** The table's order: the sort key, then the id, both in the chosen direction. */
export function compareLeads(q: Pick<LeadQuery, 'sort' | 'order'>): (a: Lead, b: Lead) => number {
  const sort = q.sort ?? 'createdAt';
  const dir = (q.order ?? 'desc') === 'asc' ? 1 : -1;
  const key = (l: Lead): number | string =>
    sort === 'score'
      ? l.score
      : sort === 'stage'
        ? STAGE_RANK[l.stage]
        : sort === 'name'
          ? foldCase(l.name ?? '')
          : l.createdAt.getTime();
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    const byKey = typeof ka === 'string' ? compareText(ka, kb as string) : ka - (kb as number);
    return dir * (byKey || compareText(a.id, b.id));
  };
}

/** The table's cursor after `lead`: its creation time and id (opaque to the dashboard). */
export function tableCursor(lead: Pick<Lead, 'createdAt' | 'id'>): string {
  return `${lead.createdAt.getTime().toString(36)}.${encodeURIComponent(lead.id)}`;
}

/** The row a {@link tableCursor} names, when the query's sort can use it (by creation time). */
export function tableAfter(q: Pick<LeadQuery, 'after' | 'sort'>): { createdAt: Date; id: string } | null {
  if (!q.after || (q.sort ?? 'createdAt') !== 'createdAt') return null;
  const dot = q.after.indexOf('.');
  const ms = Number.parseInt(q.after.slice(0, dot), 36);
  let id: string;
  try {
    id = decodeURIComponent(q.after.slice(dot + 1));
  } catch {
    return null;
  }
  return dot > 0 && Number.isFinite(ms) && id ? { createdAt: new Date(ms), id } : null;
}

/** Filters, sorts and pages leads for the table. */
export function queryLeads(leads: readonly Lead[], q: LeadQuery): LeadTable {
  const rows = leads.filter((l) => matchesQuery(l, q)).sort(compareLeads(q));
  const { page, pageSize } = pageOf(q);
  const after = tableAfter(q);
  if (after) {
    const order = compareLeads(q);
    const start = rows.findIndex((l) => order(l, { ...l, ...after } as Lead) > 0);
    const from = start < 0 ? rows.length : start;
    return { items: rows.slice(from, from + pageSize), total: rows.length, page, pageSize };
  }
  return { items: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length, page, pageSize };
}
