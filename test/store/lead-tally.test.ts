/**
 * LeadTally and StepTally, kept by triggers on Lead and Conversation (migrations lead_tally and
 * step_tally), answer the funnel, the filter menus, the table's total and the drop-off when no
 * time range or search is set. Whatever writes the leads —
 * the store's creates, stage moves, owners, erasures, many transactions at once, or SQL from
 * outside leadbot — the tally's figures are the ones a scan of every lead gives. A range that
 * starts before every lead forces that scan on the same store, so each check compares both.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { LeadStore, Stage } from '../../src/core/ports/index.ts';
import { sqliteFilePath } from '../../src/store/database-url.ts';
import { storeBackends } from '../helpers/stores.ts';

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const EVER = new Date(0);

/** Every figure the tally serves, read through the tally and through a scan of the leads. */
async function bothWays(store: LeadStore) {
  const r = store.reporting;
  const read = async (since?: Date) => {
    const range = since ? { since } : {};
    return {
      funnel: await r.funnel(range),
      dropOff: await r.dropOff(range),
      slack: await r.funnel({ ...range, platform: 'slack' }),
      options: await r.filterOptions(range),
      sqlTotal: (await r.leads({ ...range, stage: 'SQL', pageSize: 1 })).total,
      webCampaignTotal: (await r.leads({ ...range, platform: 'web', campaign: 'spring', pageSize: 1 })).total,
    };
  };
  return { tally: await read(), scan: await read(EVER) };
}

/** Runs one statement on the database behind `url`, outside the store. */
async function rawSql(url: string, statement: string): Promise<void> {
  if (url.startsWith('file:')) {
    const db = new Database(sqliteFilePath(url));
    db.exec(statement);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(statement);
  await client.end();
}

const backends = storeBackends().filter((b) => b.name !== 'memory');

describe.each(backends)('LeadTally and StepTally on $name', (backend) => {
  it('stays equal to a count of the leads through creates, moves, owners, erasures and outside SQL', async () => {
    const opened = await backend.open();
    if (!opened) return;
    cleanups.push(() => opened.cleanup());
    const { store, url } = opened;
    const platforms = ['slack', 'web', 'discord', null];
    const campaigns = ['spring', 'autumn', null, ''];
    const ids: string[] = [];
    // 60 leads created 20 at a time: on PostgreSQL concurrent transactions share tally cells.
    for (let batch = 0; batch < 3; batch++)
      ids.push(
        ...(
          await Promise.all(
            Array.from({ length: 20 }, async (_, j) => {
              const i = batch * 20 + j;
              const lead = await store.createLead({
                source: { platform: platforms[i % 4] ?? null, campaign: campaigns[i % 3] ?? null },
                ...(i % 7 === 0 ? { invitedBy: 'slack:UMGR' } : {}),
              });
              return lead.id;
            }),
          )
        ).map((id) => id),
      );
    expect((await bothWays(store)).tally).toEqual((await bothWays(store)).scan);
    expect((await bothWays(store)).tally.funnel.overall.leads).toBe(60);

    // Moves through the stages, first arrivals, owners; some leads back to cold.
    const stages: Stage[] = ['MQL', 'SQL', 'disqualified', 'cold'];
    await Promise.all(
      ids.slice(0, 40).map(async (id, i) => {
        const stage = stages[i % 4]!;
        const now = new Date();
        await store.updateLead(id, {
          stage,
          ...(stage !== 'cold' && stage !== 'disqualified' ? { reachedMqlAt: now } : {}),
          ...(stage === 'SQL' ? { reachedSqlAt: now } : {}),
          ...(i % 3 === 0 ? { ownerId: `slack:UREP${i % 2}` } : {}),
        });
      }),
    );
    // Conversations at steps, some moving on, finishing or given up (StepTally, the drop-off).
    const steps = ['need', 'company', 'role'];
    const conversations = await Promise.all(
      ids.slice(0, 30).map((leadId, i) =>
        store.createConversation({
          leadId,
          flowId: i % 5 === 0 ? 'other' : 'default',
          flowVersion: 'v1',
          currentStep: i % 7 === 0 ? null : steps[i % 3]!,
          platform: 'web',
          workspaceId: '',
          channelId: `c${i}`,
        }),
      ),
    );
    for (const [i, c] of conversations.entries()) {
      if (i % 4 === 1) await store.updateConversation(c, { currentStep: 'role' });
      if (i % 4 === 2) await store.updateConversation(c, { status: 'abandoned' });
      if (i % 4 === 3) await store.updateConversation(c, { status: 'completed', currentStep: null });
    }
    await store.updateLead(ids[1]!, { ownerId: null }); // an SQL lead loses its owner
    await store.updateLead(ids[2]!, { source: { platform: 'telegram', campaign: 'spring' } });
    await store.updateLead(ids[3]!, { score: 42 }); // not a counted column: nothing moves
    let both = await bothWays(store);
    expect(both.tally).toEqual(both.scan);
    expect(both.tally.funnel.overall.sql).toBeGreaterThan(0);
    expect(both.tally.dropOff.length).toBeGreaterThan(2);

    // Erasures (forget, conversations deleted by cascade) and SQL from outside leadbot count too.
    for (const id of ids.slice(50)) await store.transaction((tx) => tx.deleteLead(id));
    await rawSql(url!, `UPDATE "Lead" SET "stage" = 'MQL' WHERE "stage" = 'cold'`);
    await rawSql(url!, `DELETE FROM "Lead" WHERE "sourcePlatform" = 'discord'`);
    await rawSql(url!, `UPDATE "Conversation" SET "status" = 'abandoned' WHERE "currentStep" = 'need'`);
    both = await bothWays(store);
    expect(both.tally).toEqual(both.scan);
    // Discord leads are i % 4 === 2, but lead 2 moved to telegram.
    const discord = ids.slice(0, 50).filter((_, i) => i % 4 === 2 && i !== 2).length;
    expect(both.tally.funnel.overall.leads).toBe(50 - discord);
  });
});
