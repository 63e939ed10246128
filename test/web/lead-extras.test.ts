/**
 * The dashboard lead page and funnel show the inviting manager, scheduled follow-ups, booking
 * links and rep verdicts, escaped, over the real HTTP server with a lead made by the real engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { newId, startWebHarness, type WebHarness } from './harness.ts';
import { STRONG_PROSPECT } from './strong-prospect.ts';

const TOKEN = 'test-dashboard-token-0123456789';
const bearer = { authorization: `Bearer ${TOKEN}` };
const harnesses: WebHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});

const EVIL = '<script>alert(1)</script>';

describe('dashboard: attribution, follow-ups and verdicts', () => {
  it('shows them on the lead page and the funnel, as text', async () => {
    const h = await startWebHarness({ dashboardToken: TOKEN });
    harnesses.push(h);
    const visitor = newId();
    await h.say(visitor, { kind: 'command', name: 'start', source: {} });
    for (const step of STRONG_PROSPECT) await h.say(visitor, step);
    const id = (await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor }))!.leadId;
    await h.store.updateLead(id, { invitedBy: `slack:${EVIL}` });
    await h.store.schedules!.plan({
      key: `reengage:${id}`,
      leadId: id,
      kind: 'reengage',
      platform: 'web',
      workspaceId: '',
      channelId: visitor,
      sequence: 0,
      dueAt: new Date('2030-01-02T03:04:00.000Z'),
    });
    await h.store.verdicts!.record({ leadId: id, verdict: 'rejected', actor: 'U0REP', reason: EVIL });
    const link = 'AAAAAAAAAAAAAAAAAAAAAA';
    const sent = new Date('2030-01-01T10:00:00.000Z');
    await h.store.bookingLinks.create({ id: link, leadId: id, target: 'https://cal.com/x', createdAt: sent });
    await h.store.bookingLinks.click(link, new Date('2030-01-01T10:05:00.000Z'));

    const page = await (await fetch(`${h.base}/dashboard/lead?id=${id}`, { headers: bearer })).text();
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('data-testid="invited-by">slack:&lt;script&gt;alert(1)&lt;/script&gt;<');
    expect(page).toContain('data-testid="booking">sent 2030-01-01 10:00 UTC, clicked 2030-01-01 10:05 UTC<');
    expect(page).toMatch(
      /<table data-testid="follow-ups">.*<td>2030-01-02 03:04:00<\/td><td>reengage<\/td><td>0<\/td><td>web<\/td><td>pending<\/td>/s,
    );
    expect(page).toMatch(
      /<table data-testid="verdicts">.*<td>rejected<\/td><td>U0REP<\/td><td>&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td>/s,
    );

    const funnel = await (await fetch(`${h.base}/dashboard`, { headers: bearer })).text();
    expect(funnel).not.toContain('<script>alert');
    expect(funnel).toContain('<caption>By inviting manager</caption>');
    expect(funnel).toMatch(
      /<td>invited by slack:&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/td><td>1<\/td><td>1<\/td><td>1<\/td>/,
    );
  });

  it('leaves the sections out for a lead without them', async () => {
    const h = await startWebHarness({ dashboardToken: TOKEN });
    harnesses.push(h);
    const visitor = newId();
    await h.say(visitor, { kind: 'command', name: 'start', source: {} });
    await h.say(visitor, { kind: 'choice', stepId: 'need', values: ['evaluating'] }); // a lead costs an answer
    const id = (await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor }))!.leadId;
    const page = await (await fetch(`${h.base}/dashboard/lead?id=${id}`, { headers: bearer })).text();
    expect(page).toContain('data-testid="invited-by"><');
    expect(page).not.toContain('data-testid="verdicts"');
    expect(page).toContain('data-testid="booking">none sent<');
    const funnel = await (await fetch(`${h.base}/dashboard`, { headers: bearer })).text();
    expect(funnel).not.toContain('By inviting manager');
  });
});
