/**
 * {@link ReportingQueries} in the database: leads are filtered there, stage history is read in
 * one query for all of them, and drop-off is a GROUP BY. Counting itself is done by the pure
 * helpers of `src/core/reporting.ts`, so the numbers mean exactly what they mean on the memory
 * store. Sorting by stage, by name or with a search is done on the filtered rows in process,
 * because SQLite and PostgreSQL order enums, case and collation differently.
 */
import type { Stage } from '../core/ports.ts';
import {
  buildFunnel,
  type DropOffRow,
  type LeadFacts,
  type LeadQuery,
  queryLeads,
  type ReportFilter,
  type ReportingQueries,
} from '../core/reporting.ts';
import { toLead } from './mappers.ts';
import type { Db, Prisma } from './prisma-types.ts';

function whereLead(f: ReportFilter & { stage?: Stage }): Prisma.LeadWhereInput {
  const and: Prisma.LeadWhereInput[] = [];
  if (f.since) and.push({ createdAt: { gte: f.since } });
  if (f.until) and.push({ createdAt: { lt: f.until } });
  if (f.platform) and.push({ sourcePlatform: f.platform });
  if (f.campaign) and.push({ sourceCampaign: f.campaign });
  if (f.stage) and.push({ stage: f.stage });
  return { AND: and };
}

/** Builds reporting queries over a Prisma client (SQLite or PostgreSQL). */
export function createPrismaReporting(db: Db): ReportingQueries {
  return {
    async funnel(filter) {
      const where = whereLead(filter);
      const [rows, changes] = await Promise.all([
        db.lead.findMany({ where }),
        db.stageChange.findMany({
          where: { lead: where, toStage: { in: ['MQL', 'SQL'] } },
          select: { leadId: true, toStage: true },
          distinct: ['leadId', 'toStage'],
        }),
      ]);
      const reached = new Map<string, Set<Stage>>();
      for (const c of changes) {
        const set = reached.get(c.leadId) ?? new Set<Stage>();
        set.add(c.toStage as Stage);
        reached.set(c.leadId, set);
      }
      const facts: LeadFacts[] = rows.map((r) => {
        const lead = toLead(r);
        const set = reached.get(lead.id) ?? new Set<Stage>();
        set.add(lead.stage);
        return { lead, reached: set };
      });
      return buildFunnel(facts);
    },

    async dropOff(filter) {
      const groups = await db.conversation.groupBy({
        by: ['flowId', 'currentStep', 'status'],
        where: {
          status: { in: ['active', 'abandoned'] },
          currentStep: { not: null },
          lead: whereLead(filter),
        },
        _count: { _all: true },
      });
      const rows = new Map<string, DropOffRow>();
      for (const g of groups) {
        const stepId = g.currentStep ?? '';
        const key = `${g.flowId}\u0000${stepId}`;
        const row = rows.get(key) ?? { flowId: g.flowId, stepId, active: 0, abandoned: 0 };
        if (g.status === 'abandoned') row.abandoned += g._count._all;
        else row.active += g._count._all;
        rows.set(key, row);
      }
      return [...rows.values()].sort(
        (a, b) => b.abandoned + b.active - (a.abandoned + a.active) || a.stepId.localeCompare(b.stepId),
      );
    },

    async leads(query: LeadQuery) {
      const where = whereLead(query);
      const sort = query.sort ?? 'createdAt';
      if (query.search || sort === 'stage' || sort === 'name') {
        return queryLeads((await db.lead.findMany({ where })).map(toLead), query);
      }
      const pageSize = Math.min(Math.max(query.pageSize ?? 25, 1), 500);
      const page = Math.max(query.page ?? 1, 1);
      const order = query.order ?? 'desc';
      const [rows, total] = await Promise.all([
        db.lead.findMany({
          where,
          orderBy: [{ [sort]: order }, { id: order }],
          skip: (page - 1) * pageSize,
          take: pageSize,
        }),
        db.lead.count({ where }),
      ]);
      return { items: rows.map(toLead), total, page, pageSize };
    },
  };
}
