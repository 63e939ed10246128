/**
 * Crash: a real `leadbot start` process is killed with SIGKILL at random moments while 200 web
 * chat conversations run through it, and restarted each time. Clients retry an unanswered
 * request with the same event id, as the widget does. Afterwards every acknowledged event is
 * in the database, every lead equals what an uninterrupted run stores (no answer lost or
 * counted twice), and the fake Slack channel holds each SQL alert exactly once.
 */
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { type FakeSlackApi, startFakeSlackApi } from '../fakes/slack-api.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import {
  type Acknowledged,
  type BotProcess,
  loadScripts,
  mapConcurrent,
  postUntilAcknowledged,
  randomId,
  type Script,
  startBot,
  stopBot,
} from '../scale/cluster.ts';
import { eventually, postedAlerts, referenceOutcomes, storedOutcome } from '../scale/verify.ts';

const CONVERSATIONS = Number(process.env.FAULT_CONVERSATIONS ?? 200);
const CONCURRENCY = 50;
/** Each restart costs seconds of start-up on a loaded 2-core machine: a few kills suffice. */
const MAX_KILLS = 4;
const logger = pino({ level: 'silent' });

let db: { url: string; cleanup(): void };
let slack: FakeSlackApi;
let bot: BotProcess | null = null;

beforeAll(async () => {
  db = tempSqliteUrl();
  await migrateDatabase(db.url, { logger });
  slack = await startFakeSlackApi();
}, 60_000);

afterAll(async () => {
  if (bot) await stopBot(bot, true);
  await slack?.close();
  db?.cleanup();
}, 60_000);

describe('kill -9 during 200 conversations', () => {
  it('loses no acknowledged answer and alerts exactly once', async () => {
    const scripts = await loadScripts();
    const reference = await referenceOutcomes(scripts);
    const runs = Array.from({ length: CONVERSATIONS }, (_, i) => ({
      visitorId: `v${i}_${randomId()}`,
      script: scripts[i % scripts.length] as Script,
    }));
    bot = await startBot(db.url, slack);
    let base = bot.base;
    let done = false;
    let kills = 0;
    const acknowledged: Acknowledged[] = [];
    // The killer: SIGKILL at random points of the run — after a random share of all events has
    // been acknowledged (progress, not wall time: the bot's speed does not decide whether a kill
    // lands) — and restart at once.
    const total = runs.reduce((n, r) => n + r.script.requests.length, 0);
    const killAt = Array.from({ length: MAX_KILLS }, () =>
      Math.floor(total * (0.05 + Math.random() * 0.85)),
    ).sort((x, y) => x - y);
    const killer = (async () => {
      for (const at of killAt) {
        while (!done && acknowledged.length < at) await new Promise((r) => setTimeout(r, 20));
        if (done || !bot) break;
        await stopBot(bot, true);
        kills += 1;
        bot = await startBot(db.url, slack);
        base = bot.base;
      }
    })();

    await mapConcurrent(runs, CONCURRENCY, async ({ visitorId, script }) => {
      for (const body of script.requests)
        acknowledged.push(
          await postUntilAcknowledged(() => base, visitorId, body, randomId(), { deadlineMs: 120_000 }),
        );
    });
    done = true;
    await killer;

    // Every acknowledged event id was committed (read straight from the file, not through the bot).
    const file = new Database(db.url.slice('file:'.length), { readonly: true });
    const processed = new Set(
      (
        file.prepare(`SELECT "eventId" FROM "ProcessedEvent" WHERE "platform" = 'web'`).all() as {
          eventId: string;
        }[]
      ).map((r) => r.eventId),
    );
    file.close();
    // Web events are keyed `<visitor>:<event>`. A visitor's events before the one that created
    // the lead (opening the chat, a refused first answer) write nothing by design; had that first
    // answer been lost, the outcome check below would see a lead differing from the reference.
    const key = (a: Acknowledged) => `${a.visitorId}:${a.eventId}`;
    const hasLead = new Set<string>();
    const missing = acknowledged.filter((a) => {
      if (processed.has(key(a))) hasLead.add(a.visitorId);
      return hasLead.has(a.visitorId) && !processed.has(key(a));
    }).length;

    const store: LeadStore = await openStore(db.url, { logger });
    try {
      let mismatched = 0;
      let sqlLeads = 0;
      for (const { visitorId, script } of runs) {
        const got = await storedOutcome(store, 'web', visitorId);
        if (JSON.stringify(got) !== JSON.stringify(reference.get(script.name))) mismatched += 1;
        if (got?.stage === 'SQL') sqlLeads += 1;
      }
      // A row claimed by a killed process waits for its lease (60 s) before another claim.
      await eventually(
        async () => (await store.outbox.list({ status: 'delivered' })).length === sqlLeads,
        120_000,
        'every alert delivered',
      );
      const alerts = postedAlerts(slack);
      const duplicated = [...alerts.values()].filter((n) => n > 1).length;
      console.log(
        `[crash] ${kills} kills during ${CONVERSATIONS} conversations (${acknowledged.length} acknowledged events): ` +
          `${missing} acknowledged events missing, ${mismatched} leads differing from an uninterrupted run, ` +
          `${sqlLeads} SQL leads, ${alerts.size} alerts posted, ${duplicated} duplicated`,
      );
      expect(kills).toBeGreaterThan(0);
      expect(missing).toBe(0);
      expect(mismatched).toBe(0);
      expect(alerts.size).toBe(sqlLeads);
      expect(duplicated).toBe(0);
    } finally {
      await store.close();
    }
  }, 400_000);
});
