/**
 * CPU per request on both sides of the wire: web chat conversations of the default flow
 * (strong-prospect transcript) against one real `leadbot start`, 50 at once, and the CPU time
 * (user + system, from /proc) of the bot's process and of every PostgreSQL backend serving the
 * bench's database, divided by the requests. Backends are found in `pg_stat_activity` by
 * database name, so other databases' work on the same server is not counted.
 */
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { startFakeSlackApi } from '../test/fakes/slack-api.ts';
import {
  loadScripts,
  mapConcurrent,
  postUntilAcknowledged,
  randomId,
  startBot,
  stopBot,
} from '../test/scale/cluster.ts';
import { freshDatabase, type Provider } from './databases.ts';
import { driveConversations } from './scale.ts';

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux everywhere in practice). */
const TICKS_PER_SECOND = 100;

export interface WireCost {
  provider: Provider;
  requests: number;
  perSecond: number;
  /** CPU µs per request of the bot process (its threads and children included). */
  botUsPerRequest: number;
  /** CPU µs per request of the PostgreSQL backends of the bench's database (0 on SQLite). */
  databaseUsPerRequest: number;
}

/** utime + stime of a process in µs, or 0 when it is gone. */
function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** A process and its descendants (the launcher may run the bot in a child). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i]!;
    try {
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        if (children) out.push(...children.split(' ').map(Number));
      }
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const treeMicros = (pid: number) => processTree(pid).reduce((sum, p) => sum + cpuMicros(p), 0);

async function backendPids(admin: pg.Client, database: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
    [database],
  );
  return rows.map((r) => r.pid);
}

export async function wireCost(provider: Provider, conversations = 300, concurrency = 50): Promise<WireCost> {
  const db = await freshDatabase(provider);
  const slack = await startFakeSlackApi();
  const bot = await startBot(db.url, slack);
  const admin =
    provider === 'postgres'
      ? new pg.Client({ connectionString: db.url.replace(/\/[^/?]+(\?|$)/, '/postgres$1') })
      : null;
  await admin?.connect();
  const database = provider === 'postgres' ? new URL(db.url).pathname.slice(1) : '';
  try {
    const strong = (await loadScripts()).find((s) => s.name === 'strong-prospect')!;
    const base = () => bot.base;
    // Warm-up, not measured: JIT, the flow snapshot, the connection pool.
    await mapConcurrent(
      Array.from({ length: concurrency }, (_, i) => `w${i}_${randomId()}`),
      concurrency,
      async (v) => {
        for (const body of strong.requests) await postUntilAcknowledged(base, v, body);
      },
    );
    const pid = bot.cli.child.pid!;
    const before = admin ? await backendPids(admin, database) : [];
    const backendsBefore = new Map(before.map((p) => [p, cpuMicros(p)]));
    const botBefore = treeMicros(pid);
    const { requests, seconds } = await driveConversations(base, strong.requests, conversations, concurrency);
    const botUs = treeMicros(pid) - botBefore;
    let databaseUs = 0;
    if (admin) {
      // A backend that connected during the run counts whole (it did nothing else).
      for (const p of await backendPids(admin, database))
        databaseUs += cpuMicros(p) - (backendsBefore.get(p) ?? 0);
    }
    return {
      provider,
      requests,
      perSecond: requests / seconds,
      botUsPerRequest: botUs / requests,
      databaseUsPerRequest: databaseUs / requests,
    };
  } finally {
    await admin?.end();
    await stopBot(bot);
    await slack.close();
    await db.drop();
  }
}
