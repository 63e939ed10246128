/**
 * Scale-out: two real `leadbot start` processes on one fresh PostgreSQL database, 200 web chat
 * conversations driven through them concurrently, every request sent to a random process (a
 * load balancer without stickiness). Afterwards the database must hold exactly what a single
 * process would have stored, and the fake Slack sales channel one alert per SQL lead.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import {
  type BotProcess,
  loadScripts,
  mapConcurrent,
  postUntilAcknowledged,
  randomId,
  type Script,
  startBot,
  stopBot,
} from './cluster.ts';
import { eventually, postedAlerts, referenceOutcomes, storedOutcome } from './verify.ts';

const CONVERSATIONS = 200;
const logger = pino({ level: 'silent' });

let db: TestDatabase | null;
let slack: FakeSlackApi;
let bots: BotProcess[] = [];
let store: LeadStore;

beforeAll(async () => {
  db = await createTestDatabase();
  if (!db) return;
  await migrateDatabase(db.url, { logger });
  slack = await startFakeSlackApi();
  bots = await Promise.all([startBot(db.url, slack), startBot(db.url, slack)]);
  store = await openStore(db.url, { logger });
}, 120_000);

afterAll(async () => {
  await Promise.all(bots.map((b) => stopBot(b)));
  await store?.close();
  await slack?.close();
  await db?.drop();
}, 60_000);

describe('two leadbot processes on one PostgreSQL', () => {
  it('200 concurrent conversations: no lost answer, every SQL alerted exactly once', async (ctx) => {
    if (!db) return ctx.skip();
    const scripts = await loadScripts();
    const reference = await referenceOutcomes(scripts);
    const runs = Array.from({ length: CONVERSATIONS }, (_, i) => ({
      visitorId: `v${i}_${randomId()}`,
      script: scripts[i % scripts.length] as Script,
    }));
    const served = [0, 0];
    const pick = () => {
      const i = Math.random() < 0.5 ? 0 : 1;
      served[i]! += 1;
      return bots[i]!.base;
    };

    const started = Date.now();
    const failures: string[] = [];
    await mapConcurrent(runs, CONVERSATIONS, async ({ visitorId, script }) => {
      for (const body of script.requests) {
        const ack = await postUntilAcknowledged(pick, visitorId, body);
        if (ack.failedTries > 0) failures.push(ack.lastFailure ?? 'failed');
      }
    });
    const seconds = (Date.now() - started) / 1000;
    const requests = served[0]! + served[1]!;

    let mismatches = 0;
    let sqlLeads = 0;
    for (const { visitorId, script } of runs) {
      const got = await storedOutcome(store, 'web', visitorId);
      const want = reference.get(script.name);
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches += 1;
      expect(got, `${script.name} of ${visitorId}`).toEqual(want);
      if (got?.stage === 'SQL') sqlLeads += 1;
    }
    expect(sqlLeads).toBeGreaterThan(0);

    await eventually(() => postedAlerts(slack).size >= sqlLeads, 60_000, `${sqlLeads} alerts`);
    // Both dispatchers keep polling: give a duplicate the chance to appear before counting.
    await eventually(
      async () => (await store.outbox.list({ status: 'delivered' })).length === sqlLeads,
      30_000,
      'every outbox row delivered',
    );
    const alerts = postedAlerts(slack);
    const duplicates = [...alerts.values()].filter((n) => n > 1).length;
    console.log(
      `[scale] 2 processes, ${CONVERSATIONS} conversations, ${requests} requests ` +
        `(${served[0]}/${served[1]}) in ${seconds.toFixed(1)} s: ${failures.length} answered with an error, ${mismatches} mismatched leads, ` +
        `${sqlLeads} SQL leads, ${alerts.size} alerts posted, ${duplicates} duplicated`,
    );
    // Nothing was injected: any error answer (and the retry that hid it) is a bug.
    expect(failures.slice(0, 3)).toEqual([]);
    expect(alerts.size).toBe(sqlLeads);
    expect(duplicates).toBe(0);
    expect((await store.outbox.list()).length).toBe(sqlLeads);
    expect(served[0]).toBeGreaterThan(0);
    expect(served[1]).toBeGreaterThan(0);
  }, 240_000);
});
