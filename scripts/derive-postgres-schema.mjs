#!/usr/bin/env node
// Derives prisma/postgres/schema.prisma from prisma/sqlite/schema.prisma (the source of truth).
// Usage: node scripts/derive-postgres-schema.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = `${root}prisma/sqlite/schema.prisma`;
const target = `${root}prisma/postgres/schema.prisma`;

/** Pure: the PostgreSQL schema text for a SQLite schema text. */
export function derivePostgresSchema(sqliteSchema) {
  const out = sqliteSchema
    .replace(/provider = "sqlite"/, 'provider = "postgresql"')
    .replace(
      /output\s+= "\.\.\/\.\.\/src\/store\/generated\/sqlite"/,
      'output   = "../../src/store/generated/postgres"',
    )
    .replace(
      /^\/\/ leadbot data model — the single source of truth\.[\s\S]*?drift apart\.\n/m,
      '// GENERATED from prisma/sqlite/schema.prisma by `npm run schema:sync`. Do not edit.\n',
    );
  if (out === sqliteSchema) throw new Error('derivePostgresSchema: nothing was rewritten');
  return out;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const wanted = derivePostgresSchema(readFileSync(source, 'utf8'));
  if (process.argv.includes('--check')) {
    const actual = readFileSync(target, 'utf8');
    if (actual !== wanted) {
      console.error('prisma/postgres/schema.prisma is out of date: run `npm run schema:sync`');
      process.exit(1);
    }
  } else {
    writeFileSync(target, wanted);
    console.log('wrote prisma/postgres/schema.prisma');
  }
}
