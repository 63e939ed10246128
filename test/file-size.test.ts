/**
 * Small rooms: no hand-written source file in src/ or adapters/ (TypeScript, and the browser
 * widget's JavaScript) is over 300 lines. Generated code (the Prisma clients in
 * src/store/generated) is not ours to split.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const MAX_LINES = 300;
const SOURCE = /\.(ts|tsx|js|mjs|cjs)$/;
const GENERATED = ['src/store/generated'];

/**
 * Files another branch of issue 15 is reshaping, over the limit until it lands. Each entry must
 * still be over it: the test fails once one is not, so the exception is removed, not forgotten.
 */
const PENDING: Record<string, string> = {};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (GENERATED.includes(path)) return [];
    if (entry.isDirectory()) return sources(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

const lineCount = (path: string) =>
  readFileSync(join(ROOT, path), 'utf8').replace(/\n$/, '').split('\n').length;

it(`no source file in src/ or adapters/ is over ${MAX_LINES} lines`, () => {
  const files = [...sources('src'), ...sources('adapters')];
  expect(files.length).toBeGreaterThan(150); // the walk found the tree
  expect(files).toContain('adapters/web/static/widget.js');
  const over = files
    .map((path) => ({ path, lines: lineCount(path) }))
    .filter((f) => f.lines > MAX_LINES && !(f.path in PENDING))
    .map((f) => `${f.path}: ${f.lines} lines`);
  expect(over).toEqual([]);
  const settled = Object.keys(PENDING).filter((path) => lineCount(path) <= MAX_LINES);
  expect(settled, 'no longer over the limit: remove from PENDING').toEqual([]);
});
