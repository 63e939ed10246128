/**
 * One anonymous client floods the web chat of a real `leadbot start` (SQLite, default limits)
 * for 8 s, as fast as 16 connections go, each request a new visitor answering the first
 * question (the cheapest way to make a lead). It must get 429s, create no more leads than its
 * budget, and leave `/healthz` answering for everyone else (p99 under 500 ms: the loop never
 * stalls, as it did when a flood froze the dashboard for seconds; the figure is printed, and a
 * tight bound on a 2-core machine running other test files belongs in a benchmark); then two
 * clients at once get a budget each. Clients get distinct source addresses by binding to 127.0.0.x (Linux loopback).
 */
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:http';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCli, startCli } from '../app/run-cli.ts';
import { FLOWS_DIR } from '../helpers/engine.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const PER_IP = 120; // RATE_LIMIT_CHAT_IP's default: 120/1m
const PER_VISITOR = 30; // RATE_LIMIT_CHAT_VISITOR's default: 30/1m
const db = tempSqliteUrl();
let bot: RunningCli;
let port: number;

beforeAll(async () => {
  bot = startCli(['start'], {
    DATABASE_URL: db.url,
    PORT: '0',
    FLOWS_DIR,
    DASHBOARD_TOKEN: 'flood-test-Dashboard-token-9xQ',
    LOG_LEVEL: 'info',
  });
  const ready = await bot.waitForLog('leadbot ready');
  port = Number(new URL(String(ready.http)).port);
}, 60_000);
afterAll(async () => {
  if (bot && bot.child.exitCode === null) {
    bot.child.kill('SIGTERM');
    await bot.exited;
  }
  db.cleanup();
});

const id = () => randomBytes(12).toString('hex');

function post(agent: Agent, from: string, body: unknown): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const r = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/chat/events',
        agent,
        localAddress: from,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers['retry-after'] ? { retryAfter: String(res.headers['retry-after']) } : {}),
          }),
        );
      },
    );
    r.on('error', reject);
    r.end(payload);
  });
}

/**
 * `connections` loops posting a new visitor's first answer from `from` until `ms` have passed,
 * or (with `untilRefused`) until that many 429s came back.
 */
async function flood(from: string, ms: number, connections = 16, untilRefused = Number.POSITIVE_INFINITY) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const counts = new Map<number, number>();
  let retryAfter: string | undefined;
  const end = Date.now() + ms;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (Date.now() < end && (counts.get(429) ?? 0) < untilRefused) {
        const res = await post(agent, from, {
          visitorId: id(),
          eventId: id(),
          kind: 'choice',
          stepId: 'need',
          values: ['evaluating'],
        });
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
        retryAfter ??= res.retryAfter;
      }
    }),
  );
  agent.destroy();
  return {
    ok: counts.get(200) ?? 0,
    limited: counts.get(429) ?? 0,
    other: [...counts.keys()].filter((s) => s !== 200 && s !== 429),
    retryAfter,
  };
}

/**
 * Polls `/healthz` from another address every 10 ms until told to stop; resolves with the
 * latencies in ms. It runs on a thread of its own so the flooding client's event loop (busy with
 * thousands of answers a second) does not delay the probe and inflate what is measured.
 */
