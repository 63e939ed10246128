/**
 * The dashboard shows the handoff, over the real HTTP server: the lead page lists the messages
 * relayed between rep and prospect (newest last, escaped), and the overview SQL → first reply
 * per rep and platform beside SQL → claim.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TranscriptDirection } from '../../src/core/ports/index.ts';
import { startWebHarness, type WebHarness } from './harness.ts';

const TOKEN = 'test-dashboard-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
const harnesses: WebHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const EVIL = '<script>alert(1)</script>';
const SQL_AT = new Date('2026-03-02T09:00:00.000Z');

async function leadWithTranscript(
  h: WebHarness,
  lines: {
    direction: TranscriptDirection;
    author: string;
    authorName: string | null;
    text: string;
    afterS: number;
  }[],
) {
  const lead = await h.store.createLead({
    source: { platform: 'telegram' },
    stage: 'SQL',
    reachedSqlAt: SQL_AT,
  });
  const handoff = await h.store.handoffs.open({
    leadId: lead.id,
    alert: { sink: 'slack', externalRef: `1700.${lead.id}` },
    prospect: { platform: 'telegram', workspaceId: '', userId: '7001', channelId: '7001' },
    openedBy: 'slack:U1',
    openedByName: 'Ana',
    openedAt: SQL_AT,
  });
  for (const { afterS, ...line } of lines)
    await h.store.handoffs.addMessage({
      ...line,
      leadId: lead.id,
      handoffId: handoff.id,
      createdAt: new Date(SQL_AT.getTime() + afterS * 1000),
    });
  return lead;
}

describe('dashboard: the handoff', () => {
  it('shows the transcript on the lead page, newest last, as text', async () => {
    const h = await startWebHarness({ dashboardToken: TOKEN });
    harnesses.push(h);
    const lead = await leadWithTranscript(h, [
      { direction: 'notice', author: 'slack:U1', authorName: null, text: 'Ana joined', afterS: 30 },
      {
        direction: 'to_prospect',
        author: 'slack:U1',
        authorName: `Ana ${EVIL}`,
        text: 'Hi, Ana here',
        afterS: 60,
      },
      { direction: 'from_prospect', author: 'telegram:7001', authorName: 'Jane', text: EVIL, afterS: 90 },
    ]);
    const page = await (await fetch(`${h.base}/dashboard/lead?id=${lead.id}`, { headers: bearer })).text();
    expect(page).not.toContain('<script>alert');
    const list = /<ol class="handoff" data-testid="handoff">(.*?)<\/ol>/s.exec(page)?.[1] ?? '';
    const items = [...list.matchAll(/<li class="(\w+)">(.*?)<\/li>/gs)].map((m) => [
      m[1],
      m[2]!.replace(/<[^>]+>/g, ''),
    ]);
    expect(items).toEqual([
      ['notice', '2026-03-02 09:00:30 notice Ana joined'],
      ['to_prospect', '2026-03-02 09:01:00 rep Ana &lt;script&gt;alert(1)&lt;/script&gt; Hi, Ana here'],
      ['from_prospect', '2026-03-02 09:01:30 prospect Jane &lt;script&gt;alert(1)&lt;/script&gt;'],
    ]);
    const plain = await h.store.createLead({ name: 'No handoff' });
    const none = await (await fetch(`${h.base}/dashboard/lead?id=${plain.id}`, { headers: bearer })).text();
    expect(none).not.toContain('Conversation with sales');
  });

  it('shows SQL → first reply per rep and platform on the overview', async () => {
    const h = await startWebHarness({ dashboardToken: TOKEN });
    harnesses.push(h);
    const rep = (afterS: number) => ({
      direction: 'to_prospect' as const,
      author: `slack:${EVIL}`,
      authorName: 'Ana',
      text: 'hi',
      afterS,
    });
    await leadWithTranscript(h, [rep(45), rep(50)]);
    await leadWithTranscript(h, [{ ...rep(10), direction: 'from_prospect' }, rep(300)]);
    const page = await (await fetch(`${h.base}/dashboard`, { headers: bearer })).text();
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('SQL → claim'); // nobody claimed
    expect(page).toMatch(
      /data-testid="reply-speed-per-rep">\n<caption>Speed to lead, SQL → first reply, per rep \(all time\)<\/caption>.*<th>Replied to<\/th>.*<tr><td>slack:&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td><td>2<\/td><td>45s<\/td><td>5m 00s<\/td><\/tr>/s,
    );
    expect(page).toMatch(
      /data-testid="reply-speed-per-platform">.*<tr><td>telegram<\/td><td>2<\/td><td>45s<\/td><td>5m 00s<\/td><\/tr>/s,
    );
  });
});
