/**
 * Many leads in bulk for reporting tests: each table filled by one `INSERT … SELECT` over a
 * number series (a recursive CTE on SQLite, `generate_series` on PostgreSQL), so 100,000 leads
 * with their stage history, owners, campaigns, conversations at steps, answers, score
 * contributions and verdicts take seconds. Row `i` is shaped by `i` alone; `expectedFigures`
 * computes from the same rules what the reports must say.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { parse } from 'yaml';
import { sqliteFilePath } from '../../src/store/database-url.ts';
import { encodeFlowSnapshot } from '../../src/store/flow-snapshot.ts';
import { FLOWS_DIR } from './engine.ts';

export const PLATFORMS = ['web', 'slack', 'discord', 'telegram'] as const;
export const BULK_FLOW_VERSION = 'bulk-v1';
const MINUTE = 60_000;

/**
 * The path of lead `i` through the stages, by `i % 20`: 0–7 stay cold; 8–12 MQL; 13–15 MQL then
 * SQL; 16 straight to SQL; 17 MQL then disqualified; 18 disqualified; 19 MQL and back to cold.
 */
export function pathOf(i: number): { stage: string; mql: boolean; sql: boolean } {
  const r = i % 20;
  if (r < 8) return { stage: 'cold', mql: false, sql: false };
  if (r < 13) return { stage: 'MQL', mql: true, sql: false };
  if (r < 16) return { stage: 'SQL', mql: true, sql: true };
  if (r === 16) return { stage: 'SQL', mql: false, sql: true };
  if (r === 17) return { stage: 'disqualified', mql: true, sql: false };
  if (r === 18) return { stage: 'disqualified', mql: false, sql: false };
  return { stage: 'cold', mql: true, sql: false };
}
export const platformOf = (i: number) => PLATFORMS[i % 4]!;
export const campaignOf = (i: number) => (i % 5 === 0 ? null : `campaign-${i % 13}`);
/** Four reps share the owned leads. */
export const ownerOf = (i: number) => (i % 3 === 0 ? `slack:UREP${i % 4}` : null);
export const inviterOf = (i: number) => (i % 11 === 0 ? `slack:UMGR${i % 3}` : null);
/** Minutes before `base` the lead was created: lead 0 is the newest. */
export const createdAt = (base: Date, i: number) => new Date(base.getTime() - i * MINUTE);

/** The SQL text of the rules above, in terms of a column `i` (the same in both dialects). */
const R = '(i % 20)';
const COLD = `(${R} < 8 OR ${R} = 19)`;
const EXPR = {
  id: `'bulk-' || (1000000 + i)`,
  stage: `CASE WHEN ${R} < 8 OR ${R} = 19 THEN 'cold' WHEN ${R} < 13 THEN 'MQL' WHEN ${R} < 17 THEN 'SQL' ELSE 'disqualified' END`,
  mql: `(${R} BETWEEN 8 AND 15 OR ${R} IN (17, 19))`,
  sql: `(${R} BETWEEN 13 AND 16)`,
  score: '((i * 37) % 150)',
  owner: `CASE WHEN i % 3 = 0 THEN 'slack:UREP' || (i % 4) END`,
  // Mixed case, so a name sort that did not fold case would put every 'GAMMA' first.
  name: `CASE WHEN i % 50 = 0 THEN NULL WHEN i % 3 = 0 THEN 'alpha ' WHEN i % 3 = 1 THEN 'Beta ' ELSE 'GAMMA ' END || ((i * 7919) % 100000)`,
  email: `'user' || i || '@example.com'`,
  company: `'Company ' || (i % 1000)`,
  platform: `CASE i % 4 WHEN 0 THEN 'web' WHEN 1 THEN 'slack' WHEN 2 THEN 'discord' ELSE 'telegram' END`,
  campaign: `CASE WHEN i % 5 = 0 THEN NULL ELSE 'campaign-' || (i % 13) END`,
  inviter: `CASE WHEN i % 11 = 0 THEN 'slack:UMGR' || (i % 3) END`,
  // Conversations of cold leads wait at a step (active or abandoned) or are done.
  status: `CASE WHEN ${COLD} AND i % 3 = 0 THEN 'active' WHEN ${COLD} AND i % 3 = 1 THEN 'abandoned' ELSE 'completed' END`,
  step: `CASE WHEN ${COLD} AND i % 3 < 2 THEN CASE i % 4 WHEN 0 THEN 'need' WHEN 1 THEN 'role' WHEN 2 THEN 'company' ELSE 'team_size' END END`,
};

interface Dialect {
  postgres: boolean;
  /** `SELECT columns` over the series `i` = 0 … n-1, with an optional `WHERE`. */
  select(columns: string[], where?: string): string;
  /** The timestamp `minutes` before the base instant, as the store writes it. */
  at(minutes: string): string;
  run(sql: string): Promise<void>;
  close(): Promise<void>;
}