function probeHealth(): { stop(): Promise<number[]> } {
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const { Agent, request } = require('node:http');
     const agent = new Agent({ keepAlive: true, maxSockets: 1 });
     const times = [];
     let running = true;
     parentPort.on('message', () => { running = false; });
     const once = () => new Promise((resolve, reject) => {
       const t = performance.now();
       request({ host: '127.0.0.1', port: workerData.port, path: '/healthz', agent, localAddress: '127.0.0.9' }, (res) => {
         res.resume();
         res.on('end', () => res.statusCode === 200 ? resolve(performance.now() - t) : reject(new Error('healthz ' + res.statusCode)));
       }).on('error', reject).end();
     });
     (async () => {
       while (running) {
         times.push(await once());
         await new Promise((r) => setTimeout(r, 10));
       }
       agent.destroy();
       parentPort.postMessage(times);
     })().catch((err) => { throw err; });`,
    { eval: true, workerData: { port } },
  );
  const result = new Promise<number[]>((resolve, reject) => {
    worker.once('message', (times: number[]) => resolve(times));
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const times = await result;
      await worker.terminate();
      return times;
    },
  };
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(xs.length * 0.99) - 1] ?? 0;

function leadCount(): number {
  const file = new Database(db.url.slice('file:'.length), { readonly: true });
  try {
    return (file.prepare('SELECT count(*) AS n FROM "Lead"').get() as { n: number }).n;
  } finally {
    file.close();
  }
}

const limitLines = (client: string) =>
  bot.logs.filter((l) => l.msg === 'rate limit reached' && l.client === client).length;

describe('a flood from one client', () => {
  it('gets 429s for 8 s, creates at most its budget of leads, and /healthz keeps answering', async () => {
    // A server that has served before (code paths compiled, database warm), as in production.
    const warm = new Agent({ keepAlive: true });
    for (const body of [
      { kind: 'command', name: 'start' },
      { kind: 'choice', stepId: 'need', values: ['evaluating'] },
    ])
      await post(warm, '127.0.0.8', { visitorId: 'warm-up-visitor', eventId: id(), ...body });
    warm.destroy();
    const before = leadCount();
    const health = probeHealth();
    const started = Date.now();
    const one = await flood('127.0.0.2', 8000);
    const latencies = await health.stop();
    const seconds = (Date.now() - started) / 1000;
    const leads = leadCount() - before;
    console.log(
      `[flood] one client, ${seconds.toFixed(1)} s, 16 connections: ${one.ok + one.limited} requests ` +
        `(${Math.round((one.ok + one.limited) / seconds)}/s), ${one.ok} accepted, ${one.limited} × 429 ` +
        `(Retry-After ${one.retryAfter} s), ${leads} leads created (budget ${PER_IP}/min); /healthz p99 ` +
        `${p99(latencies).toFixed(1)} ms over ${latencies.length} probes; ${limitLines('127.0.0.2')} log line`,
    );
    expect(one.other).toEqual([]);
    expect(one.limited).toBeGreaterThan(0);
    expect(one.ok).toBeLessThanOrEqual(PER_IP);
    expect(leads).toBeLessThanOrEqual(PER_IP);
    expect(Number(one.retryAfter)).toBeGreaterThan(0);
    expect(p99(latencies)).toBeLessThan(500);
    expect(limitLines('127.0.0.2')).toBe(1);
  }, 30_000);

  it('two clients flooding at once each get their own budget', async () => {
    const before = leadCount();
    // Each floods until it has been refused 50 times (at most 10 s): its budget is spent by then.
    const [a, b] = await Promise.all([flood('127.0.0.3', 10_000, 8, 50), flood('127.0.0.4', 10_000, 8, 50)]);
    const leads = leadCount() - before;
    console.log(
      `[flood] two clients at once: ${a.ok} and ${b.ok} accepted, ${a.limited} and ${b.limited} × 429, ${leads} new leads`,
    );
    expect([a.ok, b.ok]).toEqual([PER_IP, PER_IP]);
    expect(a.limited).toBeGreaterThan(0);
    expect(b.limited).toBeGreaterThan(0);
    expect(leads).toBe(2 * PER_IP);
  }, 30_000);

  it('one visitor id gets its own smaller budget, whatever the address', async () => {
    const visitorId = id();
    const agent = new Agent({ keepAlive: true });
    const statuses: number[] = [];
    for (let i = 0; i < PER_VISITOR + 5; i++) {
      // Opening the chat writes nothing, so this costs the database nothing either.
      const from = `127.0.0.${10 + (i % 5)}`;
      statuses.push(
        (await post(agent, from, { visitorId, eventId: id(), kind: 'command', name: 'start' })).status,
      );
    }
    agent.destroy();
    expect(statuses.filter((s) => s === 200)).toHaveLength(PER_VISITOR);
    expect(statuses.slice(PER_VISITOR)).toEqual(Array(5).fill(429));
  });
});
