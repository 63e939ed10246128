/** The tables `npm run bench` prints and writes into docs/benchmarks.md. */
import { SCALE_OPS } from './scale-data.ts';
import { round } from './stats.ts';

export type Figures = Record<string, number>;

/** The figures of a run as the markdown tables of docs/benchmarks.md. */
export function table(
  f: Figures,
  { openPeople, openRate, runtimeStarts }: { openPeople: number; openRate: number; runtimeStarts: number },
): string {
  const n = (k: string, d = 0) => (f[k] === undefined ? '–' : String(round(f[k]!, d)));
  const rows: string[] = [];
  if (f['core.sqlite.c1.engine.perSecond'] !== undefined) {
    rows.push('### Core in process (default flow, strong-prospect transcript)', '');
    rows.push(
      '| store | concurrent | engine msg/s | p50 ms | p99 ms | statements/msg | floor msg/s | floor p99 ms | engine/floor |',
    );
    rows.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const p of ['sqlite', 'postgres'])
      for (const c of [1, 100, 1000]) {
        const k = `core.${p}.c${c}`;
        rows.push(
          `| ${p} | ${c} | ${n(`${k}.engine.perSecond`)} | ${n(`${k}.engine.p50Ms`, 1)} | ${n(`${k}.engine.p99Ms`, 1)} | ${n(`${k}.engine.statementsPerMessage`, 2)} | ${n(`${k}.floor.perSecond`)} | ${n(`${k}.floor.p99Ms`, 1)} | ${n(`${k}.ratioToFloor`, 2)}× |`,
        );
      }
    rows.push('');
    rows.push(
      `### Latency at a given traffic (open loop: ${openPeople.toLocaleString('en')} conversations in progress, ${openRate.toLocaleString('en')} messages/s arriving)`,
      '',
    );
    rows.push('| store | messages/s served | p50 ms | p99 ms |', '|---|---:|---:|---:|');
    for (const p of ['sqlite', 'postgres'])
      rows.push(
        `| ${p} | ${n(`core.${p}.open.perSecond`)} | ${n(`core.${p}.open.p50Ms`, 1)} | ${n(`core.${p}.open.p99Ms`, 1)} |`,
      );
    rows.push('');
  }
  if (f['telegram.q8.ratio'] !== undefined) {
    rows.push('### Through grammY (webhook → fake Bot API), leadbot vs grammY + conversations plugin', '');
    rows.push(
      '| questions | leadbot updates/s | leadbot p99 ms | peer updates/s | peer p99 ms | leadbot/peer |',
    );
    rows.push('|---:|---:|---:|---:|---:|---:|');
    for (const q of [8, 30])
      rows.push(
        `| ${q} | ${n(`telegram.q${q}.leadbot.perSecond`)} | ${n(`telegram.q${q}.leadbot.p99Ms`)} | ${n(`telegram.q${q}.peer.perSecond`)} | ${n(`telegram.q${q}.peer.p99Ms`)} | ${n(`telegram.q${q}.ratio`, 2)}× |`,
      );
    rows.push('');
  }
  if (f['telegramInproc.q8.cpuRatio'] !== undefined) {
    rows.push(
      '### Telegram in process (handleUpdate, Bot API answered in process, 100 chats at once)',
      '',
      '| questions | leadbot updates/s | leadbot CPU µs/update | p50 / p99 ms | statements/update | peer updates/s | peer CPU µs/update | p50 / p99 ms | CPU leadbot ÷ peer | leadbot without community services, CPU µs |',
      '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    );
    for (const q of [8, 30]) {
      const k = (s: string, d = 0) => n(`telegramInproc.q${q}.${s}`, d);
      rows.push(
        `| ${q} | ${k('leadbot.perSecond')} | ${k('leadbot.cpuUs')} | ${k('leadbot.p50Ms', 1)} / ${k('leadbot.p99Ms', 1)} | ${k('leadbot.statements', 2)} | ${k('peer.perSecond')} | ${k('peer.cpuUs')} | ${k('peer.p50Ms', 1)} / ${k('peer.p99Ms', 1)} | ${k('cpuRatio', 2)} | ${f[`telegramInproc.q${q}.bare.cpuUs`] === undefined ? '–' : `${k('bare.cpuUs')} (${k('bare.statements', 2)} statements)`} |`,
      );
    }
    rows.push('');
  }
  if (f['telegramPolling.q8.ratio'] !== undefined) {
    rows.push(
      '### Telegram long polling (fake Bot API, both with @grammyjs/runner, 100 chats, 8 questions)',
      '',
    );
    rows.push(
      '| leadbot updates/s | leadbot p99 ms | peer updates/s | peer p99 ms | leadbot/peer | process CPU µs/update, leadbot / peer (ratio) |',
    );
    rows.push('|---:|---:|---:|---:|---:|---:|');
    const k = (s: string, d = 0) => n(`telegramPolling.q8.${s}`, d);
    rows.push(
      `| ${k('leadbot.perSecond')} | ${k('leadbot.p99Ms')} | ${k('peer.perSecond')} | ${k('peer.p99Ms')} | ${k('ratio', 2)}× | ${k('leadbot.cpuUs')} / ${k('peer.cpuUs')} (${k('cpuRatio', 2)}) |`,
      '',
    );
  }
  if (f['scaleData.sqlite.leads'] !== undefined || f['scaleData.postgres.leads'] !== undefined) {
    const leads = f['scaleData.sqlite.leads'] ?? f['scaleData.postgres.leads']!;
    rows.push(`### Flat as data grows: ${leads.toLocaleString('en')} stored leads`, '');
    rows.push(
      '| operation | SQLite ms | SQLite +RSS MB | SQLite loop max ms | PostgreSQL ms | PostgreSQL +RSS MB | PostgreSQL loop max ms |',
      '|---|---:|---:|---:|---:|---:|---:|',
    );
    for (const [op, label] of Object.entries(SCALE_OPS)) {
      const k = (p: string, m: string) => `scaleData.${p}.${op}.${m}`;
      rows.push(
        `| ${label} | ${n(k('sqlite', 'ms'))} | ${n(k('sqlite', 'rssIncreaseMb'))} | ${n(k('sqlite', 'loopMaxMs'), 1)} | ${n(k('postgres', 'ms'))} | ${n(k('postgres', 'rssIncreaseMb'))} | ${n(k('postgres', 'loopMaxMs'), 1)} |`,
      );
    }
    rows.push(
      '',
      `Generated in ${n('scaleData.sqlite.generateSeconds')} s (SQLite) and ${n('scaleData.postgres.generateSeconds')} s (PostgreSQL). Times are medians of 3 runs (exports: one run); +RSS is the process's peak RSS during the operation minus its RSS just before; loop max is the longest event-loop block.`,
      '',
    );
  }
  const other: string[] = [];
  if (f['alerts.p50Ms'] !== undefined)
    other.push(
      `| alert latency (SQL commit → Slack post) | p50 ${n('alerts.p50Ms')} ms, p99 ${n('alerts.p99Ms')} ms |`,
    );
  if (f['runtime.readyMs'] !== undefined) {
    other.push(
      `| time to ready (\`leadbot start\` → \`/readyz\` 200; SQLite, migrated, no platform) | ${n('runtime.readyMs')} ms (median of ${runtimeStarts}) |`,
    );
    for (const [p, label] of [
      ['none', 'idle, no platform'],
      ['telegram', 'Telegram on (long polling, fake Bot API)'],
      ['slack', 'Slack on (fake Web API)'],
      ['discord', 'Discord on (fake gateway)'],
    ] as const)
      other.push(
        `| RSS ${label} | ${n(`runtime.${p}.idleRssMb`)} MB idle (${n(`runtime.${p}.readyRssMb`)} MB when ready) |`,
      );
  }
  if (f['memory.loaded.rssMb'] !== undefined)
    other.push(
      `| RSS, 100k stored + 1,000 active (SQLite, web chat) | ${n('memory.loaded.rssMb')} MB after the traffic, ${n('memory.loaded.idleRssMb')} MB idle |`,
    );
  if (f['scale.ratio'] !== undefined)
    other.push(
      `| 2 processes vs 1 on PostgreSQL (web chat) | ${n('scale.two.perSecond')} vs ${n('scale.one.perSecond')} req/s = ${n('scale.ratio', 2)}× |`,
    );
  if (f['wire.sqlite.botUs'] !== undefined)
    other.push(
      `| web chat CPU µs per request (50 at once): bot on SQLite / bot on PostgreSQL / PostgreSQL backends | ${n('wire.sqlite.botUs')} / ${n('wire.postgres.botUs')} / ${n('wire.postgres.databaseUs')} µs |`,
    );
  if (other.length) rows.push('### Other figures', '', '| figure | value |', '|---|---|', ...other, '');
  return rows.join('\n');
}
