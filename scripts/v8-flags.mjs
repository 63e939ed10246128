// V8 settings of a leadbot process, set before any JavaScript of the app runs: by
// bin/leadbot.js, and by bench/scale-data.ts, which measures in its own process what the server
// does. Node documents setting flags after start as unsupported in general; these two groups
// are read by V8 each time it uses them (compiling wasm, sizing the heap after a full GC).
import { setFlagsFromString } from 'node:v8';

export function applyV8Flags() {
  // Prisma's query compiler is a 3 MB WebAssembly module, run only when a query shape is first
  // seen (plans are cached; raw statements skip it). V8 compiles wasm with its baseline compiler
  // (Liftoff) and then again, in the background, with its optimizing one: ~50 MB of RSS kept for
  // good, and CPU taken from the start. The baseline code is enough here (an uncached query was
  // no slower). Set before any wasm is compiled; harmless to the JavaScript tiers.
  setFlagsFromString('--no-wasm-dynamic-tiering');
  setFlagsFromString('--no-wasm-tier-up');
  // After a full collection V8 lets the old generation grow to up to 4× what survived before
  // the next one. Reads that stream many short-lived rows (an export of 1M leads from
  // PostgreSQL, rows arriving over many socket reads) keep promoting pages that are garbage a
  // moment later, so the process grew by ~100 MB of dead heap before collecting it. At 1.5×
  // the same export peaks ~20-40 MB above where it started (docs/benchmarks.md, "Flat as data
  // grows"); the price is more frequent full collections of a ~30 MB heap, which CPU per web
  // request did not show (with and without it, alternating on a quiet machine: same figures
  // within the runs' spread; docs/benchmarks.md, "PostgreSQL at 1,000,000 leads, second pass").
  setFlagsFromString('--heap-growing-percent=50');
}
