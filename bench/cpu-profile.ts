/**
 * CPU profiles of one measured run, and their summary.
 *
 *   BENCH_CPU_PROFILE=/tmp/prof npm run bench -- --only telegram-inproc
 *       writes a `.cpuprofile` per measured run (`profiled` below), warm-up excluded — the same
 *       format as `node --cpu-prof`, so Chrome DevTools opens it too;
 *   npx tsx bench/cpu-profile.ts <file.cpuprofile> [top]
 *       prints self time by package / folder and the top functions.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Runs `fn` under the V8 profiler when BENCH_CPU_PROFILE names a folder; else just runs it. */
export async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** Where a frame's code lives: an npm package, a folder of ours, or V8/Node itself. */
function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node:';
  const ours = /\/(src\/[^/]+|adapters\/[^/]+|bench|test\/[^/]+)\//.exec(url);
  return ours ? ours[1]! : url;
}

/** Self time (ms) per area and per function of a profile. */
export function summarize(p: Profile, top = 25): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // Frames under node:inspector are the profiler stopping itself (serializing the profile).
  const profiler = new Set<number>();
  const mark = (id: number) => {
    profiler.add(id);
    for (const c of byId.get(id)?.children ?? []) mark(c);
  };
  for (const n of p.nodes) if (n.callFrame.url === 'node:inspector' && !profiler.has(n.id)) mark(n.id);
  const self = new Map<number, number>();
  for (const [i, id] of p.samples.entries()) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  const areas = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)' || profiler.has(id)) continue;
    total += us;
    const a = area(f.url, f.functionName);
    areas.set(a, (areas.get(a) ?? 0) + us);
    const k = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
    fns.set(k, (fns.get(k) ?? 0) + us);
  }
  const rows = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`,
      );
  return [
    `busy ${(total / 1000).toFixed(0)} ms`,
    '',
    'by area:',
    ...rows(areas),
    '',
    'by function:',
    ...rows(fns),
  ].join('\n');
}

if (process.argv[1]?.endsWith('cpu-profile.ts') && process.argv[2]) {
  const p = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile;
  console.log(summarize(p, Number(process.argv[3] ?? 25)));
}
