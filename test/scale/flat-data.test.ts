/**
 * The paths of the 1,000,000-lead benchmark (`npm run bench -- --only scale-data`) at a size a
 * test can afford (20,000 generated leads), on SQLite and PostgreSQL: each gives the right
 * answer when read the flat way — the funnel, menus and totals from LeadTally, "Next" after the
 * last row, manager `leads` pages by cursor, `stats`, the scoring report, the export streamed
 * page by page (every lead exactly once) and `forget`, which the tally then counts. Times belong
 * to the benchmark: nothing here is timed.
 */
import { request } from 'node:http';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createHttpServer } from '../../src/app/http-server.ts';
import { mountDashboard } from '../../src/app/web/dashboard.ts';
import { leadsCsvLines } from '../../src/app/web/leads-page.ts';
import { type CommandArg, createManagerCommands } from '../../src/core/commands/index.ts';
import { createMemoryOutreachStore } from '../../src/core/memory/memory-outreach.ts';
import { createContactPolicy } from '../../src/core/outreach/contact-policy.ts';
import { defaultOutreachSettings } from '../../src/core/outreach/settings.ts';
import { tableCursor } from '../../src/core/reporting.ts';
import { buildScoringReportFromTallies } from '../../src/core/scoring-report.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import {
  createdAt,
  expectedFigures,
  insertBulkLeads,
  ownerOf,
  pathOf,
  platformOf,
} from '../helpers/bulk-leads.ts';
import { createTestClock, silentLogger } from '../helpers/engine.ts';
import { testLimits } from '../helpers/limits.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const N = 20_000;
const TOKEN = 'flat-data-test-dashboard-token-0123456789';
const logger = pino({ level: 'silent' });
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const idOf = (i: number) => `bulk-${1_000_000 + i}`;
const text = (value: string): CommandArg => ({ kind: 'text', value });

async function open(name: 'sqlite' | 'postgres'): Promise<string | null> {
  if (name === 'sqlite') {
    const db = tempSqliteUrl();
    cleanups.push(() => db.cleanup());
    return db.url;
  }
  const db = await createTestDatabase();
  if (!db) return null;
  cleanups.push(() => db.drop());
  return db.url;
}

