/**
 * A meeting in the flow (#18): a flow's `bookingUrl` reaches an SQL in the final message as
 * leadbot's own `/r/<id>` link, stored with the lead's email prefilled in the target; leads who
 * finish below SQL get no link; a bad `bookingUrl` is refused at load with its path.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFlowText } from '../../src/app/flow-files.ts';
import { loadTranscript, transcriptEvent } from '../../src/app/transcripts.ts';
import { bookingTarget, isBookingId, newBookingId } from '../../src/core/booking/booking-link.ts';
import { renderLeadCard } from '../../src/core/commands/lead-card.ts';
import { createEngine, createFlowCatalog } from '../../src/core/engine.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { parseFlow } from '../../src/core/flow/validate.ts';
import { createMemoryStore } from '../../src/core/memory/memory-store.ts';
import type { LeadStore } from '../../src/core/ports/index.ts';
import { NO_LEAD_EVENTS } from '../../src/core/webhooks/lead-events.ts';
import { createTestClock, FLOWS_DIR, silentLogger } from '../helpers/engine.ts';

const PUBLIC_URL = 'https://leadbot.acme.example';
const defaultFlow = () =>
  parseFlowText(readFileSync(join(FLOWS_DIR, 'default.yaml'), 'utf8'), 'default.yaml');

/** The shipped default flow with `bookingUrl` added. */
function flowWith(bookingUrl: unknown) {
  return parseFlow({ ...(defaultFlow() as object), bookingUrl }, 'flows/default.yaml');
}

/** Plays a shipped transcript; returns the replies and the lead. */
async function play(store: LeadStore, bookingUrl: unknown, transcript: string, publicUrl = PUBLIC_URL) {
  const engine = createEngine({
    store,
    leadEvents: NO_LEAD_EVENTS,
    flows: createFlowCatalog([flowWith(bookingUrl)], 'default'),
    clock: createTestClock(),
    logger: silentLogger,
    options: { publicUrl },
  });
  const { steps } = await loadTranscript(join(FLOWS_DIR, 'transcripts', transcript));
  const userId = `u-${Math.random().toString(36).slice(2)}`;
  const origin = { platform: 'console' as const, workspaceId: '', channelId: 'dm', userId, isDirect: true };
  const replies: OutboundMessage[] = [];
  let last: string | undefined;
  for (const [n, step] of steps.entries()) {
    const out = await engine.handle(transcriptEvent(step, { ...origin, eventId: `${userId}-${n}` }, last));
    replies.push(...out);
    for (const m of out) if (m.kind === 'question' && m.stepId) last = m.stepId;
  }
  const lead = (await store.findLeadByIdentity({ platform: 'console', workspaceId: '', userId }))!;
  return { replies, lead };
}

describe('booking link in the flow', () => {
  it('an SQL gets /r/<id> in the final message; its target is the booking URL with their email', async () => {
    const store = createMemoryStore();
    const { replies, lead } = await play(
      store,
      { url: 'https://cal.com/acme/intro?utm_source=leadbot', text: 'Book here: {{link}}' },
      'strong-prospect.yaml',
    );
    expect(lead.stage).toBe('SQL');
    const final = replies.at(-1)!;
    const match = /Book here: https:\/\/leadbot\.acme\.example\/r\/([A-Za-z0-9_-]+)$/.exec(final.text);
    expect(match, final.text).not.toBeNull();
    expect(final.text.startsWith("Thanks! That's everything")).toBe(true);
    const links = await store.bookingLinks.listForLead(lead.id);
    expect(links).toEqual([
      expect.objectContaining({ id: match![1], clicks: 0, firstClickedAt: null, leadId: lead.id }),
    ]);
    const target = new URL(links[0]!.target);
    expect(target.origin + target.pathname).toBe('https://cal.com/acme/intro');
    expect(target.searchParams.get('utm_source')).toBe('leadbot');
    expect(target.searchParams.get('email')).toBe(lead.email);
    expect(lead.email).toMatch(/@/);
    // The lead card says it was sent and whether it was followed.
    const card = () => store.transaction(async (tx) => renderLeadCard(tx, lead, store));
    expect(await card()).toContain('Booking link: sent 2026-01-05 09:00 UTC, not clicked');
    await store.bookingLinks.click(match![1]!, new Date('2026-01-05T09:42:00Z'));
    await store.bookingLinks.click(match![1]!, new Date('2026-01-05T09:50:00Z'));
    expect(await card()).toContain(
      'Booking link: sent 2026-01-05 09:00 UTC, clicked 2026-01-05 09:42 UTC (2 clicks)',
    );
  });

  it('the short form (a URL) uses the default sentence and the email parameter', async () => {
    const store = createMemoryStore();
    const { replies, lead } = await play(store, 'https://calendly.com/acme/30min', 'strong-prospect.yaml');
    expect(replies.at(-1)!.text).toMatch(
      /Pick a time for a call with our team: https:\/\/leadbot\.acme\.example\/r\//,
    );
    const [link] = await store.bookingLinks.listForLead(lead.id);
    expect(link!.target).toBe(`https://calendly.com/acme/30min?email=${encodeURIComponent(lead.email!)}`);
  });

  it('a lead who finishes below SQL gets no link and no row', async () => {
    const store = createMemoryStore();
    const { replies, lead } = await play(store, 'https://calendly.com/acme/30min', 'early-prospect.yaml');
    expect(lead.stage).toBe('MQL');
    expect(replies.some((r) => r.text.includes('/r/'))).toBe(false);
    expect(await store.bookingLinks.listForLead(lead.id)).toEqual([]);
  });

  it('refuses a bookingUrl that is not https, with its path in the flow', () => {
    for (const bad of [
      'http://calendly.com/acme',
      'javascript:alert(1)',
      'https://user:pw@cal.com/x',
      'nope',
    ])
      expect(() => flowWith(bad)).toThrow(/flows\/default\.yaml[\s\S]*bookingUrl/);
    expect(() => flowWith({ url: 'https://cal.com/a', text: 'no link here' })).toThrow(/bookingUrl\.text/);
    expect(() => flowWith({ url: 'https://cal.com/a', emailParam: 'e mail' })).toThrow(
      /bookingUrl\.emailParam/,
    );
  });

  it('ids are random 128-bit base64url; the target replaces an email the URL had', () => {
    const ids = new Set(Array.from({ length: 1000 }, newBookingId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isBookingId(id)).toBe(true);
    expect(isBookingId('../etc')).toBe(false);
    expect(bookingTarget('https://cal.com/a?email=old@x.example', 'email', 'a+b@acme.example')).toBe(
      'https://cal.com/a?email=a%2Bb%40acme.example',
    );
    expect(bookingTarget('https://cal.com/a', 'email', null)).toBe('https://cal.com/a');
  });
});
