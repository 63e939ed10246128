/**
 * SpeedSample, kept by triggers on RepVerdict, TranscriptMessage and Lead (migration
 * speed_samples), answers speed to lead. Whatever writes the claims, replies and leads — the
 * store, claims stored out of time order, SQL from outside leadbot deleting the first claim or
 * moving a lead's SQL time or platform, a lead's erasure — the report is the one the rule of
 * src/core/speed-to-lead.ts gives from every stored claim and reply, read here with the
 * database's own driver.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { type SpeedOf, type SpeedSample, speedReport } from '../../src/core/speed-to-lead.ts';
import { sqliteFilePath } from '../../src/store/database-url.ts';
import { PROJECT_ROOT } from '../../src/store/migrations-dir.ts';

const MIGRATION = '20261207030604_speed_samples';

import { storeBackends } from '../helpers/stores.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Row = Record<string, unknown>;

/** Runs one statement on the database behind `url`, outside the store, and returns its rows. */
async function rawSql(url: string, statement: string): Promise<Row[]> {
  if (url.startsWith('file:')) {
    const db = new Database(sqliteFilePath(url));
    try {
      const s = db.prepare(statement);
      if (s.reader) return s.all() as Row[];
      s.run();
      return [];
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}

/** The migration's statement that fills SpeedSample from the claims and replies stored before it. */
function backfill(url: string): string {
  const dir = url.startsWith('file:') ? 'sqlite' : 'postgres';
  const text = readFileSync(
    join(PROJECT_ROOT, 'prisma', dir, 'migrations', MIGRATION, 'migration.sql'),
    'utf8',
  );
  const start = text.indexOf('INSERT INTO "SpeedSample"');
  return text.slice(start, text.indexOf(';', start));
}

const time = (v: unknown) => (v instanceof Date ? v : new Date(String(v))).getTime();

/** The report by the core's rule from every claim (or reply) and lead stored, not from the samples. */
async function byTheRule(url: string, of: SpeedOf) {
  const acts = await rawSql(
    url,
    of === 'claim'
      ? `SELECT "leadId", "id", "actor" AS "rep", "createdAt" AS "at" FROM "RepVerdict" WHERE "verdict" = 'claimed'`
      : `SELECT "leadId", "id", "author" AS "rep", "createdAt" AS "at" FROM "TranscriptMessage" WHERE "direction" = 'to_prospect'`,
  );
  const leads = new Map(
    (await rawSql(url, `SELECT "id", "sourcePlatform", "reachedSqlAt" FROM "Lead"`)).map((l) => [l.id, l]),
  );
  const first = new Map<string, Row>();
  for (const a of acts) {
    const f = first.get(String(a.leadId));
    if (!f || time(a.at) < time(f.at) || (time(a.at) === time(f.at) && String(a.id) < String(f.id)))
      first.set(String(a.leadId), a);
  }
  const samples: SpeedSample[] = [];
  for (const [leadId, a] of first) {
    const lead = leads.get(leadId);
    if (!lead?.reachedSqlAt || time(a.at) < time(lead.reachedSqlAt)) continue;
    const platform = lead.sourcePlatform ? String(lead.sourcePlatform) : '(none)';
    samples.push({ rep: String(a.rep), platform, ms: time(a.at) - time(lead.reachedSqlAt) });
  }
  return speedReport(samples);
}

const T0 = new Date('2026-03-02T09:00:00.000Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

async function claim(store: LeadStore, leadId: string, actor: string, afterS: number) {
  await store.verdicts.record({ leadId, verdict: 'claimed', actor, reason: null, createdAt: at(afterS) });
}

async function reply(store: LeadStore, leadId: string, author: string, afterS: number) {
  const open = await store.handoffs.open({
    leadId,
    alert: { sink: 'slack', externalRef: `1700.${leadId}.${afterS}` },
    prospect: { platform: 'web', workspaceId: '', userId: `P-${leadId}`, channelId: 'dm' },
    openedBy: author,
    openedByName: null,
    openedAt: at(afterS),
  });
  for (const [direction, s] of [
    ['from_prospect', afterS - 5],
    ['to_prospect', afterS],
  ] as const)
    await store.handoffs.addMessage({
      leadId,
      handoffId: open.id,
      direction,
      author: direction === 'to_prospect' ? author : 'prospect',
      authorName: null,
      text: 'hi',
      createdAt: at(s),
    });
  await store.handoffs.close(open.id, author, at(afterS + 1));
}

const backends = storeBackends().filter((b) => b.name !== 'memory');

describe.each(backends)('SpeedSample on $name', (backend) => {
  it('stays the rule over every claim and reply through out-of-order claims, outside SQL and erasures', async () => {
    const opened = await backend.open();
    if (!opened) return;
    cleanups.push(() => opened.cleanup());
    const { store, url } = opened;
    const check = async () => {
      for (const of of ['claim', 'reply'] as const)
        expect(await store.reporting.speedToLead(of)).toEqual(await byTheRule(url!, of));
    };
    const platforms = ['slack', 'telegram', 'web', null];
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const lead = await store.createLead({
        source: { platform: platforms[i % 4] ?? null },
        stage: 'SQL',
        reachedSqlAt: i % 6 === 5 ? null : T0,
      });
      ids.push(lead.id);
    }
    // Claims by three reps at various delays; a later claim stored first (an earlier one
    // arrives after it); a claim before SQL; leads with no claim.
    for (const [i, id] of ids.entries()) {
      if (i % 5 === 4) continue;
      await claim(store, id, `slack:U${i % 3}`, 60 * (i + 1));
      if (i % 4 === 1) await claim(store, id, 'slack:ULATE', 30 * (i + 1)); // earlier, stored later
      if (i % 7 === 3) await claim(store, id, 'slack:UAGAIN', 9000);
    }
    await claim(store, ids[4]!, 'slack:U9', -60);
    for (const [i, id] of ids.entries())
      if (i % 3 === 0) await reply(store, id, `slack:U${i % 2}`, 45 * (i + 1));
    await reply(store, ids[3]!, 'slack:U7', 10); // an earlier reply in a second handoff
    await check();
    expect((await store.reporting.speedToLead('claim')).byRep.map((r) => r.key)).toContain('slack:ULATE');
    // The migration's backfill gives the same samples from the same rows.
    const before = await rawSql(url!, `SELECT * FROM "SpeedSample" ORDER BY "leadId", "of"`);
    await rawSql(url!, `DELETE FROM "SpeedSample"`);
    await rawSql(url!, backfill(url!));
    expect(await rawSql(url!, `SELECT * FROM "SpeedSample" ORDER BY "leadId", "of"`)).toEqual(before);
    expect(before.length).toBeGreaterThan(20);

    // SQL from outside leadbot: the first claim of some leads deleted (the next takes its
    // place), SQL times moved (later than some claims, or cleared), platforms changed.
    await rawSql(
      url!,
      `DELETE FROM "RepVerdict" WHERE "actor" = 'slack:ULATE' AND "leadId" IN ('${ids[1]}', '${ids[5]}')`,
    );
    await rawSql(url!, `DELETE FROM "TranscriptMessage" WHERE "author" = 'slack:U7'`);
    await store.updateLead(ids[2]!, { reachedSqlAt: at(500) });
    await store.updateLead(ids[6]!, { reachedSqlAt: null });
    await store.updateLead(ids[11]!, { reachedSqlAt: at(-3600) });
    await store.updateLead(ids[8]!, { source: { platform: 'discord' } });
    await rawSql(url!, `UPDATE "Lead" SET "sourcePlatform" = 'discord' WHERE "sourcePlatform" = 'web'`);
    await store.updateLead(ids[9]!, { score: 42 }); // not a column the samples follow
    await check();
    expect((await store.reporting.speedToLead('claim')).byPlatform.map((r) => r.key)).toContain('discord');

    // Erasure: a forgotten lead's samples go with it (cascade), and outside deletes too.
    for (const id of ids.slice(0, 4)) await store.transaction((tx) => tx.deleteLead(id));
    await rawSql(url!, `DELETE FROM "Lead" WHERE "sourcePlatform" = 'telegram'`);
    await check();
    const left = await rawSql(
      url!,
      `SELECT COUNT(*) AS "n" FROM "SpeedSample" s LEFT JOIN "Lead" l ON l."id" = s."leadId" WHERE l."id" IS NULL`,
    );
    expect(Number(left[0]!.n)).toBe(0);
    expect((await store.reporting.speedToLead('claim')).byRep.length).toBeGreaterThan(1);
  });
});
