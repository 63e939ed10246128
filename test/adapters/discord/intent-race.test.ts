/**
 * The intent-offer race with two instances: two Discord adapters (two discord.js clients, each
 * with its own engine and its own store) on one PostgreSQL database, both connected to the same
 * Discord, as two processes logged in with one bot token are. Every public message reaches
 * both. Two intent signals arrive at once: between them, the instances post exactly one offer —
 * the offer is decided and counted in the database before it is posted.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeadStore } from '../../../src/core/ports/index.ts';
import { migrateDatabase } from '../../../src/store/migrate.ts';
import { openStore } from '../../../src/store/open-store.ts';
import { type FakeDiscord, IDS, startFakeDiscord } from '../../fakes/discord-api.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/postgres.ts';
import { type Running, startDiscord } from './harness.ts';

const logger = pino({ level: 'silent' });

describe('intent offers with two instances on one PostgreSQL database', () => {
  let db: TestDatabase | null = null;
  const stores: LeadStore[] = [];
  const bots: Running[] = [];
  let fake: FakeDiscord;

  beforeAll(async () => {
    db = await createTestDatabase();
    if (!db) return;
    await migrateDatabase(db.url, { logger });
    fake = await startFakeDiscord();
    for (let i = 0; i < 2; i++) {
      const store = await openStore(db.url, { logger });
      stores.push(store);
      const { engine } = await createTestEngine({ store });
      bots.push(
        await startDiscord(engine.handle, { fake, config: { messageContent: true }, deps: { store } }),
      );
    }
  });
  afterAll(async () => {
    for (const b of bots) await b.stop();
    await fake?.close();
    for (const s of stores) await s.close();
    await db?.drop();
  });

  it('two signals seen by both instances at once: one offer is posted', async () => {
    if (!db) return;
    expect(fake.identifies).toHaveLength(2); // both clients are on the gateway
    const kim = fake.user('kim');
    const lou = fake.user('lou');
    const signals = [fake.say(kim, 'what is your pricing for teams?'), fake.say(lou, 'can we get a demo?')];
    const considered = () => bots.flatMap((b) => b.logger.lines.filter((l) => l.msg === 'intent considered'));
    // Each instance considers each message: four decisions, taken concurrently (log lines are
    // no event of the fake: poll them, with a hang guard).
    const deadline = Date.now() + 15_000;
    while (considered().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(considered()).toHaveLength(4);
    const offered = considered().filter((l) => (l.obj as { offered: boolean }).offered);
    expect(offered).toHaveLength(1);
    const offers = fake
      .visible(IDS.channel)
      .filter((m) => m.author.bot && m.content.includes('looking into this'));
    expect(offers).toHaveLength(1);
    // It answers one of the two signals, and the database counts one offer in the channel.
    const replied = fake.requests.find((r) => r.method === 'POST' && r.body?.message_reference)?.body;
    expect(signals.map((s) => s.id)).toContain(replied?.message_reference?.message_id);
    expect(await stores[0]!.outreach!.lastContactInChannel(IDS.channel, 'offer')).not.toBeNull();
  });
});