describe.each(['sqlite', 'postgres'] as const)('flat reads on %s', (name) => {
  it('answers every benchmarked path right at 20,000 leads', async () => {
    const url = await open(name);
    if (!url) return;
    await migrateDatabase(url, { logger });
    const base = new Date(Date.now() - 60_000);
    await insertBulkLeads(url, N, base);
    const store = await openStore(url, { logger });
    cleanups.push(() => store.close());
    const http = createHttpServer({ logger: silentLogger, health: async () => ({ ok: true }) });
    mountDashboard(http, { store, token: TOKEN, logger: silentLogger, limits: testLimits().login });
    const { port } = await http.listen(0, '127.0.0.1');
    cleanups.push(() => http.close());
    // A connection per request: minutes of work between two requests outlast the server's
    // keep-alive, and a reused socket closed by it would fail the test for nothing.
    const get = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, path, agent: false, headers: { authorization: `Bearer ${TOKEN}` } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              if (res.statusCode === 200) resolve(Buffer.concat(chunks).toString('utf8'));
              else reject(new Error(`${path}: HTTP ${res.statusCode}`));
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end();
      });
    const clock = createTestClock();
    const outreach = createMemoryOutreachStore();
    const commands = createManagerCommands({
      store,
      leadEvents: NO_LEAD_EVENTS,
      outreach,
      contactPolicy: createContactPolicy({ store, outreach, clock, settings: defaultOutreachSettings() }),
      clock,
      permissions: { isManager: async () => true },
    });
    const command = (sub: string, args: CommandArg[] = []) =>
      commands.run(
        { sub, args },
        {
          platform: 'slack',
          workspaceId: 'T1',
          channelId: 'C1',
          userId: 'UMGR',
          isDirect: true,
          memberKey: (u) => ({ platform: 'slack', workspaceId: 'T1', userId: u }),
        },
      );
    const expected = expectedFigures(N, base);

    // Overview: the funnel from the tally.
    const overview = await get('/dashboard');
    for (const [id, value] of Object.entries(expected.funnel).filter(([k]) => k !== 'disqualified'))
      expect(overview).toContain(`data-testid="${id}">${value}<`);

    // Leads filtered by stage and platform: the total, and page 3's rows.
    const sqlSlack = [...Array(N).keys()].filter(
      (i) => pathOf(i).stage === 'SQL' && platformOf(i) === 'slack',
    );
    const filtered = await get('/dashboard/leads?stage=SQL&platform=slack&page=3');
    expect(filtered).toContain(`${sqlSlack.length} leads`);
    const shownIds = (html: string) =>
      [...html.matchAll(/<a href="\/dashboard\/lead\?id=([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
    expect(shownIds(filtered)).toEqual(sqlSlack.slice(50, 75).map(idOf));

    // "Next" deep in the list: after lead 9,999 come leads 10,000… (lead i is the (i+1)-th newest).
    const last = { createdAt: createdAt(base, 9_999), id: idOf(9_999) };
    const next = await get(`/dashboard/leads?page=401&after=${encodeURIComponent(tableCursor(last))}`);
    expect(shownIds(next)).toEqual([...Array(25).keys()].map((k) => idOf(10_000 + k)));
    // …and the page links it renders keep going from its own last row.
    expect(next).toContain(
      `after=${encodeURIComponent(tableCursor({ ...last, id: idOf(10_024), createdAt: createdAt(base, 10_024) }))}`,
    );

    // Manager `leads SQL @UREP1 slack`, following the cursor to the end: every match once.
    const mine = [...Array(N).keys()].filter(
      (i) => pathOf(i).stage === 'SQL' && ownerOf(i) === 'slack:UREP1' && platformOf(i) === 'slack',
    );
    const args = [text('SQL'), { kind: 'member', userId: 'UREP1' } as CommandArg, text('slack')];
    let listed = 0;
    let reply = await command('leads', args);
    for (;;) {
      listed += reply.text.split('\n').filter((l) => !l.startsWith('More:')).length;
      const cursor = /page:(\S+)/.exec(reply.text)?.[1];
      if (!cursor) break;
      reply = await command('leads', [...args, text(`page:${cursor}`)]);
    }
    expect(listed).toBe(mine.length);

    // `stats` and the scoring report.
    const p = expected.perStage;
    expect((await command('stats')).text).toContain(
      `Per stage: cold ${p.cold} · MQL ${p.MQL} · SQL ${p.SQL} · disqualified ${p.disqualified}`,
    );
    const report = buildScoringReportFromTallies(await store.reporting.scoringTallies());
    expect(report.total.sqls).toBe(expected.sqls);

    // Export: streamed page by page, every lead once, newest first.
    const exported = await command('export');
    let lines = 0;
    let first = '';
    const seen = new Set<string>();
    for await (const chunk of exported.file!.chunks())
      for (const line of chunk.split('\r\n').filter(Boolean)) {
        if (lines++ === 1) first = line;
        seen.add(line.split(',')[0]!);
      }
    expect(lines).toBe(N + 1); // with the header
    expect(seen.size).toBe(N + 1);
    expect(first.startsWith(`${idOf(0)},`)).toBe(true);
    const csv = await get('/dashboard/leads.csv');
    const csvLines = csv.trim().split('\r\n');
    expect(csvLines).toHaveLength(N + 1);
    // Rows read raw in pages render as the lead read through the store does.
    for (const i of [0, 13, 19_999])
      expect(csvLines[i + 1]).toBe(leadsCsvLines([(await store.getLead(idOf(i)))!]).trim());

    // Forget one SQL lead: gone, and the tally-read funnel counts one lead and one SQL fewer.
    const victim = sqlSlack[0]!;
    expect((await command('forget', [text(idOf(victim))])).text).toContain('was erased');
    expect(await store.getLead(idOf(victim))).toBeNull();
    const after = await get('/dashboard');
    expect(after).toContain(`data-testid="leads">${N - 1}<`);
    expect(after).toContain(`data-testid="sql">${expected.funnel.sql - 1}<`);
  });
});
