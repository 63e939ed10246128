#!/usr/bin/env node
// The `leadbot` command. Production runs the JavaScript that `npm ci` (or `npm run build`)
// compiled into dist/, when dist/ was built from exactly the sources here: no TypeScript
// loader in the process, ~1 s and ~30 MB less. Otherwise (a checkout without a build, a source
// edited since, LEADBOT_FROM_SOURCE=1) the TypeScript sources run through tsx, as in
// development and tests.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { COMPILED_ENTRY, isDistCurrent, ROOT } from '../scripts/dist-manifest.mjs';
import { applyV8Flags } from '../scripts/v8-flags.mjs';

// Wasm tiers and heap growth (scripts/v8-flags.mjs): before any of the app is loaded.
applyV8Flags();

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
