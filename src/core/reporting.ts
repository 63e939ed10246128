/**
 * Reporting for the dashboard and the manager `stats` command: the funnel cold → MQL → SQL →
 * claimed, drop-off per flow step, the leads table and its CSV, the filter menus, and the
 * scoring report's tallies. {@link ReportingQueries} is the port. The Prisma store answers it
 * with GROUP BY / COUNT / LIMIT in the database (src/store/prisma-reporting.ts); the
 * port-generic one (memory/memory-reporting.ts) counts in JavaScript with the rules of
 * `reporting-rules.ts`, and a contract test holds them to the same numbers.
 */
import type { Lead, Stage } from './ports/index.ts';
import type { ScoringTallies } from './scoring-report.ts';
import type { SpeedOf, SpeedReport } from './speed-to-lead.ts';

export { csvLine, toCsv } from './csv.ts';
export {
  conversionRates,
  foldCase,
  inviterKey,
  NONE_KEY,
  reachedMql,
  reachedSql,
  tableCursor,
} from './reporting-rules.ts';

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

/** The rows of {@link ReportingQueries.nurtureFunnel}, in order. */
export const NURTURE_KEYS = ['email', 'chat', 'none'] as const;

/** At most this many groups per breakdown (the largest); the rest are counted in `more`. */
export const GROUP_LIMIT = 100;

export interface FunnelReport {
  overall: FunnelCounts;
  byPlatform: FunnelGroup[];
  byCampaign: FunnelGroup[];
  /** Leads a manager invited with `qualify`, per manager (key `invited by <manager>`); others are left out. */
  byInviter: FunnelGroup[];
  /** How many groups of each breakdown were left out past {@link GROUP_LIMIT}. */
  more: { byPlatform: number; byCampaign: number; byInviter: number };
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
  /** Only this owner's leads (`<platform>:<userId>`). */
  ownerId?: string;
  /** The platform or the campaign is this (the manager commands' `source` filter). */
  source?: string;
  /**
   * Substring of name, company or email, ignoring case: letters A–Z match a–z, every other
   * character matches only itself ({@link foldCase}; the rule SQLite's `lower()` and
   * PostgreSQL's `lower(… COLLATE "C")` both follow).
   */
  search?: string;
  /** `name` sorts by the name folded the same way (no name sorts as empty), then by code point. */
  sort?: LeadSortKey;
  order?: 'asc' | 'desc';
  /** 1-based. */
  page?: number;
  /**
   * The last row of the previous page ({@link tableCursor}), sorted by creation time: the page
   * starts after it instead of skipping `(page - 1) * pageSize` rows, so "Next" costs the same
   * on page 20,000 as on page 2. Ignored with another sort.
   */
  after?: string;
  pageSize?: number;
}

export interface LeadTable {
  items: Lead[];
  total: number;
  page: number;
  pageSize: number;
}

/** The platforms and campaigns leads in a range came from (largest first, at most {@link GROUP_LIMIT}). */
export interface FilterOptions {
  platforms: string[];
  campaigns: string[];
}

export interface SourceStats {
  source: string;
  leads: number;
  reachedMql: number;
  reachedSql: number;
}

/** At most this many rows per section of `stats` (a chat message); the rest are counted. */
export const STATS_LIMIT = 20;

/** What the manager command `stats` shows. */
export interface Stats {
  perStage: Record<Stage, number>;
  /**
   * Per source (`platform/campaign`, `unknown` without a platform), most leads first; among
   * equals, the one with the newest lead first, then by name.
   */
  bySource: SourceStats[];
  /** Rows `invited by <manager>`, only for leads a manager invited; ordered like `bySource`. */
  byInviter: SourceStats[];
  /** Sources and inviters left out past {@link STATS_LIMIT}. */
  more: { bySource: number; byInviter: number };
}

/** Read-only queries behind the dashboard, `stats` and `scoring report`. */
export interface ReportingQueries {
  funnel(filter: ReportFilter): Promise<FunnelReport>;
  /**
   * The funnel by how leads were nurtured: `email` (a nurture or re-engagement follow-up went
   * out by email), else `chat` (one went out in a chat), else `none`; always these three rows,
   * in this order. Reminders do not count: they belong to the qualification itself.
   */
  nurtureFunnel(filter: ReportFilter): Promise<FunnelGroup[]>;
  dropOff(filter: ReportFilter): Promise<DropOffRow[]>;
  /** One page of the leads table, with the number of matching leads. */
  leads(query: LeadQuery): Promise<LeadTable>;
  /**
   * Every lead matching the query (its sort and page are ignored), newest first, `pageSize` at
   * a time: each page is read after the previous one was consumed (keyset on createdAt, id).
   */
  leadPages(query: LeadQuery, pageSize?: number): AsyncIterable<Lead[]>;
  /** The platforms and campaigns in the filter's time range (its platform and campaign are ignored). */
  filterOptions(filter: ReportFilter): Promise<FilterOptions>;
  stats(): Promise<Stats>;
  /** What `leadbot scoring report` counts, already grouped (src/core/scoring-report.ts). */
  scoringTallies(): Promise<ScoringTallies>;
  /**
   * SQL → first claim (`claim`, the default) or → the first reply to the prospect in the
   * handoff (`reply`): median and p90 per rep and per platform (src/core/speed-to-lead.ts).
   */
  speedToLead(of?: SpeedOf): Promise<SpeedReport>;
}
