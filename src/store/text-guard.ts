/**
 * The store's own text guard, behind the core's text hygiene (src/core/text-hygiene.ts) as
 * defence in depth: whatever reaches the database — through the engine, an adapter that writes
 * directly (a rep's verdict), the dashboard or a future caller — is made storable first. A NUL
 * or a lone surrogate in a parameter otherwise makes PostgreSQL refuse the statement (22021
 * "invalid byte sequence", 22P02/22P05 for jsonb) and the whole transaction with it, and makes
 * SQLite store invalid UTF-8. Only that is changed (see `storableText`): the store does not
 * second-guess what the core decided to keep.
 *
 * Two doors: Prisma's query API (a client extension over every model operation, reads included,
 * so a filter typed on the dashboard cannot fail either) and the hot path's raw statements
 * (`value` in raw-statements.ts calls {@link storableParam}).
 */
import { storableValue } from '../core/text-hygiene.ts';
import type { Client } from './prisma-types.ts';

/** The client with every model operation's arguments made storable. */
export function withStorableText(client: Client): Client {
  return client.$extends({
    name: 'storable-text',
    query: {
      $allModels: {
        $allOperations: ({ args, query }) => query(storableValue(args)),
      },
    },
  }) as unknown as Client;
}

/** A raw statement's parameter (a string, or a JSON value before it is serialized) made storable. */
export const storableParam = storableValue;
