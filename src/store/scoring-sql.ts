/**
 * The tallies of `leadbot scoring report` (src/core/scoring-report.ts) as GROUP BY statements:
 * leads that reached SQL per newest verdict, the newest accepted answer per tallied step of each
 * one's latest conversation per value and verdict, and the scoring rules that gave them points.
 * Which steps are tallied depends on each flow version's step types, so the stored versions
 * are read (and parsed by the core) first; then one statement groups everything.
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

const num = (v: number | bigint) => Number(v);

type VerdictCell = Verdict | null;

interface DefinedVersion {
  flowId: string;
  flowVersion: string;
  steps: string[];
}

/**
 * Which answers count: the tallied steps of versions with a usable definition, and any step of
 * the other versions (whose yes/no answers are kept after the newest one is picked).
 */
function answerScope(defined: DefinedVersion[]): { scope: Sql; isDefined: Sql } {
  const version = (v: DefinedVersion) =>
    sql`(c."flowId" = ${v.flowId} AND c."flowVersion" = ${v.flowVersion})`;
  if (defined.length === 0) return { scope: sql`1 = 1`, isDefined: sql`1 = 0` };
  const isDefined = join(defined.map(version), ' OR ');
  const tallied = defined
    .filter((v) => v.steps.length > 0)
    .map((v) => sql`(${version(v)} AND a."stepId" IN (${join(v.steps, ', ')}))`);
  return { scope: join([...tallied, sql`NOT (${isDefined})`], ' OR '), isDefined };
}

interface TallyRow {
  kind: 'lead' | 'answer' | 'rule';
  verdict: VerdictCell;
  flowId: string | null;
  flowVersion: string | null;
  /** The step of an answer, the rule of a rule. */
  key: string | null;
  /** The answer's value as JSON text; a rule's reason on the row of its newest lead. */
  value: string | null;
  n: number | bigint;
  /** The newest lead of an answer group (a Date, or ISO text on SQLite). */
  newest: Date | string | null;
}

/**
 * One statement, so the SQL leads (a lookup of the newest verdict and the latest conversation
 * per lead) are found once, not once per part:
 * - leads per newest verdict;
 * - the newest accepted answer per conversation and step (a later empty one does not count),
 *   grouped by value and verdict, with the group's newest lead; versions without a definition
 *   tally yes/no answers only;
 * - per rule and verdict, the leads it gave points to (once per lead), and on the row holding
 *   the rule's newest lead, the reason of that lead's newest contribution of it.
 */
function talliesStatement(defined: DefinedVersion[]): Sql {
  const { scope, isDefined } = answerScope(defined);
  return sql`${SQL_LEADS}, "latest" AS (
      SELECT a."stepId", CAST(a."value" AS TEXT) AS "value", c."flowId", c."flowVersion", s."verdict",
        s."createdAt" AS "leadAt", CASE WHEN ${isDefined} THEN 1 ELSE 0 END AS "defined",
        ROW_NUMBER() OVER (PARTITION BY a."conversationId", a."stepId"
          ORDER BY a."createdAt" DESC, a."id" DESC) AS "rn"
      FROM "sqlLeads" s JOIN "Conversation" c ON c."id" = s."conversationId"
        JOIN "Answer" a ON a."conversationId" = c."id"
      WHERE a."accepted" AND a."value" IS NOT NULL AND CAST(a."value" AS TEXT) <> 'null' AND (${scope})),
    "perLead" AS (
      SELECT sc."ruleId", sc."reason", s."verdict", s."createdAt" AS "leadAt", s."id" AS "leadId",
        ROW_NUMBER() OVER (PARTITION BY sc."leadId", sc."ruleId" ORDER BY sc."createdAt" DESC, sc."id" DESC) AS "rn"
      FROM "sqlLeads" s JOIN "ScoreContribution" sc ON sc."leadId" = s."id"),
    "ranked" AS (
      SELECT "ruleId", "reason", "verdict",
        ROW_NUMBER() OVER (PARTITION BY "ruleId" ORDER BY "leadAt" DESC, "leadId" DESC) AS "newest"
      FROM "perLead" WHERE "rn" = 1)
    SELECT 'lead' AS "kind", "verdict", NULL AS "flowId", NULL AS "flowVersion", NULL AS "key",
      NULL AS "value", COUNT(*) AS "n", NULL AS "newest"
    FROM "sqlLeads" GROUP BY "verdict"
    UNION ALL
    SELECT 'answer', "verdict", "flowId", "flowVersion", "stepId", "value", COUNT(*), MAX("leadAt")
    FROM "latest" WHERE "rn" = 1 AND ("defined" = 1 OR "value" IN ('true', 'false'))
    GROUP BY "flowId", "flowVersion", "stepId", "value", "verdict"
    UNION ALL
    SELECT 'rule', "verdict", NULL, NULL, "ruleId", MAX(CASE WHEN "newest" = 1 THEN "reason" END), COUNT(*), NULL
    FROM "ranked" GROUP BY "ruleId", "verdict"`;
}

const time = (v: Date | string | null) => (v === null ? 0 : new Date(v).getTime());

/**
 * Computes the report's tallies in the database: the stored flow versions (a few rows, parsed
 * by the core to know which steps are tallied), then one statement.
 */
export async function scoringTallies(db: Db, reader: SqlReader): Promise<ScoringTallies> {
  const definitions = (await db.flowVersion.findMany()).map((v) => ({
    flowId: v.flowId,
    flowVersion: v.version,
    definition: storedDefinition(decodeFlowSnapshot(v.definition as JsonValue)),
  }));
  const defined: DefinedVersion[] = [];
  for (const d of definitions) {
    const steps = talliedSteps(d.definition);
    if (steps) defined.push({ flowId: d.flowId, flowVersion: d.flowVersion, steps });
  }
  const rows = await reader.all<TallyRow>(talliesStatement(defined));
  const leads = rows.filter((r) => r.kind === 'lead');
  // Groups holding newer leads first: labels are those of the newest lead.
  const answers = rows.filter((r) => r.kind === 'answer').sort((a, b) => time(b.newest) - time(a.newest));
  const rules = rows.filter((r) => r.kind === 'rule');
  const reasonOf = new Map<string, string>();
  for (const r of rules) if (r.value !== null) reasonOf.set(r.key!, r.value);
  return {
    leads: leads.map((r) => ({ verdict: r.verdict ?? null, leads: num(r.n) })),
    answers: answers.map((r) => ({
      flowId: r.flowId!,
      flowVersion: r.flowVersion!,
      stepId: r.key!,
      value: JSON.parse(r.value!) as JsonValue,
      verdict: r.verdict ?? null,
      leads: num(r.n),
    })),
    rules: rules.map((r) => ({
      ruleId: r.key!,
      reason: reasonOf.get(r.key!) ?? '',
      verdict: r.verdict ?? null,
      leads: num(r.n),
    })),
    definitions: definitions.filter((d) => d.definition !== null),
  };
}
