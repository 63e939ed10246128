/**
 * A lead costs an answer: through the web chat's HTTP API on a real SQLite database, opening
 * the chat (`start`) writes no row; the first answer the flow takes creates the lead, its
 * identity and the conversation with that answer recorded. Rows are counted in every table.
 */
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';
import { newId, startWebHarness, type WebHarness } from './harness.ts';

const db = tempSqliteUrl();
let store: LeadStore;
let h: WebHarness;
let file: Database.Database;

beforeAll(async () => {
  const logger = pino({ level: 'silent' });
  await migrateDatabase(db.url, { logger });
  store = await openStore(db.url, { logger });
  h = await startWebHarness({ store });
  file = new Database(db.url.slice('file:'.length), { readonly: true });
});
afterAll(async () => {
  file?.close();
  await h?.close();
  await store?.close();
  db.cleanup();
});

/** Rows per table (every table but Prisma's own), only those with rows. */
function rowCounts(): Record<string, number> {
  const tables = file
    .prepare(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'`,
    )
    .all() as { name: string }[];
  const out: Record<string, number> = {};
  for (const { name } of tables) {
    const { n } = file.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number };
    if (n > 0) out[name] = n;
  }
  return out;
}

const post = async (body: Record<string, unknown>) => {
  const res = await h.post(body);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: { kind: string; text: string; stepId?: string }[] }).messages;
};

describe('a web lead costs an answer (SQLite)', () => {
  it('start, restart, stop, refused and stale first answers write nothing; the first taken answer creates the lead', async () => {
    const visitor = newId();
    const source = { utm_campaign: 'spring' };
    const opened = await post({
      visitorId: visitor,
      eventId: newId(),
      kind: 'command',
      name: 'start',
      source,
    });
    expect(opened.map((m) => m.kind)).toEqual(['info', 'question']);
    expect(opened[1]?.stepId).toBe('need');
    await post({ visitorId: visitor, eventId: newId(), kind: 'command', name: 'restart', source });
    const stopped = await post({
      visitorId: visitor,
      eventId: newId(),
      kind: 'message',
      text: 'stop',
      source,
    });
    expect(stopped[0]?.text).toMatch(/stop|paused|bye/i);
    const refused = await post({
      visitorId: visitor,
      eventId: newId(),
      kind: 'message',
      stepId: 'need',
      text: 'banana',
    });
    expect(refused.map((m) => [m.kind, m.stepId])).toEqual([
      ['error', 'need'],
      ['question', 'need'],
    ]);
    // A client that names no step (a script, no widget) and says something else gets the welcome.
    const bare = await post({ visitorId: visitor, eventId: newId(), kind: 'message', text: 'hello' });
    expect(bare.map((m) => [m.kind, m.stepId])).toEqual([
      ['info', undefined],
      ['question', 'need'],
    ]);
    const stale = await post({
      visitorId: visitor,
      eventId: newId(),
      kind: 'choice',
      stepId: 'budget',
      values: ['evaluating'],
    });
    expect(stale.at(-1)?.stepId).toBe('need');
    const before = rowCounts();
    console.log(
      `[lazy-lead] rows after start, restart, stop, a refused and a stale answer: ${JSON.stringify(before)}`,
    );
    expect(before).toEqual({});

    const answered = await post({
      visitorId: visitor,
      eventId: newId(),
      kind: 'choice',
      stepId: 'need',
      values: ['evaluating'],
      source,
    });
    expect(answered.at(-1)?.stepId).toBe('company');
    const after = rowCounts();
    console.log(`[lazy-lead] rows after the first answer: ${JSON.stringify(after)}`);
    expect(after).toMatchObject({ Lead: 1, Identity: 1, Conversation: 1, Answer: 1, ProcessedEvent: 1 });

    const identity = await store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor });
    const lead = await store.getLead(identity!.leadId);
    expect(lead?.source).toMatchObject({ platform: 'web', campaign: 'spring' });
    const [conv] = await store.listConversations(identity!.leadId);
    expect(conv).toMatchObject({ currentStep: 'company', status: 'active' });
    expect(await store.listAnswers(conv!.id)).toMatchObject([
      { stepId: 'need', value: 'evaluating', accepted: true, attempt: 1, rawText: 'evaluating' },
    ]);

    // A typed answer names the step it answers; one for the wrong step is stale, not recorded.
    const wrong = await post({
      visitorId: visitor,
      eventId: newId(),
      kind: 'message',
      stepId: 'budget',
      text: 'Acme',
    });
    expect(wrong.map((m) => m.stepId ?? m.kind)).toEqual(['info', 'company']);
    await post({ visitorId: visitor, eventId: newId(), kind: 'message', stepId: 'company', text: 'Acme' });
    expect((await store.listAnswers(conv!.id)).map((a) => a.stepId)).toEqual(['need', 'company']);
  });

  it("de-duplicates per visitor: one visitor's event id does not swallow another's", async () => {
    const eventId = newId();
    const [a, b] = [newId(), newId()];
    const body = { eventId, kind: 'choice', stepId: 'need', values: ['evaluating'] };
    expect((await post({ ...body, visitorId: a })).at(-1)?.stepId).toBe('company');
    expect((await post({ ...body, visitorId: b })).at(-1)?.stepId).toBe('company');
    expect(await post({ ...body, visitorId: a })).toEqual([]); // the same visitor's retry
    for (const visitor of [a, b])
      expect(await store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor })).not.toBeNull();
  });
});
