import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

describe('test helpers', () => {
  it('createTestDatabase gives a fresh database that drop() removes', async () => {
    const db = await createTestDatabase();
    if (!db) return;
    const client = new pg.Client({ connectionString: db.url });
    // The forced drop kills this connection; pg reports that as an 'error' event.
    client.on('error', () => {});
    await client.connect();
    const { rows } = await client.query('select current_database() as name');
    expect(rows[0].name).toBe(db.name);
    // An open connection must not prevent the drop.
    await db.drop();
    await expect(client.query('select 1')).rejects.toThrow();
    await client.end().catch(() => {});
    const admin = new pg.Client({ connectionString: db.url.replace(db.name, 'postgres') });
    await admin.connect();
    const left = await admin.query('select 1 from pg_database where datname = $1', [db.name]);
    await admin.end();
    expect(left.rowCount).toBe(0);
  });

  it('tempSqliteUrl gives a file: URL in a fresh directory that cleanup() removes', () => {
    const a = tempSqliteUrl();
    const b = tempSqliteUrl();
    expect(a.url.startsWith('file:')).toBe(true);
    expect(a.dir).not.toBe(b.dir);
    expect(existsSync(a.dir)).toBe(true);
    a.cleanup();
    b.cleanup();
    expect(existsSync(a.dir)).toBe(false);
  });
});
