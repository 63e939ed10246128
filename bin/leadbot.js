#!/usr/bin/env node
// The `leadbot` command. Production runs the JavaScript that `npm ci` (or `npm run build`)
// compiled into dist/, when dist/ was built from exactly the sources here: no TypeScript
// loader in the process, ~1 s and ~30 MB less. Otherwise (a checkout without a build, a source
// edited since, LEADBOT_FROM_SOURCE=1) the TypeScript sources run through tsx, as in
// development and tests.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { COMPILED_ENTRY, isDistCurrent, ROOT } from '../scripts/dist-manifest.mjs';

// Prisma's query compiler is a 3 MB WebAssembly module, run only when a query shape is first
// seen (plans are cached; raw statements skip it). V8 compiles wasm with its baseline compiler
// (Liftoff) and then again, in the background, with its optimizing one: ~50 MB of RSS kept for
// good, and CPU taken from the start. The baseline code is enough here (an uncached query was
// no slower). Set before any wasm is compiled; harmless to the JavaScript tiers.
setFlagsFromString('--no-wasm-dynamic-tiering');
setFlagsFromString('--no-wasm-tier-up');

if (process.env.LEADBOT_FROM_SOURCE !== '1' && isDistCurrent()) {
  await import(pathToFileURL(join(ROOT, COMPILED_ENTRY)).href);
} else {
  if (process.env.NODE_ENV === 'production' && process.env.LEADBOT_FROM_SOURCE !== '1') {
    // One line on stderr (stdout may be a command's output): production should not pay for tsx.
    process.stderr.write(
      'leadbot: dist/ is missing or older than the sources; running them through tsx — run npm run build\n',
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/app/cli.ts');
}
