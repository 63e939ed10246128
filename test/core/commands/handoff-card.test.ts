/**
 * The handoff in the manager commands (`run` as every adapter calls it): `stats` shows SQL →
 * first reply beside SQL → claim, and the lead card the transcript's newest lines.
 */
import { describe, expect, it } from 'vitest';
import type { LeadStore, TranscriptDirection } from '../../../src/core/ports/index.ts';
import { setup } from './helpers.ts';

/** Opens a handoff on the lead and writes these lines, a minute apart from `start`. */
async function transcript(
  store: LeadStore,
  leadId: string,
  start: Date,
  lines: { direction: TranscriptDirection; author: string; authorName?: string; text: string }[],
) {
  const h = await store.handoffs.open({
    leadId,
    alert: { sink: 'slack', externalRef: '1700000000.000200' },
    prospect: { platform: 'slack', workspaceId: 'T1', userId: 'UA', channelId: 'DUA' },
    openedBy: 'slack:UREP',
    openedByName: 'Ana',
    openedAt: start,
  });
  for (const [i, line] of lines.entries())
    await store.handoffs.addMessage({
      leadId,
      handoffId: h.id,
      authorName: line.authorName ?? null,
      ...line,
      createdAt: new Date(start.getTime() + (i + 1) * 60_000),
    });
}

describe('handoff in the manager commands', () => {
  it('stats shows SQL → first reply per rep and platform, once a rep replied', async () => {
    const t = setup();
    const lead = await t.addLead('UA');
    await t.run('stage @UA SQL hot');
    const sqlAt = (await t.store.getLead(lead.id))!.reachedSqlAt!;
    await transcript(t.store, lead.id, sqlAt, [
      { direction: 'from_prospect', author: 'slack:UA', text: 'hello?' },
    ]);
    expect((await t.run('stats')).text).not.toContain('first reply');
    await transcript(t.store, (await t.addLead('UB')).id, sqlAt, []); // no reply: not counted
    await t.store.handoffs.close((await t.store.handoffs.findOpen(lead.id))!.id, 'slack:UREP', sqlAt);
    await transcript(t.store, lead.id, sqlAt, [
      { direction: 'notice', author: 'slack:UREP', text: 'Ana joined' },
      { direction: 'to_prospect', author: 'slack:UREP', text: 'Hi, Ana here' },
    ]);
    const s = (await t.run('stats')).text;
    expect(s).toContain(
      'Speed to lead, SQL → first reply, per rep:\n  slack:UREP: median 2m 00s, p90 2m 00s (1 replied to)',
    );
    expect(s).toContain('Per platform:\n  slack: median 2m 00s, p90 2m 00s (1 replied to)');
  });

  it('the lead card shows the last 10 transcript lines, newest last, one line each', async () => {
    const t = setup();
    const lead = await t.addLead('UA');
    const card0 = (await t.run('lead @UA')).text;
    expect(card0).not.toContain('Transcript');
    const start = new Date('2026-03-02T10:00:00.000Z');
    await transcript(t.store, lead.id, start, [
      { direction: 'notice', author: 'slack:UREP', text: 'Ana joined' },
      ...Array.from({ length: 10 }, (_, i) => ({
        direction: (i % 2 === 0 ? 'to_prospect' : 'from_prospect') as TranscriptDirection,
        author: i % 2 === 0 ? 'slack:UREP' : 'slack:UA',
        ...(i % 2 === 0 ? { authorName: 'Ana' } : {}),
        text: `line ${i}`,
      })),
      { direction: 'from_prospect', author: 'slack:UA', text: 'two\nlines  <!channel> *x*' },
    ]);
    const card = (await t.run('lead @UA')).text.split('\n');
    const at = card.indexOf('Transcript (last 10 of 12):');
    expect(at).toBeGreaterThan(0);
    expect(card.slice(at + 1)).toEqual([
      '  2026-03-02 10:03 prospect slack:UA: line 1',
      '  2026-03-02 10:04 rep Ana: line 2',
      '  2026-03-02 10:05 prospect slack:UA: line 3',
      '  2026-03-02 10:06 rep Ana: line 4',
      '  2026-03-02 10:07 prospect slack:UA: line 5',
      '  2026-03-02 10:08 rep Ana: line 6',
      '  2026-03-02 10:09 prospect slack:UA: line 7',
      '  2026-03-02 10:10 rep Ana: line 8',
      '  2026-03-02 10:11 prospect slack:UA: line 9',
      // Folded to one line; left as typed here: the adapter escapes the reply for its platform.
      '  2026-03-02 10:12 prospect slack:UA: two lines <!channel> *x*',
    ]);
  });
});
