/**
 * Odd text a person can type — NUL, lone surrogates, bidi overrides, zero-width-only text,
 * 2,000 emoji, huge text, markup, mass mentions — answered to the default flow's company step
 * through the web chat (real HTTP server) and through Telegram (real grammY against the fake
 * Bot API), on SQLite and on PostgreSQL. No request may get a 5xx, every answer must be
 * stored, everything stored must be valid UTF-8 without NUL or bidi controls (read below
 * Prisma), and an answer with nothing visible must be asked again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { WebMessage } from '../../adapters/web/outbound.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { person, startHarness } from '../adapters/telegram/harness.ts';
import { createTestEngine, silentLogger } from '../helpers/engine.ts';
import { badTexts, storedTexts } from '../helpers/stored-text.ts';
import { type OpenedStore, storeBackends } from '../helpers/stores.ts';
import { newId, startWebHarness } from '../web/harness.ts';

const RETRY = "Please type your company's name";
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

interface Case {
  name: string;
  text: string;
  /** The raw text the answer row must hold. */
  raw: string;
  accepted: boolean;
  /** Telegram only (the web chat takes at most 2,000 characters). */
  telegramOnly?: boolean;
}

const emoji2000 = '😀'.repeat(2000);
const hugeTelegram = `a${'😀'.repeat(60_000)}`; // cut at 10,000 UTF-16 units: never half an emoji
const atWebLimit = `${'x'.repeat(1999)}😀`;

const CASES: Case[] = [
  { name: 'NUL', text: 'Ac\u0000me', raw: 'Acme', accepted: true },
  { name: 'lone high surrogate', text: '\ud800abc', raw: '\ufffdabc', accepted: true },
  { name: 'lone low surrogate', text: 'Acme\udc00', raw: 'Acme\ufffd', accepted: true },
  { name: 'bidi override', text: '\u202egnp.exe Corp', raw: 'gnp.exe Corp', accepted: true },
  { name: 'bidi isolates', text: '\u2066Acme\u2069 \u202bInc\u202c', raw: 'Acme Inc', accepted: true },
  { name: 'zero-width only', text: '\u200b\u200c\u200d\u2060\ufeff\u200b', raw: '', accepted: false },
  { name: 'variation selectors only', text: '\ufe0f\ufe0f\ufe0f', raw: '', accepted: false },
  { name: 'controls and CRLF', text: 'Acme\r\nCorp\u0007\u001b', raw: 'Acme\nCorp', accepted: true },
  { name: '2,000 emoji', text: emoji2000, raw: emoji2000, accepted: false },
  { name: 'text at the web limit', text: atWebLimit, raw: atWebLimit, accepted: false },
  {
    name: 'huge text',
    text: hugeTelegram,
    raw: hugeTelegram.slice(0, 9_999),
    accepted: false,
    telegramOnly: true,
  },
  {
    name: 'markup',
    text: '<script>alert(1)</script><b>Acme</b> **x** [y](javascript:alert(1))',
    raw: '<script>alert(1)</script><b>Acme</b> **x** [y](javascript:alert(1))',
    accepted: true,
  },
  {
    name: 'mass mentions',
    text: '@everyone @here <!channel> <@U024BE7LH>',
    raw: '@everyone @here <!channel> <@U024BE7LH>',
    accepted: true,
  },
];

const opened: OpenedStore[] = [];
afterAll(async () => {
  for (const o of opened) await o.cleanup();
});

/** Where one answer ended up: the company answers of the person's conversation and the lead. */
async function storedAnswer(store: LeadStore, platform: 'web' | 'telegram', userId: string) {
  const identity = await store.findIdentity({ platform, workspaceId: '', userId });
  if (!identity) return null;
  const [conv] = await store.listConversations(identity.leadId);
  const answers = conv ? await store.listAnswers(conv.id) : [];
  return {
    lead: await store.getLead(identity.leadId),
    company: answers.filter((a) => a.stepId === 'company'),
    step: conv?.currentStep,
  };
}

/** Checks what the database holds after a channel's run, and prints the figures. */
async function verifyDatabase(
  label: string,
  url: string,
  results: { status: number; stored: boolean; askedAgain: boolean }[],
) {
  const texts = await storedTexts(url);
  const fivexx = results.filter((r) => r.status >= 500).length;
  console.log(
    `[odd text] ${label}: ${results.length} answers, ${fivexx} 5xx, ${results.filter((r) => r.stored).length} stored, ` +
      `${results.filter((r) => r.askedAgain).length} asked again; ${texts.length} stored text values, ` +
      `${badTexts(texts).length} invalid UTF-8 or with NUL, ${texts.filter((t) => BIDI.test(t.text ?? '')).length} with bidi controls`,
  );
  expect(fivexx).toBe(0);
  expect(results.every((r) => r.stored)).toBe(true);
  expect(badTexts(texts)).toEqual([]);
  expect(texts.filter((t) => BIDI.test(t.text ?? ''))).toEqual([]);
}

