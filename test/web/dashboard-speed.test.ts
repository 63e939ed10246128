/** The dashboard overview shows speed to lead per rep and per platform, over the real HTTP server. */
import { afterEach, describe, expect, it } from 'vitest';
import { startWebHarness, type WebHarness } from './harness.ts';

const TOKEN = 'test-dashboard-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
const harnesses: WebHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

describe('dashboard: speed to lead', () => {
  it('shows median and p90 of SQL → claim per rep and platform, escaped', async () => {
    const h = await startWebHarness({ dashboardToken: TOKEN });
    harnesses.push(h);
    const before = await (await fetch(`${h.base}/dashboard`, { headers: bearer })).text();
    expect(before).not.toContain('Speed to lead');
    const sqlAt = new Date('2026-03-02T09:00:00.000Z');
    for (const afterS of [90, 600]) {
      const lead = await h.store.createLead({
        source: { platform: 'telegram' },
        stage: 'SQL',
        reachedSqlAt: sqlAt,
      });
      await h.store.verdicts.record({
        leadId: lead.id,
        verdict: 'claimed',
        actor: 'slack:<b>U1</b>',
        reason: null,
        createdAt: new Date(sqlAt.getTime() + afterS * 1000),
      });
    }
    const page = await (await fetch(`${h.base}/dashboard`, { headers: bearer })).text();
    expect(page).not.toContain('<b>U1');
    expect(page).toMatch(
      /data-testid="speed-per-rep">.*<tr><td>slack:&lt;b&gt;U1&lt;\/b&gt;<\/td><td>2<\/td><td>1m 30s<\/td><td>10m 00s<\/td><\/tr>/s,
    );
    expect(page).toMatch(
      /data-testid="speed-per-platform">.*<tr><td>telegram<\/td><td>2<\/td><td>1m 30s<\/td>/s,
    );
  });
});
