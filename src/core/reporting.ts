/**
 * Reporting for the dashboard: the funnel cold → MQL → SQL → claimed, drop-off per flow step
 * and the leads table. {@link ReportingQueries} is the port; the pure helpers below turn rows
 * into figures, so every implementation (the port-generic one in
 * `memory/memory-reporting.ts`, the Prisma one in `src/store/prisma-reporting.ts`) agrees on
 * what a number means.
 */
import type { Conversation, Lead, Stage } from './ports.ts';

/** Which leads a report covers. `since`/`until` apply to the lead's creation time. */
export interface ReportFilter {
  since?: Date;
  until?: Date;
  platform?: string;
  campaign?: string;
}

/**
 * Leads that reached each step of the funnel. A lead counts for every stage it ever reached
 * (a lead now disqualified after being MQL still counts as MQL); `claimed` = reached SQL and
 * has an owner.
 */
export interface FunnelCounts {
  leads: number;
  mql: number;
  sql: number;
  claimed: number;
  disqualified: number;
}

export interface FunnelGroup extends FunnelCounts {
  /** The platform or campaign; `(none)` when the lead has none. */
  key: string;
}

export interface FunnelReport {
  overall: FunnelCounts;
  byPlatform: FunnelGroup[];
  byCampaign: FunnelGroup[];
  /** Leads a manager invited with `qualify`, per manager (key `invited by <manager>`); others are left out. */
  byInviter: FunnelGroup[];
}

/** The breakdown key of a lead a manager invited; null when nobody did. */
export function inviterKey(lead: Pick<Lead, 'invitedBy'>): string | null {
  return lead.invitedBy ? `invited by ${lead.invitedBy}` : null;
}

/** Conversations still waiting at a step: where people stop answering. */
export interface DropOffRow {
  flowId: string;
  stepId: string;
  active: number;
  abandoned: number;
}

export type LeadSortKey = 'createdAt' | 'score' | 'stage' | 'name';

export interface LeadQuery extends ReportFilter {
  stage?: Stage;
  /** Case-insensitive substring of name, company or email. */
  search?: string;
  sort?: LeadSortKey;
  order?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  pageSize?: number;
}

export interface LeadTable {
  items: Lead[];
  total: number;
  page: number;
  pageSize: number;
}

/** Read-only queries behind the dashboard. */
export interface ReportingQueries {
  funnel(filter: ReportFilter): Promise<FunnelReport>;
  dropOff(filter: ReportFilter): Promise<DropOffRow[]>;
  leads(query: LeadQuery): Promise<LeadTable>;
}

/** What the pure helpers need to know about one lead. */
export interface LeadFacts {
  lead: Lead;
  /** Every stage the lead ever had (stage history plus the current stage). */
  reached: ReadonlySet<Stage>;
}

export const NONE_KEY = '(none)';

/** True when the lead falls inside the filter. */
export function matchesFilter(lead: Lead, f: ReportFilter): boolean {
  if (f.since && lead.createdAt < f.since) return false;
  if (f.until && lead.createdAt >= f.until) return false;
  if (f.platform && lead.source.platform !== f.platform) return false;
  if (f.campaign && lead.source.campaign !== f.campaign) return false;
  return true;
}

/** Counts one set of leads into the funnel. */
export function countFunnel(facts: Iterable<LeadFacts>): FunnelCounts {
  const c: FunnelCounts = { leads: 0, mql: 0, sql: 0, claimed: 0, disqualified: 0 };
  for (const { lead, reached } of facts) {
    c.leads++;
    const sql = reached.has('SQL');
    if (sql || reached.has('MQL')) c.mql++;
    if (sql) c.sql++;
    if (sql && lead.ownerId) c.claimed++;
    if (lead.stage === 'disqualified') c.disqualified++;
  }
  return c;
}

/** The funnel overall and per platform, campaign and inviting manager (groups sorted by size, then key). */
export function buildFunnel(facts: readonly LeadFacts[]): FunnelReport {
  const group = (keyOf: (l: Lead) => string | null, skipNone = false): FunnelGroup[] => {
    const by = new Map<string, LeadFacts[]>();
    for (const f of facts) {
      const key = keyOf(f.lead) || NONE_KEY;
      if (skipNone && key === NONE_KEY) continue;
      by.set(key, [...(by.get(key) ?? []), f]);
    }
    return [...by]
      .map(([key, list]) => ({ key, ...countFunnel(list) }))
      .sort((a, b) => b.leads - a.leads || a.key.localeCompare(b.key));
  };
  return {
    overall: countFunnel(facts),
    byPlatform: group((l) => l.source.platform),
    byCampaign: group((l) => l.source.campaign),
    byInviter: group(inviterKey, true),
  };
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
  return [...rows.values()].sort(
    (a, b) => b.abandoned + b.active - (a.abandoned + a.active) || a.stepId.localeCompare(b.stepId),
  );
}

const STAGE_ORDER: Record<Stage, number> = { disqualified: 0, cold: 1, MQL: 2, SQL: 3 };

/** Filters, sorts and pages leads for the table (ties broken by id, so pages are stable). */
export function queryLeads(leads: readonly Lead[], q: LeadQuery): LeadTable {
  const search = q.search?.trim().toLowerCase();
  const rows = leads.filter(
    (l) =>
      matchesFilter(l, q) &&
      (!q.stage || l.stage === q.stage) &&
      (!search || [l.name, l.company, l.email].some((v) => v?.toLowerCase().includes(search))),
  );
  const sort = q.sort ?? 'createdAt';
  const dir = (q.order ?? 'desc') === 'asc' ? 1 : -1;
  const key = (l: Lead): number | string =>
    sort === 'score'
      ? l.score
      : sort === 'stage'
        ? STAGE_ORDER[l.stage]
        : sort === 'name'
          ? (l.name ?? '').toLowerCase()
          : l.createdAt.getTime();
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka < kb) return -dir;
    if (ka > kb) return dir;
    return a.id < b.id ? -dir : a.id > b.id ? dir : 0;
  });
  const pageSize = Math.min(Math.max(q.pageSize ?? 25, 1), 500);
  const page = Math.max(q.page ?? 1, 1);
  return { items: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length, page, pageSize };
}

/**
 * One CSV line per row (RFC 4180 quoting). Cells starting with `= + - @` get a leading `'`
 * so a spreadsheet never runs a formula someone typed into the chat.
 */
export function toCsv(rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return `${rows.map(csvLine).join('\r\n')}\r\n`;
}

/** One CSV line without its line break; the quoting of {@link toCsv}. */
export function csvLine(row: readonly (string | number | boolean | null)[]): string {
  return row.map(csvCell).join(',');
}

/** Numbers are data (a score of -5 stays -5); only typed text can smuggle a formula. */
function csvCell(v: string | number | boolean | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
