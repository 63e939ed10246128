/**
 * {@link ReportingQueries} over any {@link LeadStore}: reads leads page by page and counts with
 * the rules of `reporting-rules.ts`. It is the reference the SQL of the Prisma store is held to
 * (test/web/reporting.test.ts) and what the memory store reports with; it reads every lead, so
 * it suits the small data sets of tests and the terminal chat.
 */
import type { Conversation, Lead, LeadStore } from '../ports/index.ts';
import {
  GROUP_LIMIT,
  type LeadQuery,
  NURTURE_KEYS,
  type ReportFilter,
  type ReportingQueries,
} from '../reporting.ts';
import {
  buildDropOff,
  buildFunnel,
  compareText,
  matchesFilter,
  matchesQuery,
  queryLeads,
} from '../reporting-rules.ts';
import { readScoringData } from '../scoring-data.ts';
import { talliesOf } from '../scoring-report.ts';
import { type SpeedSample, speedReport } from '../speed-to-lead.ts';
import { buildStats } from '../stats-rules.ts';

async function allLeads(store: LeadStore, filter: ReportFilter): Promise<Lead[]> {
  const out: Lead[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listLeads({
      limit: 500,
      ...(filter.since ? { since: filter.since } : {}),
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.filter((l) => matchesFilter(l, filter)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** The distinct non-empty values of `keyOf`, most leads first (then by code point). */
function distinct(leads: Lead[], keyOf: (l: Lead) => string | null): string[] {
  const counts = new Map<string, number>();
  for (const l of leads) {
    const key = keyOf(l);
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))
    .slice(0, GROUP_LIMIT)
    .map(([key]) => key);
}

/** Builds reporting queries that only use the {@link LeadStore} port. */
export function createRepoReporting(store: LeadStore): ReportingQueries {
  return {
    async funnel(filter) {
      return buildFunnel(await allLeads(store, filter));
    },
    async nurtureFunnel(filter) {
      const by = new Map<string, Lead[]>(NURTURE_KEYS.map((k) => [k, []]));
      for (const lead of await allLeads(store, filter)) {
        const sent = (await store.schedules.listForLead(lead.id)).filter(
          (r) => r.status === 'sent' && r.kind !== 'reminder',
        );
        const key = sent.some((r) => r.sentVia === 'email') ? 'email' : sent.length > 0 ? 'chat' : 'none';
        by.get(key)!.push(lead);
      }
      return NURTURE_KEYS.map((key) => ({ key, ...buildFunnel(by.get(key)!).overall }));
    },
    async dropOff(filter) {
      const conversations: Conversation[] = [];
      for (const lead of await allLeads(store, filter)) {
        conversations.push(...(await store.listConversations(lead.id)));
      }
      return buildDropOff(conversations);
    },
    async leads(query: LeadQuery) {
      return queryLeads(await allLeads(store, query), query);
    },
    async *leadPages(query: LeadQuery, pageSize = 500) {
      // listLeads is newest first already; each page is read when the previous one is consumed.
      let cursor: string | undefined;
      do {
        const page = await store.listLeads({
          limit: pageSize,
          ...(query.since ? { since: query.since } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const items = page.items.filter((l) => matchesQuery(l, query));
        if (items.length > 0) yield items;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
    async filterOptions(filter) {
      const leads = await allLeads(store, { ...filter, platform: undefined, campaign: undefined });
      return {
        platforms: distinct(leads, (l) => l.source.platform),
        campaigns: distinct(leads, (l) => l.source.campaign),
      };
    },
    async stats() {
      return buildStats(await allLeads(store, {}));
    },
    async speedToLead(of = 'claim') {
      // Each lead's first act of the kind: who and when.
      const first = new Map<string, { rep: string; at: Date }>();
      if (of === 'claim') {
        for (const v of await store.verdicts.list())
          if (v.verdict === 'claimed' && !first.has(v.leadId))
            first.set(v.leadId, { rep: v.actor, at: v.createdAt });
      } else {
        for (const lead of await allLeads(store, {})) {
          const reply = (await store.handoffs.listMessages(lead.id))
            .filter((m) => m.direction === 'to_prospect')
            .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))[0];
          if (reply) first.set(lead.id, { rep: reply.author, at: reply.createdAt });
        }
      }
      const samples: SpeedSample[] = [];
      for (const [leadId, act] of first) {
        const lead = await store.getLead(leadId);
        if (!lead?.reachedSqlAt || act.at < lead.reachedSqlAt) continue;
        const ms = act.at.getTime() - lead.reachedSqlAt.getTime();
        samples.push({ rep: act.rep, platform: lead.source.platform || '(none)', ms });
      }
      return speedReport(samples);
    },
    async scoringTallies() {
      const data = [];
      for await (const d of readScoringData(store)) if (d.reachedSql) data.push(d);
      return talliesOf(data);
    },
  };
}
