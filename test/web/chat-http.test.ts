/**
 * The web chat end to end over HTTP: the real app HTTP server, the web adapter and the real
 * engine on the memory store, driven with the requests the widget sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createWebAdapter } from '../../adapters/web/index.ts';
import { createHttpServer } from '../../src/app/http-server.ts';
import type { OutboundMessage } from '../../src/core/events.ts';
import { silentLogger } from '../helpers/engine.ts';
import { memoryInbox } from '../helpers/inbox.ts';
import { testLimits } from '../helpers/limits.ts';
import { storeBackends } from '../helpers/stores.ts';
import { newId, startWebHarness, type WebHarness } from './harness.ts';
import { STRONG_PROSPECT } from './strong-prospect.ts';

const harnesses: WebHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
});
async function harness(opts: Parameters<typeof startWebHarness>[0] = {}) {
  const h = await startWebHarness(opts);
  harnesses.push(h);
  return h;
}

const STRONG = STRONG_PROSPECT;

describe('web chat over HTTP', () => {
  it('qualifies a strong prospect to SQL with the UTM campaign as source', async () => {
    const h = await harness();
    const visitor = newId();
    const first = await h.say(visitor, {
      kind: 'command',
      name: 'start',
      source: { utm_source: 'newsletter', utm_campaign: 'spring' },
    });
    const question = first.find((m) => m.kind === 'question');
    expect(question?.stepId).toBe('need');
    expect(question?.choices?.map((c) => c.value)).toEqual(['evaluating', 'exploring', 'support']);

    let last = first;
    for (const step of STRONG) last = await h.say(visitor, step);
    expect(last.at(-1)?.text).toMatch(/That's everything/);

    const identity = await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor });
    const lead = await h.store.getLead(identity!.leadId);
    expect(lead).toMatchObject({
      stage: 'SQL',
      score: 120,
      company: 'Acme Corp',
      source: { platform: 'web', campaign: 'newsletter/spring' },
    });
    expect(await h.store.outbox.list({ kind: 'sales_alert' })).toHaveLength(1);
  });

  it('answers a validation message and a retried request only once', async () => {
    const h = await harness();
    const visitor = newId();
    await h.say(visitor, { kind: 'command', name: 'start' });
    await h.say(visitor, { kind: 'choice', values: ['evaluating'] });
    await h.say(visitor, { kind: 'message', text: 'Acme' });
    await h.say(visitor, { kind: 'choice', values: ['exec'] });
    const invalid = await h.say(visitor, { kind: 'message', text: 'lots' });
    expect(invalid.map((m) => m.text).join(' ')).toMatch(/Please answer with a number/);

    const retried = { visitorId: visitor, eventId: newId(), kind: 'message', text: '12' };
    const once = (await (await h.post(retried)).json()) as { messages: { stepId?: string }[] };
    const again = await (await h.post(retried)).json();
    expect(once.messages.find((m) => m.stepId)?.stepId).toBe('budget');
    expect(again).toEqual({ messages: [] });
    const identity = await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor });
    const [conv] = await h.store.listConversations(identity!.leadId);
    const answers = await h.store.listAnswers(conv!.id);
    expect(answers.filter((a) => a.stepId === 'team_size' && a.accepted)).toHaveLength(1);
  });

  it('refuses malformed requests with 400 and a message the widget can show', async () => {
    const h = await harness();
    const res = await h.post({ visitorId: 'x', eventId: newId(), kind: 'message', text: 'hi' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/visitorId/);
    const notJson = await fetch(`${h.base}/api/chat/events`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    const huge = await h.post({
      visitorId: newId(),
      eventId: newId(),
      kind: 'message',
      text: 'x'.repeat(20_000),
    });
    expect(huge.status).toBe(413);
  });

  it('lets allowed sites call the chat API cross-origin and refuses others', async () => {
    const h = await harness({ allowedOrigins: ['https://www.example.com'] });
    const body = { visitorId: newId(), eventId: newId(), kind: 'command', name: 'start' };
    const ok = await h.post(body, { origin: 'https://www.example.com' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    const evil = await h.post({ ...body, eventId: newId() }, { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    const preflight = await fetch(`${h.base}/api/chat/events`, {
      method: 'OPTIONS',
      headers: { origin: 'https://www.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST, GET');
  });

  it('serves the landing page, embed snippet and widget with a CSP that forbids inline script', async () => {
    const h = await harness();
    const page = await fetch(`${h.base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const text = await page.text();
    expect(text).toContain('<script src="/widget.js" defer></script>');
    expect(text).not.toMatch(/<script>/);
    const embed = await (await fetch(`${h.base}/embed`)).text();
    expect(embed).toContain(`&lt;script src=&quot;${h.base}/widget.js&quot; defer&gt;&lt;/script&gt;`);
    const widget = await fetch(`${h.base}/widget.js`);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(await widget.text()).toContain('/api/chat/events');
  });

  it('qualifies the strong prospect on SQLite too', async () => {
    const sqlite = await storeBackends()
      .find((b) => b.name === 'sqlite')!
      .open();
    const h = await harness({ store: sqlite!.store });
    try {
      const visitor = newId();
      await h.say(visitor, {
        kind: 'command',
        name: 'start',
        source: { referrer: 'https://news.example/post' },
      });
      for (const step of STRONG) await h.say(visitor, step);
      const identity = await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor });
      expect(await h.store.getLead(identity!.leadId)).toMatchObject({
        stage: 'SQL',
        source: { platform: 'web', campaign: 'ref:news.example' },
      });
    } finally {
      await h.close();
      harnesses.splice(harnesses.indexOf(h), 1);
      await sqlite!.cleanup();
    }
  });

  it('on stop, finishes the request in flight, then refuses new ones with 503', async () => {
    const http = createHttpServer({ logger: silentLogger });
    const adapter = createWebAdapter(
      { allowedOrigins: [] },
      { logger: silentLogger, http, inbox: memoryInbox(), limits: testLimits().chat },
    );
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    await adapter.start(async (): Promise<OutboundMessage[]> => {
      entered();
      await gate;
      return [{ kind: 'info', text: 'finished' }];
    });
    const { port } = await http.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}/api/chat/events`;
    const body = () => JSON.stringify({ visitorId: newId(), eventId: newId(), kind: 'message', text: 'hi' });
    try {
      const inFlight = fetch(url, { method: 'POST', body: body() });
      await inHandler;
      const order: string[] = [];
      const stopped = adapter.stop().then(() => order.push('stopped'));
      const refused = await fetch(url, { method: 'POST', body: body() });
      expect(refused.status).toBe(503);
      order.push('release');
      release();
      const res = await inFlight;
      expect(await res.json()).toEqual({ messages: [{ kind: 'info', text: 'finished' }] });
      await stopped;
      expect(order).toEqual(['release', 'stopped']);
    } finally {
      release();
      await http.close();
    }
  });

  it('answers 503 after stop, once accepted requests are finished', async () => {
    const h = await harness();
    expect(h.adapter.isConnected()).toBe(true);
    await h.adapter.stop();
    expect(h.adapter.isConnected()).toBe(false);
    const res = await h.post({ visitorId: newId(), eventId: newId(), kind: 'command', name: 'start' });
    expect(res.status).toBe(503);
  });
});
