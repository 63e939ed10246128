import { describe, expect, it } from 'vitest';
import { isLeadbotError } from '../../src/core/errors.ts';
import { detectProvider, openStore } from '../../src/store/open-store.ts';

describe('openStore', () => {
  it('picks the provider from the URL', () => {
    expect(detectProvider('file:./data/leadbot.db')).toBe('sqlite');
    expect(detectProvider('postgres://u@h/db')).toBe('postgres');
    expect(detectProvider('postgresql://u@h:5432/db')).toBe('postgres');
  });

  it('rejects other URLs with CONFIG_INVALID, without echoing credentials', async () => {
    const error = await openStore('mysql://user:hunter2@db/leads').catch((e: unknown) => e);
    expect(isLeadbotError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('use file:./data/leadbot.db or postgresql://');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('an unreachable PostgreSQL is STORE_UNAVAILABLE', async () => {
    const error = await openStore('postgresql://postgres@127.0.0.1:1/leadbot').catch((e: unknown) => e);
    expect(isLeadbotError(error, 'STORE_UNAVAILABLE')).toBe(true);
  });

  it('an unwritable SQLite location is STORE_UNAVAILABLE', async () => {
    // /sys is read-only even for root, which ignores chmod.
    const error = await openStore('file:/sys/leadbot-open-test.db').catch((e: unknown) => e);
    expect(isLeadbotError(error, 'STORE_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('set DATABASE_URL to a writable path');
  });
});
