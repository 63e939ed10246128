/**
 * Run in its own process by bench/memory.ts, so its RSS is leadbot's alone: opens the store on
 * a database holding `stored` conversations, keeps `active` conversations going through the
 * engine (start + 1 answer each, all left open), then prints its memory as JSON.
 */
import { join } from 'node:path';
import { loadFlowCatalog } from '../src/app/flow-files.ts';
import { createEngine } from '../src/core/engine.ts';
import { NO_LEAD_EVENTS } from '../src/core/webhooks/lead-events.ts';
import { openStore } from '../src/store/open-store.ts';
import { eventFor, ROOT, silent, strongProspect, systemClock } from './core.ts';
import { parallel } from './stats.ts';

const [url, activeArg] = process.argv.slice(2);
const active = Number(activeArg);
const store = await openStore(url!);
const flows = await loadFlowCatalog(join(ROOT, 'flows'));
const engine = createEngine({
  leadEvents: NO_LEAD_EVENTS,
  store,
  flows,
  clock: systemClock,
  logger: silent,
});
const script = (await strongProspect()).slice(0, 2);
await parallel(100, async (w) => {
  for (let i = w; i < active; i += 100)
    for (const body of script) await engine.handle(eventFor(body, `active-${i}`));
});
globalThis.gc?.();
const m = process.memoryUsage();
console.log(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }));
await store.close();
