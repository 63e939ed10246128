/**
 * Proof that `forget` leaves nothing about a person, on SQLite and PostgreSQL: a person
 * qualifies through the real engine (answers, score, stage changes, SQL alert in the outbox),
 * gets a note, a linked second account, outreach rows, a link code, a schedule, a rep
 * verdict and a handoff with its transcript (a rep's reply, the person's answer); after `forgetPerson`, EVERY table of the database (listed by the database itself,
 * and checked to cover every model of the generated Prisma client) is read whole and no row
 * may mention the lead id, either account's user id, the email or the phone.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { transcriptEvent } from '../../src/app/transcripts.ts';
import { forgetPerson } from '../../src/core/commands/forget.ts';
import { relayRepMessage } from '../../src/core/handoff/relay-rep-message.ts';
import { SALES_ALERT } from '../../src/core/lead-lifecycle.ts';
import { unsubscribeLead } from '../../src/core/nurture/unsubscribe.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { Prisma } from '../../src/store/generated/sqlite/client.ts';
import { migrateDatabase } from '../../src/store/migrate.ts';
import { openStore } from '../../src/store/open-store.ts';
import { createTestEngine } from '../helpers/engine.ts';
import { createTestDatabase } from '../helpers/postgres.ts';
import { tempSqliteUrl } from '../helpers/sqlite.ts';

const logger = pino({ level: 'silent' });

const SLACK = { platform: 'slack' as const, workspaceId: 'T0FORGET', userId: 'U0FORGETME1' };
const TELEGRAM = { platform: 'telegram' as const, workspaceId: '', userId: '998877665544' };
const EMAIL = 'jane.forget@acme-proof.example';
const PHONE = '+33 6 12 34 56 78';
// Who the person is on their platforms: names, handles, the link that reaches them.
const DISPLAY_NAME = 'Jane Forgetmenot';
const HANDLE = 'jane_forget_tg';
const GROUP = 'Forgetful Users Group';
// What the person told a rep in a handoff (the transcript).
const SAID_TO_REP = 'my private number is in the card';

// The strong prospect of flows/transcripts/strong-prospect.yaml, with the proof's email.
const STEPS = [
  { command: 'start', args: ['spring-campaign'] },
  { choose: ['evaluating'] },
  { say: 'Acme Proof Corp' },
  { say: '1' },
  { say: 'about 80 people' },
  { choose: ['approved'] },
  { say: 'this month' },
  { say: EMAIL },
  { say: 'yes' },
  { say: 'no' },
];

/** Every row of every table, one JSON text per row, named by table. */
type Dump = Map<string, string[]>;

async function dumpSqlite(path: string): Promise<Dump> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .all() as { name: string }[];
    return new Map(
      tables.map((t) => [
        t.name,
        (db.prepare(`SELECT * FROM "${t.name}"`).all() as object[]).map((r) => JSON.stringify(r)),
      ]),
    );
  } finally {
    db.close();
  }
}

async function dumpPostgres(url: string): Promise<Dump> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    const dump: Dump = new Map();
    for (const { table_name } of rows) {
      const all = await client.query(`SELECT * FROM "${table_name}"`);
      dump.set(
        table_name,
        all.rows.map((r) => JSON.stringify(r)),
      );
    }
    return dump;
  } finally {
    await client.end();
  }
}

const NEEDLES = (leadId: string) => [
  leadId,
  SLACK.userId,
  TELEGRAM.userId,
  EMAIL,
  PHONE,
  DISPLAY_NAME,
  HANDLE,
  GROUP,
  SAID_TO_REP,
];

/** `table: needle` for every row that mentions one of the needles. */
function mentions(dump: Dump, needles: string[]): string[] {
  const found: string[] = [];
  for (const [table, rows] of dump)
    for (const row of rows) for (const n of needles) if (row.includes(n)) found.push(`${table}: ${n}`);
  return [...new Set(found)];
}

