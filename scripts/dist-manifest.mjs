// What dist/ was built from, and whether it still matches the sources beside it.
//
// `scripts/build.mjs` writes dist/manifest.json last: every input file (src/, adapters/,
// prisma/, the build scripts and @prisma/client's package.json) with its size, modification
// time and SHA-256. `bin/leadbot.js` runs dist/ only when the same files are there with the same contents; anything else (no
// build, an interrupted one, a source edited or added since) runs the sources through tsx.
// Checking is a stat per file (~270 files, a few ms); a file is hashed only when its size is
// the same but its time differs (a fresh copy or a checkout of the same content).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (or installed package) root: the folder holding package.json. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Folders whose every file goes into the build (compiled, or copied as an asset). */
export const INPUT_DIRS = ['src', 'adapters', 'prisma'];
/**
 * Files whose change changes what the build writes: the build itself, and Prisma's client
 * runtime, whose query compiler wasm the build copies out of the package.
 */
export const INPUT_FILES = [
  'scripts/build.mjs',
  'scripts/dist-manifest.mjs',
  'node_modules/@prisma/client/package.json',
];
export const DIST = 'dist';
export const MANIFEST = 'manifest.json';
/** The compiled CLI, relative to the root. */
export const COMPILED_ENTRY = 'dist/leadbot.js';

/** Root-relative paths (with `/`) of every input file, sorted. */
export function listInputs(root = ROOT) {
  const out = [...INPUT_FILES];
  for (const dir of INPUT_DIRS) {
    for (const e of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!e.isFile()) continue;
      // `parentPath` is Node 20.12+; `path` is its older name (engines says >= 20.19).
      out.push(
        relative(root, join(e.parentPath ?? e.path, e.name))
          .split(sep)
          .join('/'),
      );
    }
  }
  return out.sort();
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The manifest entry of one input as it is on disk now. */
export function describeInput(root, path) {
  const s = statSync(join(root, path));
  return { path, size: s.size, mtimeMs: s.mtimeMs, sha256: sha256(join(root, path)) };
}

/**
 * Whether dist/ under `root` was built from exactly the inputs there now. Never throws: a
 * missing or unreadable manifest, a missing, added or changed input all mean "not current".
 */
export function isDistCurrent(root = ROOT) {
  try {
    const manifest = JSON.parse(readFileSync(join(root, DIST, MANIFEST), 'utf8'));
    const inputs = listInputs(root);
    if (inputs.length !== manifest.inputs.length) return false;
    for (let i = 0; i < inputs.length; i++) {
      const want = manifest.inputs[i];
      if (want.path !== inputs[i]) return false;
      const s = statSync(join(root, want.path));
      if (s.size !== want.size) return false;
      if (s.mtimeMs !== want.mtimeMs && sha256(join(root, want.path)) !== want.sha256) return false;
    }
    statSync(join(root, COMPILED_ENTRY));
    return true;
  } catch {
    return false;
  }
}
