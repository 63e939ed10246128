#!/usr/bin/env node
// Compiles the TypeScript of src/ and adapters/ (the generated Prisma clients included) to
// JavaScript in dist/, one .js file per .ts file at the same relative path, and copies the other
// files beside them (the dashboard's and the web chat's static assets) and prisma/ (schemas
// and migrations, found relative to the code). Run by `npm ci` (postinstall, after the clients
// are generated) and `npm run build`; takes about a second.
//
// esbuild rather than tsc: it is installed with the production dependencies (tsx runs on it),
// so `npm ci --omit=dev` and the Docker image can build without TypeScript, and it applies the
// same transform tsx applies in development and tests, so both run the same JavaScript. Type
// checking stays `npm run typecheck`. Each file is its own entry point with every import left
// external: nothing is bundled, only `./x.ts` specifiers become `./x.js`, so `import.meta.url`
// paths and lazy `import()` of an SDK behave exactly as they do from the sources.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { DIST, describeInput, INPUT_DIRS, listInputs, MANIFEST, ROOT } from './dist-manifest.mjs';

const started = performance.now();
const dist = join(ROOT, DIST);
// The manifest goes first and comes back last: an interrupted build is never taken as current.
rmSync(dist, { recursive: true, force: true });

const inputs = listInputs(ROOT);
// Described before compiling: a source saved during the build makes the result stale, not current.
const described = inputs.map((p) => describeInput(ROOT, p));
const code = inputs.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts') && !p.startsWith('prisma/'));
const assets = inputs.filter((p) => INPUT_DIRS.some((d) => p.startsWith(`${d}/`)) && !code.includes(p));

/** Relative `.ts` imports stay imports, of the `.js` file the same build writes. */
const relativeTsToJs = {
  name: 'relative-ts-to-js',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true },
    );
  },
};

/**
 * Prisma's generated client imports its query compiler as a 4.4 MB JavaScript module holding the
 * wasm in base64, which V8 keeps twice (the module's source and the string) for the life of the
 * process: ~8.5 MB of heap. The compiled client reads the same bytes from a .wasm file written
 * beside it instead. If the generated code ever stops matching, the file compiles unchanged.
 */
const WASM_BASE64_IMPORT =
  /const \{ wasm \} = await import\("(@prisma\/client\/runtime\/[^"]+\.wasm-base64\.mjs)"\)\s*return await decodeBase64AsWasm\(wasm\)/;
const WASM_FILE = 'query_compiler_bg.wasm';
const wasmFiles = [];
const prismaWasmFile = {
  name: 'prisma-wasm-file',
  setup(b) {
    b.onLoad(
      { filter: /[\\/]src[\\/]store[\\/]generated[\\/][^\\/]+[\\/]internal[\\/]class\.ts$/ },
      async (args) => {
        const text = readFileSync(args.path, 'utf8');
        const match = WASM_BASE64_IMPORT.exec(text);
        if (!match) {
          console.error(`build: ${relative(ROOT, args.path)} does not import a base64 wasm; left as it is`);
          return { contents: text, loader: 'ts' };
        }
        const { wasm } = await import(match[1]);
        const out = join(dist, relative(ROOT, dirname(args.path)), WASM_FILE);
        wasmFiles.push({ out, bytes: Buffer.from(wasm, 'base64') });
        const load = `return new WebAssembly.Module((await import('node:fs')).readFileSync(new URL('./${WASM_FILE}', import.meta.url)))`;
        return { contents: text.replace(match[0], load), loader: 'ts' };
      },
    );
  },
};

await build({
  absWorkingDir: ROOT,
  entryPoints: code,
  outdir: DIST,
  outbase: '.',
  bundle: true,
  packages: 'external',
  plugins: [relativeTsToJs, prismaWasmFile],
  platform: 'node',
  format: 'esm',
  target: 'node20',
  tsconfig: join(ROOT, 'tsconfig.json'),
  // Stack traces name dist/ lines; `NODE_OPTIONS=--enable-source-maps` maps them to the sources.
  sourcemap: 'linked',
  logLevel: 'warning',
});

for (const { out, bytes } of wasmFiles) writeFileSync(out, bytes);
for (const path of assets) {
  mkdirSync(dirname(join(dist, path)), { recursive: true });
  cpSync(join(ROOT, path), join(dist, path));
}

const manifest = { builtAt: new Date().toISOString(), inputs: described };
writeFileSync(join(dist, MANIFEST), `${JSON.stringify(manifest)}\n`);
const ms = Math.round(performance.now() - started);
console.error(`build: ${code.length} modules compiled, ${assets.length} files copied to dist/ in ${ms} ms`);
