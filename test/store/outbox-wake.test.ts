/**
 * A sales alert committed by this process is delivered at once, not at the dispatcher's next
 * poll: the Prisma store tells its outbox subscribers after the commit. The poll is set to a
 * minute here, so only the wake-up can deliver within the test.
 */
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createOutboxDispatcher, type OutboxSink } from '../../src/core/outbox/dispatcher.ts';
import type { JsonValue, LeadStore } from '../../src/core/ports/index.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { silentLogger } from '../helpers/engine.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const logger = pino({ level: 'silent' });
let store: LeadStore;
let cleanup: () => void;

beforeEach(async () => {
  const db = tempSqliteUrl();
  cleanup = db.cleanup;
  await migrateDatabase(db.url, { logger });
  store = await openStore(db.url, { logger });
});
afterEach(async () => {
  await store.close();
  cleanup();
});

function recordingSink(delivered: string[]): OutboxSink {
  return {
    name: 'recording',
    accepts: () => true,
    async deliver(_payload, idempotencyKey) {
      delivered.push(idempotencyKey);
      return { externalRef: idempotencyKey };
    },
  };
}

const row = (key: string) => ({
  kind: 'sales_alert',
  idempotencyKey: key,
  leadId: null,
  payload: { leadId: key } as unknown as JsonValue,
});

it('delivers rows committed here without waiting for the poll, in or outside a transaction', async () => {
  const delivered: string[] = [];
  const dispatcher = createOutboxDispatcher({
    store,
    sinks: { sales_alert: recordingSink(delivered) },
    clock: { now: () => new Date() },
    logger: silentLogger,
    workerId: 'w1',
    pollMs: 60_000,
  });
  dispatcher.start();
  try {
    await new Promise((r) => setTimeout(r, 50)); // the first (empty) round is over: it sleeps
    await store.transaction(async (tx) => {
      await tx.enqueueOutbox(row('in-tx'));
    });
    await vi.waitFor(() => expect(delivered).toEqual(['in-tx']), { timeout: 5000 });
    await store.enqueueOutbox(row('direct'));
    await vi.waitFor(() => expect(delivered).toEqual(['in-tx', 'direct']), { timeout: 5000 });
    // A rolled-back transaction wakes nobody and delivers nothing.
    await store
      .transaction(async (tx) => {
        await tx.enqueueOutbox(row('rolled-back'));
        throw new Error('boom');
      })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(delivered).toEqual(['in-tx', 'direct']);
  } finally {
    await dispatcher.stop();
  }
});
