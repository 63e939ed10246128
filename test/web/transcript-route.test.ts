/**
 * `GET /api/chat/messages`: the widget's view of a handoff's transcript, through the app's real
 * HTTP server. A visitor reads their own lead's rep messages and notices after a cursor, in
 * pages; another visitor's rows never show, whatever the query; hostile input (headers, cursors,
 * methods, lengths) is a 4xx, never a 5xx; the visitor and address budgets apply (429).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PAGE, POLL_MS, VISITOR_HEADER, WEB_MESSAGES_PATH } from '../../adapters/web/transcript-route.ts';
import { RateLimitedError } from '../../src/core/errors.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { newId, startWebHarness, type WebHarness } from './harness.ts';

let h: WebHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** A web visitor with a lead, an open handoff and `n` rep messages. */
async function visitorWithHandoff(store: LeadStore, n: number, text = (i: number) => `rep line ${i}`) {
  const visitor = newId();
  const lead = await store.createLead({}, { platform: 'web', workspaceId: '', userId: visitor });
  const handoff = await store.handoffs.open({
    leadId: lead.id,
    alert: { sink: 'slack', externalRef: `1700.${Math.random().toString().slice(2, 8)}` },
    prospect: { platform: 'web', workspaceId: '', userId: visitor, channelId: visitor },
    openedBy: 'slack:UREP',
    openedByName: 'Ana',
    openedAt: new Date(),
  });
  const add = (direction: 'to_prospect' | 'from_prospect' | 'notice', t: string) =>
    store.handoffs.addMessage({
      leadId: lead.id,
      handoffId: handoff.id,
      direction,
      author: direction === 'from_prospect' ? `web:${visitor}` : 'slack:UREP',
      authorName: direction === 'from_prospect' ? null : 'Ana',
      text: t,
      createdAt: new Date(),
    });
  await add('notice', 'Ana joined the conversation');
  for (let i = 0; i < n; i++) await add('to_prospect', text(i));
  return { visitor, lead, handoff, add };
}

