/**
 * The tallies of `leadbot scoring report` (src/core/scoring-report.ts) as GROUP BY statements:
 * leads that reached SQL per newest verdict, the newest accepted answer per tallied step of each
 * one's latest conversation per value and verdict, and the scoring rules that gave them points.
 * Which steps are tallied depends on each flow version's step types, so the few versions
 * involved are read (and parsed by the core) before the answers are grouped.
 */

import type { Sql } from '@prisma/client/runtime/client';
import type { JsonValue, Verdict } from '../core/ports/index.ts';
import { storedDefinition } from '../core/scoring-data.ts';
import { type ScoringTallies, talliedSteps } from '../core/scoring-report.ts';
import { decodeFlowSnapshot } from './flow-snapshot.ts';
import type { Db } from './prisma-types.ts';
import { join, raw, sql } from './raw-statements.ts';
import type { SqlReader } from './sql-reader.ts';

const NEWEST_VERDICT = raw(`(SELECT v."verdict" FROM "RepVerdict" v WHERE v."leadId" = l."id"
      ORDER BY v."createdAt" DESC, v."id" DESC LIMIT 1)`);
const LATEST_CONVERSATION = raw(`(SELECT c."id" FROM "Conversation" c WHERE c."leadId" = l."id"
      ORDER BY c."startedAt" DESC, c."id" DESC LIMIT 1)`);

/**
 * Leads that ever reached SQL, with their newest verdict and their latest conversation.
 * MATERIALIZED (SQLite ≥ 3.35, PostgreSQL ≥ 12): evaluated once per statement, not once per
 * joined row.
 */
const SQL_LEADS = sql`WITH "sqlLeads" AS MATERIALIZED (
  SELECT l."id", l."createdAt", ${NEWEST_VERDICT} AS "verdict", ${LATEST_CONVERSATION} AS "conversationId"
  FROM "Lead" l WHERE l."reachedSqlAt" IS NOT NULL)`;

/** The same leads without their conversation, for the rules, which do not need it. */
const SQL_LEADS_VERDICTS = sql`WITH "sqlLeads" AS MATERIALIZED (
  SELECT l."id", l."createdAt", ${NEWEST_VERDICT} AS "verdict"
  FROM "Lead" l WHERE l."reachedSqlAt" IS NOT NULL)`;

const num = (v: number | bigint) => Number(v);

type VerdictCell = Verdict | null;

/** Which answers count: tallied steps of versions with a definition, any step of the others (booleans only, checked later). */
function answerScope(
  versions: { flowId: string; flowVersion: string; steps: string[] | null }[],
): Sql | null {
  const parts: Sql[] = [];
  for (const v of versions) {
    const version = sql`c."flowId" = ${v.flowId} AND c."flowVersion" = ${v.flowVersion}`;
    if (v.steps === null) parts.push(sql`(${version})`);
    else if (v.steps.length > 0) parts.push(sql`(${version} AND a."stepId" IN (${join(v.steps, ', ')}))`);
  }
  return parts.length ? join(parts, ' OR ') : null;
}

interface AnswerRow {
  flowId: string;
  flowVersion: string;
  stepId: string;
  value: string;
  verdict: VerdictCell;
  n: number | bigint;
}

/**
 * The newest accepted answer per conversation and step (a later empty one does not count),
 * grouped by value and verdict, newest leads' groups first. Versions without a definition
 * tally yes/no answers only.
 */
function answersStatement(scope: Sql, defined: { flowId: string; flowVersion: string }[]): Sql {
  const hasDefinition = defined.length
    ? join(
        defined.map((d) => sql`(c."flowId" = ${d.flowId} AND c."flowVersion" = ${d.flowVersion})`),
        ' OR ',
      )
    : sql`1 = 0`;
  return sql`${SQL_LEADS}, "latest" AS (
      SELECT a."stepId", CAST(a."value" AS TEXT) AS "value", c."flowId", c."flowVersion", s."verdict",
        s."createdAt" AS "leadAt", CASE WHEN ${hasDefinition} THEN 1 ELSE 0 END AS "defined",
        ROW_NUMBER() OVER (PARTITION BY a."conversationId", a."stepId"
          ORDER BY a."createdAt" DESC, a."id" DESC) AS "rn"
      FROM "sqlLeads" s JOIN "Conversation" c ON c."id" = s."conversationId"
        JOIN "Answer" a ON a."conversationId" = c."id"
      WHERE a."accepted" AND a."value" IS NOT NULL AND CAST(a."value" AS TEXT) <> 'null' AND (${scope}))
    SELECT "flowId", "flowVersion", "stepId", "value", "verdict", COUNT(*) AS "n", MAX("leadAt") AS "newest"
    FROM "latest" WHERE "rn" = 1 AND ("defined" = 1 OR "value" IN ('true', 'false'))
    GROUP BY "flowId", "flowVersion", "stepId", "value", "verdict"
    ORDER BY "newest" DESC`;
}

