/** The core stays platform-free: no SDK, Prisma, pino or file-system import under src/core. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = join(import.meta.dirname, '../../src/core');
const FORBIDDEN = [
  /^@prisma\//,
  /^prisma$/,
  /^pino/,
  /^grammy/,
  /^@slack\//,
  /^discord\.js/,
  /^better-sqlite3$/,
  /^pg$/,
  /^node:(fs|child_process|net|http|https)/,
  /^(fs|child_process|net|http|https)$/,
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('core boundary', () => {
  it('imports no SDK, Prisma, pino or node I/O module', () => {
    const offenders: string[] = [];
    for (const file of files(CORE)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (FORBIDDEN.some((re) => re.test(spec))) offenders.push(`${relative(CORE, file)}: ${spec}`);
        if (spec.startsWith('.') && /\/(store|app|adapters)\//.test(spec))
          offenders.push(`${relative(CORE, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
