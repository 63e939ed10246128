/**
 * The direction of imports is the architecture: adapters → core ← store, and app wires them.
 * The core stays platform-free (no SDK, Prisma, pino), and adapters reach the store and the
 * app only through the ports they are given.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** Every module specifier a TypeScript file imports, re-exports or loads dynamically. */
function importsOf(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const p of patterns) for (const m of source.matchAll(p)) found.push(m[1]!);
  return found;
}

function tsFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'generated' ? [] : tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

const CORE_FORBIDDEN_PACKAGES = [
  /^@prisma\//,
  /^prisma$/,
  /^pino(-pretty)?$/,
  /^grammy$/,
  /^@grammyjs\//,
  /^@slack\//,
  /^discord\.js$/,
  /^better-sqlite3$/,
  /^pg$/,
  // The core does no I/O of its own: files, processes and sockets belong to app and adapters.
  /^(node:)?(fs|fs\/promises|child_process|net|http|https)$/,
];

/** Problems of one file: forbidden packages, and relative imports landing in `forbiddenDirs`. */
function violations(file: string, forbiddenPackages: RegExp[], forbiddenDirs: string[]): string[] {
  const where = relative(ROOT, file);
  return importsOf(readFileSync(file, 'utf8')).flatMap((spec) => {
    if (spec.startsWith('.')) {
      const target = relative(ROOT, resolve(dirname(file), spec));
      const bad = forbiddenDirs.find((d) => target === d || target.startsWith(`${d}/`));
      return bad ? [`${where} imports ${spec} (inside ${bad}/)`] : [];
    }
    return forbiddenPackages.some((p) => p.test(spec)) ? [`${where} imports ${spec}`] : [];
  });
}

describe('import boundaries', () => {
  it('finds every import form it is meant to police', () => {
    const sample = [
      "import { PrismaClient } from '@prisma/client';",
      "import type { Logger } from 'pino';",
      "export * from '../store/open-store.ts';",
      "import '../app/side-effect.ts';",
      "const m = await import('grammy');",
      "import {\n  a,\n  b,\n} from 'discord.js';",
    ].join('\n');
    expect(importsOf(sample)).toEqual([
      '@prisma/client',
      'pino',
      '../store/open-store.ts',
      '../app/side-effect.ts',
      'discord.js',
      'grammy',
    ]);
  });

  it('the core imports no SDK, Prisma, pino, store, app or adapter code', () => {
    const files = tsFiles(join(ROOT, 'src/core'));
    expect(files.length).toBeGreaterThan(0);
    const problems = files.flatMap((f) =>
      violations(f, CORE_FORBIDDEN_PACKAGES, ['src/store', 'src/app', 'adapters']),
    );
    expect(problems).toEqual([]);
  });

  it('adapters reach neither the store nor the app', () => {
    const files = tsFiles(join(ROOT, 'adapters'));
    const problems = files.flatMap((f) => violations(f, [], ['src/store', 'src/app']));
    expect(problems).toEqual([]);
  });
});
