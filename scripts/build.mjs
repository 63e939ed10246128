#!/usr/bin/env node
// Compiles the CLI (src/, adapters/, the generated Prisma clients) and its pure-JavaScript
// dependencies into dist/: an entry, dist/leadbot.js, and chunks beside it, one per lazily
// imported part (each chat SDK's adapter, the store, the migrator), loaded only when used.
// Other files of src/ and adapters/ (the dashboard's and the web chat's static assets) and
// prisma/ (schemas, migrations) are copied to the same relative paths under dist/. Run by
// `npm ci` (postinstall, after the clients are generated) and `npm run build`; about a second.
//
// esbuild rather than tsc: it is installed with the production dependencies (tsx runs on it),
// so `npm ci --omit=dev` and the Docker image can build without TypeScript, and it applies the
// transform tsx applies in development and tests. Type checking stays `npm run typecheck`.
// Bundling, rather than one .js per .ts: ~500 modules become a few files, which halved the time
// to load them here. A new dependency with a native addon or files it finds at run time goes in
// EXTERNAL below (the CLI tests run the build in CI and would show it failing).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { build } from 'esbuild';
import { DIST, describeInput, INPUT_DIRS, listInputs, MANIFEST, ROOT } from './dist-manifest.mjs';

/**
 * Left to Node's resolution from node_modules: native addons (better-sqlite3), packages that
 * find files of their own at run time (Prisma's wasm, pino's workers), and the chat SDKs and
 * drivers with optional native parts (loaded only when their platform or database is used).
 */
const EXTERNAL = [
  'better-sqlite3',
  '@prisma/*',
  'pg',
  'pino',
  'pino-pretty',
  'discord.js',
  '@discordjs/*',
  '@slack/*',
  'grammy',
  '@grammyjs/*',
  'ws',
];

/**
 * CommonJS packages the code imports are loaded with `require`: Node's ES module loader first
 * parses a CommonJS file to find its exports (for Prisma's 208 KB client runtime that was ~100 ms
 * of every start), `require` does not. esbuild's interop gives the same bindings (the default
 * export is `module.exports`). Only packages whose `require` gives what their `import` gives.
 */
const REQUIRED = [
  '@prisma/client/runtime/client',
  'better-sqlite3',
  'pg',
  'pino',
  'discord.js',
  '@slack/bolt',
  'grammy',
  '@grammyjs/auto-retry',
];
const requireCommonJs = {
  name: 'require-commonjs',
  setup(b) {
    const names = new Set(REQUIRED);
    b.onResolve({ filter: /^[@a-z]/ }, (args) =>
      names.has(args.path) && args.namespace !== 'require-commonjs'
        ? { path: args.path, namespace: 'require-commonjs' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'require-commonjs' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
      resolveDir: ROOT,
    }));
  },
};

const started = performance.now();
const dist = join(ROOT, DIST);
// The manifest goes first and comes back last: an interrupted build is never taken as current.
rmSync(dist, { recursive: true, force: true });

const inputs = listInputs(ROOT);
// Described before compiling: a source saved during the build makes the result stale, not current.
const described = inputs.map((p) => describeInput(ROOT, p));
const assets = inputs.filter((p) => INPUT_DIRS.some((d) => p.startsWith(`${d}/`)) && !p.endsWith('.ts'));

/**
 * Prisma's generated client imports its query compiler as a 4.4 MB JavaScript module holding the
 * wasm in base64, which V8 keeps twice (the module's source and the string) for the life of the
 * process: ~8.5 MB of heap. The compiled client reads the same bytes from a .wasm file written
 * beside it instead. If the generated code ever stops matching, it compiles unchanged.
 */
const WASM_BASE64_IMPORT =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[^"]+\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)/;
const WASM_FILE = 'query_compiler_bg.wasm';
const wasmFiles = [];

/**
 * Code of this repository keeps the `import.meta.url` of its own file: in a chunk it would be the
 * chunk's URL (dist/x.js), so `new URL('./static/site.css', import.meta.url)` or the project root
 * found from src/store/ would point elsewhere. It becomes the URL of the file's place in dist/
 * (dist/adapters/web/index.js), where the assets were copied.
 */
const ownFiles = {
  name: 'own-files',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const path = relative(ROOT, args.path).split(sep).join('/');
      if (path.startsWith('..') || path.startsWith('node_modules/')) return undefined;
      let text = readFileSync(args.path, 'utf8');
      const match = /^src\/store\/generated\/[^/]+\/internal\/class\.ts$/.test(path)
        ? WASM_BASE64_IMPORT.exec(text)
        : null;
      if (match) {
        const { wasm } = await import(match[1]);
        wasmFiles.push({ out: join(dist, dirname(path), WASM_FILE), bytes: Buffer.from(wasm, 'base64') });
        const load = `return new WebAssembly.Module((await import('node:fs')).readFileSync(new URL('./${WASM_FILE}', import.meta.url)))`;
        text = text.replace(match[0], load);
      }
      const own = `new URL(${JSON.stringify(path.replace(/\.ts$/, '.js'))}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
    });
  },
};

await build({
  absWorkingDir: ROOT,
  entryPoints: { leadbot: 'src/app/cli.ts' },
  outdir: DIST,
  // Entry and chunks side by side directly in dist/: the URLs `ownFiles` writes are relative to it.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  external: EXTERNAL,
  plugins: [requireCommonJs, ownFiles],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: join(ROOT, 'tsconfig.json'),
  // CommonJS dependencies inside an ES module bundle call `require` for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  // Stack traces name dist/ lines; `NODE_OPTIONS=--enable-source-maps` maps them to the sources.
  sourcemap: 'linked',
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

for (const { out, bytes } of wasmFiles) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, bytes);
}
for (const path of assets) {
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  cpSync(join(ROOT, path), join(dist, path));
}

writeFileSync(
  join(dist, MANIFEST),
  `${JSON.stringify({ builtAt: new Date().toISOString(), inputs: described })}\n`,
);
const ms = Math.round(performance.now() - started);
console.error(`build: dist/leadbot.js and its chunks, ${assets.length} files copied, in ${ms} ms`);
