/**
 * {@link CounterStore} over Prisma: one `Counter` row per name, moved by a single
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING` (SQLite ≥ 3.35 and PostgreSQL alike). The row
 * lock of that one statement orders concurrent instances, so each call gets its own number;
 * a read-then-write would let two instances take the same turn. `peek` reads the row only.
 */
import type { CounterStore } from '../core/ports/index.ts';
import type { Client } from './prisma-types.ts';

export function createPrismaCounterStore(client: Client): CounterStore {
  return {
    async next(name) {
      const rows = await client.$queryRaw<{ value: number | bigint }[]>`
        INSERT INTO "Counter" ("name", "value") VALUES (${name}, 1)
        ON CONFLICT ("name") DO UPDATE SET "value" = "Counter"."value" + 1
        RETURNING "value"`;
      const value = rows[0]?.value;
      if (value === undefined) throw new Error(`counter ${name}: the database returned no value`);
      return Number(value) - 1;
    },
    async peek(name) {
      // The stored value is how many numbers were taken, which is the next one to take.
      const rows = await client.$queryRaw<{ value: number | bigint }[]>`
        SELECT "value" FROM "Counter" WHERE "name" = ${name}`;
      return Number(rows[0]?.value ?? 0);
    },
  };
}