const get = (base: string, query: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${WEB_MESSAGES_PATH}${query}`, { headers });

describe('web chat transcript route', () => {
  it("answers the visitor's own rep messages after the cursor, in pages, polled often while open", async () => {
    h = await startWebHarness();
    const a = await visitorWithHandoff(h.store, PAGE + 5);
    const first = await get(h.base, '', { [VISITOR_HEADER]: a.visitor });
    expect(first.status).toBe(200);
    const page1 = (await first.json()) as {
      messages: { from: string; text: string; name: string }[];
      after: string;
      pollMs: number;
    };
    expect(page1.messages).toHaveLength(PAGE);
    expect(page1.messages[0]).toMatchObject({
      from: 'notice',
      text: 'Ana from the sales team has joined the conversation.',
    });
    expect(page1.messages[1]).toMatchObject({ from: 'rep', name: 'Ana', text: 'rep line 0' });
    expect(page1.pollMs).toBe(POLL_MS.open);
    const page2 = (await (
      await get(h.base, `?after=${page1.after}`, { [VISITOR_HEADER]: a.visitor })
    ).json()) as typeof page1;
    expect(page2.messages.map((m) => m.text)).toEqual(
      Array.from({ length: 6 }, (_, i) => `rep line ${PAGE - 1 + i}`),
    );
    const page3 = (await (
      await get(h.base, `?after=${page2.after}`, { [VISITOR_HEADER]: a.visitor })
    ).json()) as typeof page1;
    expect(page3).toMatchObject({ messages: [], after: page2.after });

    // Closed: still readable, polled rarely. A visitor without a lead: nothing, polled more rarely.
    await h.store.handoffs.close(a.handoff.id, 'slack:UREP', new Date());
    const closed = (await (
      await get(h.base, `?after=${page2.after}`, { [VISITOR_HEADER]: a.visitor })
    ).json()) as typeof page1;
    expect(closed.pollMs).toBe(POLL_MS.idle);
    const stranger = (await (await get(h.base, '', { [VISITOR_HEADER]: newId() })).json()) as typeof page1;
    expect(stranger).toMatchObject({ messages: [], pollMs: POLL_MS.none });
  });

  it('hostile input: never a 5xx, never another visitor’s rows', async () => {
    h = await startWebHarness();
    const secret = 'SECRET-of-visitor-A';
    const a = await visitorWithHandoff(h.store, 3, () => secret);
    const b = await visitorWithHandoff(h.store, 1, () => 'for B');
    const aIds = (await h.store.handoffs.listMessages(a.lead.id)).map((m) => m.id);
    const ids = [a.visitor, b.visitor, newId()];
    const rnd = (n: number) => Math.floor(Math.random() * n);
    const junk = () =>
      [
        '',
        'x',
        'a'.repeat(65),
        'a'.repeat(10_000),
        '%00%00%00%00%00%00%00%00',
        '../../etc/passwd',
        "' OR 1=1 --",
        '%F0%9F%92%A9'.repeat(20),
        '%E0%A4%A',
        aIds[rnd(aIds.length)]!,
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        ids[rnd(3)]!,
      ][rnd(13)]!;
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const visitor = rnd(4) === 0 ? junk() : ids[rnd(3)]!;
      const headers: Record<string, string> = {};
      if (rnd(6) !== 0) {
        try {
          headers[VISITOR_HEADER] = decodeURIComponent(visitor);
        } catch {
          headers[VISITOR_HEADER] = visitor;
        }
      }
      if (/[^\x20-\x7e]/.test(headers[VISITOR_HEADER] ?? '')) delete headers[VISITOR_HEADER];
      const parts = [
        `after=${junk()}`,
        `after=${junk()}&after=${junk()}`,
        `visitor=${a.visitor}`,
        `x=${junk()}`,
      ];
      const query = rnd(3) === 0 ? '' : `?${parts.filter(() => rnd(2) === 0).join('&')}`;
      const res = await get(h.base, query, headers);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const body = await res.text();
      expect(res.status, `${query} ${JSON.stringify(headers)}`).toBeLessThan(500);
      if (headers[VISITOR_HEADER] !== a.visitor) expect(body).not.toContain(secret);
      if (res.status === 200) expect(JSON.parse(body)).toHaveProperty('messages');
    }
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(400)).toBeGreaterThan(0);
    // Other methods and a body are refused by the server before the route.
    const post = await fetch(`${h.base}${WEB_MESSAGES_PATH}`, {
      method: 'POST',
      body: 'x',
      headers: { [VISITOR_HEADER]: a.visitor },
    });
    expect(post.status).toBeLessThan(500);
  });

  it('counts against the address and the visitor budgets: 429 with Retry-After', async () => {
    const seen: string[] = [];
    let budget = 2;
    h = await startWebHarness({
      limits: {
        async request() {
          seen.push('ip');
        },
        async visitor(id) {
          seen.push(`visitor:${id}`);
          if (budget-- <= 0)
            throw new RateLimitedError('chat-visitor limit reached', 7, 'Too many requests.');
        },
      },
    });
    const v = newId();
    for (let i = 0; i < 2; i++) expect((await get(h.base, '', { [VISITOR_HEADER]: v })).status).toBe(200);
    const refused = await get(h.base, '', { [VISITOR_HEADER]: v });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(seen).toEqual(['ip', `visitor:${v}`, 'ip', `visitor:${v}`, 'ip', `visitor:${v}`]);
  });

  it("the widget's catch-up pace is the route's idle pace", async () => {
    // widget.js has no build step to import the constant: it repeats it, and this keeps them equal.
    h = await startWebHarness();
    const widget = await (await fetch(`${h.base}/widget.js`)).text();
    const idle = /const IDLE_MS = ([\d_]+);/.exec(widget)?.[1];
    expect(Number(idle?.replaceAll('_', ''))).toBe(POLL_MS.idle);
  });
});
