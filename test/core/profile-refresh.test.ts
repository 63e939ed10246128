/**
 * Names change (#18): a later event refreshes the account's name and handle at most once a day,
 * only when they differ, on every store (memory, SQLite, PostgreSQL) through the real engine.
 * The event carries the profile as each adapter fills it (Telegram first/last/username, Discord
 * global_name/username, Slack users.info from the adapter's daily cache).
 */
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestClock, createTestEngine, dm, silentLogger } from '../helpers/engine.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const HOUR = 60 * 60_000;
const KEY = { platform: 'telegram', workspaceId: '', userId: '7001' } as const;

async function proveRefresh(store: LeadStore) {
  // Stores stamp a new account with their own clock (now): the test's clock starts there too.
  const clock = createTestClock(new Date());
  const { engine } = await createTestEngine({ store, clock });
  const from = (profile: { displayName?: string; username?: string; profileUrl?: string }) => ({
    ...KEY,
    channelId: '7001',
    ...profile,
  });
  await engine.handle(
    dm({ kind: 'command', name: 'start' }, from({ displayName: 'Ana Souza', username: 'ana' })),
  );
  const profile = async () => {
    const i = (await store.findIdentity(KEY))!;
    return {
      displayName: i.displayName,
      username: i.username,
      profileUrl: i.profileUrl,
      profileAt: i.profileAt,
    };
  };
  expect(await profile()).toEqual({
    displayName: 'Ana Souza',
    username: 'ana',
    profileUrl: null,
    profileAt: undefined,
  });

  // Within the day: another name in the event changes nothing.
  clock.advance(2 * HOUR);
  await engine.handle(
    dm({ kind: 'message', text: 'hello' }, from({ displayName: 'Ana S.', username: 'ana' })),
  );
  expect((await profile()).displayName).toBe('Ana Souza');

  // A day later: the event's profile replaces the stored one, and the time is kept.
  clock.advance(23 * HOUR);
  const refreshedAt = clock.now();
  await engine.handle(
    dm(
      { kind: 'message', text: 'still here' },
      from({ displayName: 'Ana Lima', username: 'ana_lima', profileUrl: 'https://t.me/ana_lima' }),
    ),
  );
  expect(await profile()).toEqual({
    displayName: 'Ana Lima',
    username: 'ana_lima',
    profileUrl: 'https://t.me/ana_lima',
    profileAt: refreshedAt,
  });

  // Fresh again: the next change waits another day; an event without a profile never erases one.
  clock.advance(HOUR);
  await engine.handle(dm({ kind: 'message', text: 'x' }, from({ displayName: 'Someone Else' })));
  clock.advance(48 * HOUR);
  await engine.handle(dm({ kind: 'message', text: 'y' }, from({})));
  expect((await profile()).displayName).toBe('Ana Lima');
}

describe('profile refresh', () => {
  it('on the memory store', async () => {
    await proveRefresh(createMemoryStore());
  });

  it('on SQLite', async () => {
    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger: silentLogger });
      const store = await openStore(db.url, { logger: silentLogger });
      try {
        await proveRefresh(store);
      } finally {
        await store.close();
      }
    } finally {
      db.cleanup();
    }
  });

  it('on PostgreSQL', async (ctx) => {
    const db = await createTestDatabase();
    if (!db) return ctx.skip();
    try {
      await migrateDatabase(db.url, { logger: silentLogger });
      const store = await openStore(db.url, { logger: silentLogger });
      try {
        await proveRefresh(store);
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});