/** Qualifies the person and attaches everything a store can hold about them. */
async function qualifyEverywhere(store: LeadStore): Promise<string> {
  const { engine } = await createTestEngine({ store });
  let lastStepId: string | undefined;
  for (const [n, step] of STEPS.entries()) {
    // Platform event ids carry no user id (Slack Ev…, Discord snowflakes, Telegram update ids).
    const origin = {
      ...SLACK,
      channelId: 'D0FORGET',
      isDirect: true,
      eventId: `Ev0PROOF${n}`,
      displayName: DISPLAY_NAME,
      username: 'jane.forget',
      workspaceName: GROUP,
    };
    const out = await engine.handle(transcriptEvent(step, origin, lastStepId));
    for (const m of out) if (m.kind === 'question' && m.stepId) lastStepId = m.stepId;
  }
  const identity = await store.findIdentity(SLACK);
  const leadId = identity!.leadId;
  const lead = await store.updateLead(leadId, { phone: PHONE });
  expect(lead.stage).toBe('SQL');
  expect((await store.outbox.list()).some((o) => o.leadId === leadId)).toBe(true);
  expect(await store.findIdentity(SLACK)).toMatchObject({ displayName: DISPLAY_NAME });
  await store.addIdentity(leadId, {
    ...TELEGRAM,
    username: HANDLE,
    displayName: DISPLAY_NAME,
    profileUrl: `https://t.me/${HANDLE}`,
    chatId: TELEGRAM.userId,
  });
  await store.addNote({ leadId, author: 'slack:U0MGR', text: `call ${PHONE}` });
  const outreach = store.outreach!;
  const keys = [`lead:${leadId}`, 'slack:T0FORGET:U0FORGETME1', 'telegram::998877665544'];
  const at = new Date('2026-01-05T09:30:00Z');
  await outreach.recordContact({ persons: keys, kind: 'invite', platform: 'slack', channelId: 'C0X', at });
  await outreach.setOptOut(keys[2]!, at);
  await outreach.saveLinkCode({ code: 'PRF23456', leadId, expiresAt: new Date('2026-01-05T10:00:00Z') });
  await store.schedules?.plan({
    key: `nurture:${leadId}:0`,
    leadId,
    kind: 'nurture',
    platform: 'telegram',
    workspaceId: '',
    channelId: TELEGRAM.userId,
    sequence: 0,
    dueAt: new Date('2026-01-08T09:00:00Z'),
  });
  // A sent email follow-up (its record names the lead) and the opt-out its unsubscribe link wrote.
  await store.schedules?.plan({
    key: `nurture:${leadId}:email`,
    leadId,
    kind: 'nurture',
    channel: 'email',
    platform: 'slack',
    workspaceId: SLACK.workspaceId,
    channelId: 'D0FORGET',
    sequence: 1,
    dueAt: new Date('2026-01-06T09:00:00Z'),
  });
  const due = new Date('2026-01-06T09:00:00Z');
  const [emailRow] = (
    await store.schedules!.claim({ workerId: 'w', limit: 5, now: due, leaseMs: 60_000 })
  ).filter((r) => r.channel === 'email');
  await store.schedules!.finish(emailRow!.id, 'w', 'sent', 'sent', due, 'email');
  await unsubscribeLead({ outreach, schedules: store.schedules!, clock: { now: () => due } }, leadId);
  await store.verdicts?.record({ leadId, verdict: 'claimed', actor: 'slack:U0REP', reason: null });
  // A rep talks with the person from the alert's thread: a handoff and its transcript.
  const later = new Date('2031-01-01T00:00:00Z'); // rows are due at the real time they were written
  const [alert] = await store.outbox.claim({
    workerId: 'w',
    limit: 1,
    now: later,
    leaseMs: 1,
    kinds: [SALES_ALERT],
  });
  await store.outbox.markDelivered(alert!.id, 'w', '1700000000.000100', later);
  await store.updateLead(leadId, { ownerId: 'slack:U0REP' });
  const relayed = await relayRepMessage(
    { store, leadEvents: NO_LEAD_EVENTS, clock: { now: () => due } },
    {
      alert: { sink: 'slack', externalRef: '1700000000.000100' },
      rep: 'slack:U0REP',
      repName: 'Rep',
      text: `Hi ${DISPLAY_NAME}`,
      event: { platform: 'slack', eventId: 'Ev0PROOFREPLY' },
    },
  );
  expect(relayed.outcome).toBe('relayed');
  const origin = { ...SLACK, channelId: 'D0FORGET', isDirect: true, eventId: 'Ev0PROOFSAID' };
  expect(await engine.handle({ ...origin, kind: 'message', text: SAID_TO_REP })).toEqual([]);
  return leadId;
}

async function proveForget(store: LeadStore, dump: () => Promise<Dump>): Promise<void> {
  const leadId = await qualifyEverywhere(store);
  const before = await dump();
  // The scan covers every model of the schema (a new table cannot be missed).
  expect([...before.keys()]).toEqual(expect.arrayContaining(Object.values(Prisma.ModelName)));
  // It can fail: before forget the person is all over the database.
  const seen = mentions(before, NEEDLES(leadId));
  for (const table of [
    'Lead',
    'Identity',
    'Answer',
    'StageChange',
    'OutboxMessage',
    'Note',
    'OutreachContact',
    'Handoff',
    'TranscriptMessage',
  ])
    expect(seen.some((s) => s.startsWith(`${table}:`))).toBe(true);
  if (store.schedules) expect(seen.some((s) => s.startsWith('ScheduledMessage:'))).toBe(true);
  // Names, handles and named sources are stored where the lead card and alerts read them.
  expect(seen).toEqual(
    expect.arrayContaining([`Identity: ${DISPLAY_NAME}`, `Identity: ${HANDLE}`, `Lead: ${GROUP}`]),
  );
  expect((await store.schedules!.listForLead(leadId)).some((r) => r.sentVia === 'email')).toBe(true);
  expect(await store.outreach!.isOptedOut([`lead:${leadId}`])).toBe(true);

  expect(await forgetPerson({ store, outreach: store.outreach!, leadEvents: NO_LEAD_EVENTS }, TELEGRAM)).toBe(
    true,
  );

  const after = await dump();
  expect(mentions(after, NEEDLES(leadId))).toEqual([]);
  // Not an empty database: the flow snapshot and processed event ids (no personal data) stay.
  expect(after.get('FlowVersion')?.length).toBeGreaterThan(0);
}

describe('forget leaves no row about the person', () => {
  it('on SQLite', async () => {
    const db = tempSqliteUrl();
    try {
      await migrateDatabase(db.url, { logger });
      const store = await openStore(db.url, { logger });
      try {
        expect(store.schedules).toBeDefined();
        await proveForget(store, () => dumpSqlite(db.url.slice('file:'.length)));
      } finally {
        await store.close();
      }
    } finally {
      db.cleanup();
    }
  });

  it('on PostgreSQL', async () => {
    const db = await createTestDatabase();
    if (!db) return;
    try {
      await migrateDatabase(db.url, { logger });
      const store = await openStore(db.url, { logger });
      try {
        await proveForget(store, () => dumpPostgres(db.url));
      } finally {
        await store.close();
      }
    } finally {
      await db.drop();
    }
  });
});
