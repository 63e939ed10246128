/**
 * The Prisma client type the store code is written against. Both generated clients (SQLite and
 * PostgreSQL) come from the same data model and have the same API; the SQLite one's types stand
 * for both.
 */
import type { Prisma, PrismaClient } from './generated/sqlite/client.ts';

export type Client = PrismaClient;
/** The client, or the client of an interactive transaction: the repo works on either. */
export type Db = PrismaClient | Prisma.TransactionClient;
export type Dialect = 'sqlite' | 'postgres';
export type { Prisma };
