/**
 * {@link ReportingQueries} over any {@link LeadRepo}: reads leads page by page, then their
 * stage history and conversations, and lets the pure helpers of `reporting.ts` count. It is
 * the reference implementation (used with the memory store) and the fallback for a store
 * without its own reporting queries; it reads every lead, so it suits small data sets.
 */
import type { Conversation, Lead, LeadRepo, Stage } from '../ports.ts';
import {
  buildDropOff,
  buildFunnel,
  type LeadFacts,
  type LeadQuery,
  matchesFilter,
  queryLeads,
  type ReportFilter,
  type ReportingQueries,
} from '../reporting.ts';

async function allLeads(repo: LeadRepo, filter: ReportFilter): Promise<Lead[]> {
  const out: Lead[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.listLeads({
      limit: 500,
      ...(filter.since ? { since: filter.since } : {}),
      ...(cursor ? { cursor } : {}),
    });
    out.push(...page.items.filter((l) => matchesFilter(l, filter)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

/** Builds reporting queries that only use the {@link LeadRepo} port. */
export function createRepoReporting(repo: LeadRepo): ReportingQueries {
  return {
    async funnel(filter) {
      const facts: LeadFacts[] = [];
      for (const lead of await allLeads(repo, filter)) {
        const reached = new Set<Stage>([lead.stage]);
        for (const change of await repo.listStageChanges(lead.id)) reached.add(change.to);
        facts.push({ lead, reached });
      }
      return buildFunnel(facts);
    },
    async dropOff(filter) {
      const conversations: Conversation[] = [];
      for (const lead of await allLeads(repo, filter)) {
        conversations.push(...(await repo.listConversations(lead.id)));
      }
      return buildDropOff(conversations);
    },
    async leads(query: LeadQuery) {
      return queryLeads(await allLeads(repo, query), query);
    },
  };
}