/**
 * Per rule and verdict, the leads it gave points to (once per lead), and on the row holding the
 * rule's newest lead, the reason of that lead's newest contribution of it.
 */
const RULES = sql`${SQL_LEADS_VERDICTS}, "perLead" AS (
    SELECT sc."ruleId", sc."reason", s."verdict", s."createdAt" AS "leadAt", s."id" AS "leadId",
      ROW_NUMBER() OVER (PARTITION BY sc."leadId", sc."ruleId" ORDER BY sc."createdAt" DESC, sc."id" DESC) AS "rn"
    FROM "sqlLeads" s JOIN "ScoreContribution" sc ON sc."leadId" = s."id"),
  "ranked" AS (
    SELECT "ruleId", "reason", "verdict",
      ROW_NUMBER() OVER (PARTITION BY "ruleId" ORDER BY "leadAt" DESC, "leadId" DESC) AS "newest"
    FROM "perLead" WHERE "rn" = 1)
  SELECT "ruleId", "verdict", COUNT(*) AS "n", MAX(CASE WHEN "newest" = 1 THEN "reason" END) AS "reason"
  FROM "ranked" GROUP BY "ruleId", "verdict"`;

/** Computes the report's tallies in the database: three statements. */
export async function scoringTallies(db: Db, reader: SqlReader): Promise<ScoringTallies> {
  // SQL leads per verdict and per flow version of their latest conversation (null: none).
  const perVersion = await reader.all<{
    verdict: VerdictCell;
    flowId: string | null;
    flowVersion: string | null;
    n: number | bigint;
  }>(
    sql`${SQL_LEADS} SELECT s."verdict", c."flowId", c."flowVersion", COUNT(*) AS "n"
      FROM "sqlLeads" s LEFT JOIN "Conversation" c ON c."id" = s."conversationId"
      GROUP BY s."verdict", c."flowId", c."flowVersion"`,
  );
  const leads = new Map<VerdictCell, number>();
  const versions = new Map<string, { flowId: string; flowVersion: string }>();
  for (const r of perVersion) {
    const verdict = r.verdict ?? null;
    leads.set(verdict, (leads.get(verdict) ?? 0) + num(r.n));
    if (r.flowId !== null && r.flowVersion !== null)
      versions.set(`${r.flowId}\u0000${r.flowVersion}`, { flowId: r.flowId, flowVersion: r.flowVersion });
  }
  const stored = versions.size
    ? await db.flowVersion.findMany({
        where: { OR: [...versions.values()].map((v) => ({ flowId: v.flowId, version: v.flowVersion })) },
      })
    : [];
  const definitions = [...versions.values()].map((v) => ({
    ...v,
    definition: storedDefinition(
      decodeFlowSnapshot(
        (stored.find((s) => s.flowId === v.flowId && s.version === v.flowVersion)?.definition ??
          null) as JsonValue | null,
      ),
    ),
  }));
  const scope = answerScope(definitions.map((d) => ({ ...d, steps: talliedSteps(d.definition) })));
  const answers = scope
    ? await reader.all<AnswerRow>(
        answersStatement(
          scope,
          definitions.filter((d) => d.definition !== null),
        ),
      )
    : [];
  const rules = await reader.all<{
    ruleId: string;
    verdict: VerdictCell;
    n: number | bigint;
    reason: string | null;
  }>(RULES);
  const reasonOf = new Map<string, string>();
  for (const r of rules) if (r.reason !== null) reasonOf.set(r.ruleId, r.reason);
  return {
    leads: [...leads].map(([verdict, n]) => ({ verdict, leads: n })),
    answers: answers.map((r) => ({
      flowId: r.flowId,
      flowVersion: r.flowVersion,
      stepId: r.stepId,
      value: JSON.parse(r.value) as JsonValue,
      verdict: r.verdict ?? null,
      leads: num(r.n),
    })),
    rules: rules.map((r) => ({
      ruleId: r.ruleId,
      reason: reasonOf.get(r.ruleId) ?? '',
      verdict: r.verdict ?? null,
      leads: num(r.n),
    })),
    definitions: definitions.map(({ flowId, flowVersion, definition }) => ({
      flowId,
      flowVersion,
      definition,
    })),
  };
}
