/**
 * The dashboard over HTTP on the real server, with leads made by the real engine through the
 * web chat API (memory store): access control, funnel figures, escaping, CSV, lead page.
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
async function harness() {
  const h = await startWebHarness({ dashboardToken: TOKEN });
  harnesses.push(h);
  return h;
}

async function qualify(h: WebHarness, source: Record<string, string>): Promise<string> {
  const visitor = newId();
  await h.say(visitor, { kind: 'command', name: 'start', source });
  for (const step of STRONG_PROSPECT) await h.say(visitor, step);
  return visitor;
}

async function leadIdOf(h: WebHarness, visitor: string): Promise<string> {
  return (await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor }))!.leadId;
}

describe('dashboard access', () => {
  it('refuses without the token: 401 for scripts, the login form for browsers', async () => {
    const h = await harness();
    for (const path of ['/dashboard', '/dashboard/leads', '/dashboard/leads.csv', '/dashboard/lead?id=x']) {
      const res = await fetch(h.base + path, { redirect: 'manual' });
      expect(res.status, path).toBe(401);
    }
    const browser = await fetch(`${h.base}/dashboard`, {
      redirect: 'manual',
      headers: { accept: 'text/html' },
    });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/dashboard/login');
    const wrong = await fetch(`${h.base}/dashboard`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('logs in with the form (HttpOnly SameSite cookie), refuses a wrong token, logs out', async () => {
    const h = await harness();
    const login = (token: string) =>
      fetch(`${h.base}/dashboard/login`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token }).toString(),
      });
    const bad = await login('wrong-token');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('set-cookie')).toBeNull();
    const ok = await login(TOKEN);
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const page = await fetch(`${h.base}/dashboard`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const out = await fetch(`${h.base}/dashboard/logout`, { method: 'POST', redirect: 'manual' });
    expect(out.headers.get('set-cookie')).toMatch(/Max-Age=0/);
  });
});

describe('dashboard content', () => {
  it('shows the funnel with the SQL lead, per campaign, with drop-off of an unfinished chat', async () => {
    const h = await harness();
    await qualify(h, { utm_campaign: 'spring' });
    const quitter = newId();
    await h.say(quitter, { kind: 'command', name: 'start', source: { utm_campaign: 'autumn' } });
    await h.say(quitter, { kind: 'choice', values: ['evaluating'] });

    const page = await (await fetch(`${h.base}/dashboard`, { headers: bearer })).text();
    expect(page).toMatch(/data-testid="leads">2</);
    expect(page).toMatch(/data-testid="sql">1</);
    expect(page).toContain('<svg class="funnel"');
    expect(page).toContain('2 leads, 1 MQL, 1 SQL, 0 claimed');
    expect(page).toMatch(/<td>spring<\/td><td>1<\/td><td>1<\/td><td>1<\/td>/);
    expect(page).toMatch(
      /<td>default<\/td><td>company<\/td><td>Which company are you with\?<\/td><td>0<\/td><td>1<\/td>/,
    );

    const spring = await (await fetch(`${h.base}/dashboard?campaign=autumn`, { headers: bearer })).text();
    expect(spring).toMatch(/data-testid="leads">1</);
    expect(spring).toMatch(/data-testid="sql">0</);
  });

  it('renders what people typed as text, never as markup', async () => {
    const h = await harness();
    const visitor = newId();
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    await h.say(visitor, {
      kind: 'command',
      name: 'start',
      source: { utm_campaign: '"><svg onload=alert(3)>' },
    });
    await h.say(visitor, { kind: 'choice', values: ['evaluating'] });
    await h.say(visitor, { kind: 'message', text: evil });
    const id = await leadIdOf(h, visitor);
    await h.store.updateLead(id, { name: evil });

    for (const path of ['/dashboard', '/dashboard/leads', `/dashboard/lead?id=${id}`]) {
      const text = await (await fetch(h.base + path, { headers: bearer })).text();
      expect(text, path).not.toContain('<script>alert');
      expect(text, path).not.toContain('<img src=x');
      expect(text, path).not.toContain('<svg onload');
    }
    const lead = await (await fetch(`${h.base}/dashboard/lead?id=${id}`, { headers: bearer })).text();
    expect(lead).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('shows a lead with answers, score breakdown, stage history and transcript', async () => {
    const h = await harness();
    const id = await leadIdOf(h, await qualify(h, { utm_source: 'ads' }));
    const text = await (await fetch(`${h.base}/dashboard/lead?id=${id}`, { headers: bearer })).text();
    expect(text).toContain('data-testid="stage">SQL<');
    expect(text).toContain('Budget approved');
    expect(text).toMatch(/<td>cold<\/td><td>MQL<\/td>/);
    expect(text).toContain(
      '<span class="q">Which company are you with?</span><span class="a">Acme Corp</span>',
    );
    const missing = await fetch(`${h.base}/dashboard/lead?id=nope`, { headers: bearer });
    expect(missing.status).toBe(404);
  });

  it('filters, sorts and pages the leads table, and downloads CSV with formulas neutralised', async () => {
    const h = await harness();
    await qualify(h, { utm_campaign: 'spring' });
    const visitor = newId();
    await h.say(visitor, { kind: 'command', name: 'start' });
    await h.say(visitor, { kind: 'choice', values: ['evaluating'] });
    await h.say(visitor, { kind: 'message', text: '=HYPERLINK("http://evil")' });

    const sql = await (await fetch(`${h.base}/dashboard/leads?stage=SQL`, { headers: bearer })).text();
    expect(sql).toContain('1 leads');
    expect(sql).toContain('<td>Acme Corp</td>');
    const byScore = await (
      await fetch(`${h.base}/dashboard/leads?sort=score&order=asc`, { headers: bearer })
    ).text();
    expect(byScore.indexOf('=HYPERLINK')).toBeLessThan(byScore.indexOf('Acme Corp'));

    const csv = await fetch(`${h.base}/dashboard/leads.csv?sort=score&order=desc`, { headers: bearer });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="leads-/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,name,company,email,phone,stage,score,owner,platform,campaign,consent,created_at',
    );
    expect(lines).toHaveLength(3);
    // Streamed newest first (keyset on createdAt, id), whatever the table's sort.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines[2]).toContain(',Acme Corp,jane@acme.example,,SQL,120,,web,spring,true,');
    const filtered = await fetch(`${h.base}/dashboard/leads.csv?stage=SQL&q=ACME`, { headers: bearer });
    expect((await filtered.text()).trim().split('\r\n')).toHaveLength(2);
  });
});