describe.each(storeBackends().filter((b) => b.name !== 'memory'))('odd text ($name)', (backend) => {
  it('through the web chat over HTTP: no 5xx, every answer stored and clean, invisible answers asked again', async (ctx) => {
    const o = await backend.open();
    if (!o) return ctx.skip();
    opened.push(o);
    const h = await startWebHarness({ store: o.store });
    try {
      const results = [];
      for (const c of CASES.filter((x) => !x.telegramOnly)) {
        const visitor = newId();
        await h.say(visitor, { kind: 'command', name: 'start' });
        // A choice value with a NUL and a bidi control in it still picks the option.
        await h.say(visitor, { kind: 'choice', values: ['\u0000evaluating\u202e'] });
        const res = await h.post({ visitorId: visitor, eventId: newId(), kind: 'message', text: c.text });
        const status = res.status;
        const messages = status === 200 ? ((await res.json()) as { messages: WebMessage[] }).messages : [];
        const got = await storedAnswer(o.store, 'web', visitor);
        expect(status, c.name).toBe(200);
        expect(
          got?.company.map((a) => [a.rawText, a.accepted]),
          c.name,
        ).toEqual([[c.raw, c.accepted]]);
        const askedAgain = messages.some((m) => m.text.includes(RETRY)) && got?.step === 'company';
        expect(askedAgain, c.name).toBe(!c.accepted);
        if (c.accepted) expect(got?.lead?.company, c.name).toBe(c.raw.trim());
        results.push({ status, stored: got?.company.length === 1, askedAgain });
      }
      // Over the web chat's 2,000 characters: refused with a 4xx, never a 5xx.
      const visitor = newId();
      await h.say(visitor, { kind: 'command', name: 'start' });
      for (const text of ['x'.repeat(2001), '😀'.repeat(2001)]) {
        const res = await h.post({ visitorId: visitor, eventId: newId(), kind: 'message', text });
        expect(res.status).toBe(400);
      }
      const big = await h.post({
        visitorId: visitor,
        eventId: newId(),
        kind: 'message',
        text: 'x'.repeat(100_000),
      });
      expect(big.status).toBe(413);
      await verifyDatabase(`${backend.name}, web chat`, o.url!, results);
    } finally {
      await h.close();
    }
  }, 60_000);

  it('through Telegram (grammY against the fake Bot API): no failure, every answer stored and clean', async (ctx) => {
    const o = await backend.open();
    if (!o) return ctx.skip();
    opened.push(o);
    const { engine } = await createTestEngine({ store: o.store });
    const h = await startHarness('polling', engine.handle, silentLogger);
    try {
      const results = [];
      let id = 9100;
      for (const c of CASES) {
        // Display names get the same hygiene: a bidi override goes, a zero-width name is no name.
        const firstName = id % 2 === 0 ? '\u202eadA\u200b' : '\u200b\u200b';
        const p = person(h, { id: id++, first_name: firstName });
        await p.command('/start');
        await p.press('evaluating');
        const before = h.api.sent(p.chat.id).length;
        await p.say(c.text);
        const replies = h.api.sent(p.chat.id).slice(before);
        const got = await storedAnswer(o.store, 'telegram', String(p.from.id));
        expect(
          got?.company.map((a) => [a.rawText, a.accepted]),
          c.name,
        ).toEqual([[c.raw, c.accepted]]);
        expect(got?.lead?.name, c.name).toBe(firstName.startsWith('\u202e') ? 'adA\u200b' : null);
        const askedAgain = replies.some((m) => m.text.includes(RETRY)) && got?.step === 'company';
        expect(askedAgain, c.name).toBe(!c.accepted);
        if (c.accepted) {
          expect(got?.lead?.company, c.name).toBe(c.raw.trim());
          // The adapter's own escaping puts a word joiner after each @ so no mention pings anyone.
          expect(replies.at(-1)?.text.replaceAll('@\u2060', '@'), c.name).toBe(
            `What's your role at ${c.raw.trim()}?`,
          );
        }
        results.push({
          status: replies.length > 0 ? 200 : 500,
          stored: got?.company.length === 1,
          askedAgain,
        });
      }
      await verifyDatabase(`${backend.name}, Telegram`, o.url!, results);
    } finally {
      await h.close();
    }
  }, 90_000);
});