function sqliteDialect(url: string, n: number, base: Date): Dialect {
  const db = new Database(sqliteFilePath(url));
  const seconds = base.getTime() / 1000;
  return {
    postgres: false,
    select: (columns, where = '') =>
      `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ${n - 1})
       SELECT ${columns.join(', ')} FROM s ${where}`,
    // Prisma's SQLite adapter stores ISO-8601 text with milliseconds and an explicit offset.
    at: (m) => `strftime('%Y-%m-%dT%H:%M:%f+00:00', ${seconds} - (${m}) * 60, 'unixepoch')`,
    async run(sql) {
      db.exec(sql);
    },
    async close() {
      db.close();
    },
  };
}

async function postgresDialect(url: string, n: number, base: Date): Promise<Dialect> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const baseSql = `TIMESTAMP '${base.toISOString().replace('T', ' ').replace('Z', '')}'`;
  return {
    postgres: true,
    select: (columns, where = '') =>
      `SELECT ${columns.join(', ')} FROM generate_series(0::bigint, ${n - 1}) AS s(i) ${where}`,
    at: (m) => `(${baseSql} - (${m}) * INTERVAL '1 minute')`,
    async run(sql) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

/**
 * Inserts `n` leads created one minute apart before `base` (lead 0 newest), with what hangs
 * off them, into the migrated database at `url`. `campaignPerLead` gives every lead a campaign
 * of its own (`utm-<i>`), as a flood through the web chat's UTM parameters would.
 */
export async function insertBulkLeads(
  url: string,
  n: number,
  base: Date,
  opts: { campaignPerLead?: boolean } = {},
): Promise<void> {
  const d = url.startsWith('postgres') ? await postgresDialect(url, n, base) : sqliteDialect(url, n, base);
  const { postgres, select } = d;
  const enumCast = (e: string, type: string) => (postgres ? `(${e})::"${type}"` : e);
  const json = (e: string) => (postgres ? `(${e})::jsonb` : e);
  const created = d.at('i');
  const mqlAt = d.at('i - 1');
  const sqlAt = d.at('i - 2');
  try {
    await d.run(`INSERT INTO "Lead" ("id", "stage", "score", "ownerId", "name", "email", "company", "consent",
        "invitedBy", "sourcePlatform", "sourceCampaign", "reachedMqlAt", "reachedSqlAt", "createdAt", "updatedAt")
      ${select([
        EXPR.id,
        enumCast(EXPR.stage, 'Stage'),
        EXPR.score,
        EXPR.owner,
        EXPR.name,
        EXPR.email,
        EXPR.company,
        postgres ? 'true' : '1',
        EXPR.inviter,
        EXPR.platform,
        opts.campaignPerLead ? `'utm-' || i` : EXPR.campaign,
        `CASE WHEN ${EXPR.mql} THEN ${mqlAt} END`,
        `CASE WHEN ${EXPR.sql} THEN ${sqlAt} END`,
        created,
        created,
      ])}`);
    // One account per lead, on its platform (what `forget @member` finds the lead by).
    await d.run(`INSERT INTO "Identity" ("id", "platform", "workspaceId", "userId", "leadId", "createdAt")
      ${select([`${EXPR.id} || '-i'`, EXPR.platform, `'T1'`, `'U' || i`, EXPR.id, created])}`);
    // The stage history: to MQL, to SQL, and the way out (disqualified, back to cold).
    const change = (suffix: string, from: string, to: string, at: string, where: string) =>
      d.run(`INSERT INTO "StageChange" ("id", "leadId", "fromStage", "toStage", "reason", "actor", "createdAt")
        ${select(
          [
            `${EXPR.id} || '-${suffix}'`,
            EXPR.id,
            enumCast(from, 'Stage'),
            enumCast(to, 'Stage'),
            `'bulk'`,
            `'engine'`,
            at,
          ],
          `WHERE ${where}`,
        )}`);
    await change('mql', `'cold'`, `'MQL'`, mqlAt, EXPR.mql);
    await change('sql', `CASE WHEN ${R} = 16 THEN 'cold' ELSE 'MQL' END`, `'SQL'`, sqlAt, EXPR.sql);
    await change(
      'dq',
      `CASE WHEN ${R} = 17 THEN 'MQL' ELSE 'cold' END`,
      `'disqualified'`,
      d.at('i - 3'),
      `${R} IN (17, 18)`,
    );
    await change('cold', `'MQL'`, `'cold'`, d.at('i - 3'), `${R} = 19`);
    await d.run(`INSERT INTO "Conversation" ("id", "leadId", "flowId", "flowVersion", "currentStep", "status",
        "platform", "workspaceId", "channelId", "variables", "startedAt", "lastActivityAt")
      ${select([
        `${EXPR.id} || '-c'`,
        EXPR.id,
        `'default'`,
        `'${BULK_FLOW_VERSION}'`,
        EXPR.step,
        enumCast(EXPR.status, 'ConversationStatus'),
        EXPR.platform,
        `''`,
        `'dm'`,
        json(`'{}'`),
        created,
        created,
      ])}`);
    // SQL leads answered `need` (choice), `company` (free text) and `demo` (yes/no), and got
    // their points for `need`.
    const answer = (suffix: string, step: string, value: string, minutes: string) =>
      d.run(`INSERT INTO "Answer" ("id", "conversationId", "stepId", "value", "rawText", "attempt", "accepted", "createdAt")
        ${select(
          [
            `${EXPR.id} || '-a-${suffix}'`,
            `${EXPR.id} || '-c'`,
            `'${step}'`,
            json(value),
            `'bulk'`,
            '1',
            postgres ? 'true' : '1',
            d.at(minutes),
          ],
          `WHERE ${EXPR.sql}`,
        )}`);
    await answer('need', 'need', `CASE WHEN i % 2 = 0 THEN '"evaluating"' ELSE '"exploring"' END`, 'i - 0.5');
    await answer('company', 'company', `'"Company ' || i || '"'`, 'i - 0.6');
    await answer('demo', 'demo', `CASE WHEN i % 3 = 0 THEN 'true' ELSE 'false' END`, 'i - 0.7');
    await d.run(`INSERT INTO "ScoreContribution" ("id", "leadId", "conversationId", "ruleId", "stepId", "points", "reason", "createdAt")
      ${select(
        [
          `${EXPR.id} || '-p'`,
          EXPR.id,
          `${EXPR.id} || '-c'`,
          `CASE WHEN i % 2 = 0 THEN 'option:need=evaluating' ELSE 'option:need=exploring' END`,
          `'need'`,
          `CASE WHEN i % 2 = 0 THEN 15 ELSE 5 END`,
          `CASE WHEN i % 2 = 0 THEN 'Actively evaluating' ELSE 'Exploring' END`,
          d.at('i - 0.5'),
        ],
        `WHERE ${EXPR.sql}`,
      )}`);
    // A rep's verdict on some SQL leads: claimed when they own it, rejected on every 7th.
    await d.run(`INSERT INTO "RepVerdict" ("id", "leadId", "verdict", "actor", "createdAt")
      ${select(
        [
          `${EXPR.id} || '-v'`,
          EXPR.id,
          `CASE WHEN i % 3 = 0 THEN 'claimed' ELSE 'rejected' END`,
          `'slack:UREP'`,
          d.at('i - 2.5'),
        ],
        `WHERE ${EXPR.sql} AND (i % 3 = 0 OR i % 7 = 0)`,
      )}`);
    const flow = JSON.stringify(
      encodeFlowSnapshot(parse(readFileSync(join(FLOWS_DIR, 'default.yaml'), 'utf8'))),
    ).replaceAll("'", "''");
    await d.run(`INSERT INTO "FlowVersion" ("flowId", "version", "definition", "createdAt")
      VALUES ('default', '${BULK_FLOW_VERSION}', ${json(`'${flow}'`)}, ${d.at('0')})`);
    await d.run('ANALYZE');
  } finally {
    await d.close();
  }
}

/** What the reports must say about `n` bulk leads, from the same rules in JavaScript. */
export function expectedFigures(n: number, base: Date, since?: Date) {
  const funnel = { leads: 0, mql: 0, sql: 0, claimed: 0, disqualified: 0 };
  const perStage: Record<string, number> = { cold: 0, MQL: 0, SQL: 0, disqualified: 0 };
  const byPlatform = new Map<string, number>();
  const answered: Record<string, number> = {};
  const demo = { true: 0, false: 0 };
  let sqls = 0;
  for (let i = 0; i < n; i++) {
    const p = pathOf(i);
    perStage[p.stage]!++;
    if (since && createdAt(base, i) < since) continue;
    funnel.leads++;
    if (p.mql || p.sql) funnel.mql++;
    if (p.sql) funnel.sql++;
    if (p.sql && ownerOf(i)) funnel.claimed++;
    if (p.stage === 'disqualified') funnel.disqualified++;
    byPlatform.set(platformOf(i), (byPlatform.get(platformOf(i)) ?? 0) + 1);
    if (p.sql) {
      sqls++;
      const need = i % 2 === 0 ? 'evaluating' : 'exploring';
      answered[need] = (answered[need] ?? 0) + 1;
      demo[i % 3 === 0 ? 'true' : 'false']++;
    }
  }
  return { funnel, perStage, byPlatform, sqls, answered, demo };
}
