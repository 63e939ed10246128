#!/usr/bin/env node
// Generates both Prisma clients (SQLite and PostgreSQL) offline.
// `prisma generate` itself runs on wasm, but the CLI first looks for the native schema
// engine and tries to download it; PRISMA_SCHEMA_ENGINE_BINARY (documented by Prisma)
// pointing at any existing file satisfies that check without a download.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prismaBin = `${root}node_modules/prisma/build/index.js`;
if (!existsSync(prismaBin)) {
  // Installed without dev/runtime deps (e.g. `npm ci --omit=dev` before prisma is present).
  console.error('generate-clients: prisma is not installed; skipping client generation');
  process.exit(0);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
for (const provider of ['sqlite', 'postgres']) {
  execFileSync(process.execPath, [prismaBin, 'generate', '--schema', `prisma/${provider}/schema.prisma`], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
