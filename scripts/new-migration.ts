/**
 * `npm run migration:new -- <name> [--provider sqlite|postgres]`
 *
 * Writes the next migration for both providers (or one) from the difference between the
 * migrations folder and the current schema file, in Prisma's folder layout. Refuses when the
 * schema has not changed. Needs PostgreSQL at LEADBOT_SHADOW_DATABASE_URL (default
 * postgresql://postgres@127.0.0.1:5432/postgres) to replay PostgreSQL migrations in a
 * temporary shadow database; SQLite replays in memory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DEFAULT_SHADOW_SERVER_URL, diffMigrationsToSchema } from '../src/store/migration-diff.ts';
import {
  defaultMigrationsDir,
  lockfileContent,
  PROJECT_ROOT,
  type Provider,
} from '../src/store/migrations-dir.ts';

/** Prisma's migration folder prefix: UTC `YYYYMMDDHHMMSS`. */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

function parseArgs(argv: string[]): { name: string; providers: Provider[] } {
  const providers: Provider[] = [];
  let name: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--provider') {
      const p = argv[++i];
      if (p !== 'sqlite' && p !== 'postgres') throw new Error('--provider must be sqlite or postgres');
      providers.push(p);
    } else if (arg !== undefined && !arg.startsWith('-')) {
      name = arg;
    }
  }
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: npm run migration:new -- <name> (lowercase letters, digits, _)');
  }
  return { name, providers: providers.length > 0 ? providers : ['sqlite', 'postgres'] };
}

async function main(): Promise<number> {
  const { name, providers } = parseArgs(process.argv.slice(2));
  const folder = `${migrationTimestamp(new Date())}_${name}`;
  const shadowServerUrl = process.env.LEADBOT_SHADOW_DATABASE_URL ?? DEFAULT_SHADOW_SERVER_URL;
  let written = 0;
  for (const provider of providers) {
    const sql = await diffMigrationsToSchema(provider, { shadowServerUrl });
    if (sql === null) {
      console.log(`${provider}: schema unchanged since the last migration; nothing written`);
      continue;
    }
    const dir = defaultMigrationsDir(provider);
    const target = join(dir, folder);
    if (existsSync(target)) throw new Error(`${relative(PROJECT_ROOT, target)} already exists`);
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'migration.sql'), sql);
    writeFileSync(join(dir, 'migration_lock.toml'), lockfileContent(provider));
    console.log(`${provider}: wrote ${relative(PROJECT_ROOT, join(target, 'migration.sql'))}`);
    written++;
  }
  if (written === 0) {
    console.error('No schema change: edit prisma/sqlite/schema.prisma (then npm run schema:sync) first.');
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
