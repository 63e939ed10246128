/**
 * Headless Chromium (playwright-core driving Debian's /usr/bin/chromium): a prospect completes
 * the default flow in the web chat with strong answers, then the dashboard — behind its token —
 * shows the lead at SQL. What the prospect typed (an XSS attempt as company name) stays text
 * everywhere, and no page trips its Content-Security-Policy. The dashboard screenshot is saved
 * to test-results/dashboard.png.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { embedSnippet } from '../../adapters/web/pages.ts';
import { createRateLimits } from '../../src/app/rate-limits.ts';
import { ROOT } from '../app/run-cli.ts';
import { type Chromium, chromiumAvailable, launchChromium } from '../helpers/chromium.ts';
import { silentLogger } from '../helpers/engine.ts';
import { startWebHarness, type WebHarness } from './harness.ts';

/** What page.evaluate callbacks use of the browser (the project's types have no DOM lib). */
type BrowserGlobals = { localStorage: { getItem(key: string): string | null } };
const TOKEN = 'browser-test-dashboard-token-42';
const XSS = '<img src=x onerror="window.__xss=1">Acme';
const available = chromiumAvailable();

describe.skipIf(!available)('web chat and dashboard in Chromium', () => {
  let h: WebHarness;
  let context: BrowserContext;
  let browser: Chromium | undefined;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    h = await startWebHarness({ dashboardToken: TOKEN });
    browser = await launchChromium();
    context = browser.context;
    context.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const lastBot = (page: Page) => page.locator('.leadbot-msg.bot').last();
  async function type(page: Page, text: string) {
    await page.locator('.leadbot-input').fill(text);
    await page.locator('.leadbot-input').press('Enter');
  }
  async function click(page: Page, label: string) {
    await page.locator('.leadbot-choice:not([disabled])', { hasText: label }).first().click();
  }

  it('a prospect completes the flow in the widget; typed markup stays text', async () => {
    const page = await context.newPage();
    await page.goto(`${h.base}/?utm_source=browser&utm_campaign=chromium`);
    await expect.poll(() => lastBot(page).textContent()).toBe('What brings you here today?');
    await click(page, 'Evaluating a tool for my team');
    await expect.poll(() => lastBot(page).textContent()).toBe('Which company are you with?');
    await type(page, XSS);
    await expect.poll(() => lastBot(page).textContent()).toBe(`What's your role at ${XSS}?`);
    // A reload keeps the conversation (visitor id and transcript in localStorage), buttons included.
    await page.reload();
    await expect.poll(() => lastBot(page).textContent()).toBe(`What's your role at ${XSS}?`);
    await click(page, 'Founder or executive');
    await expect.poll(() => lastBot(page).textContent()).toBe('How many people would use it?');
    await type(page, 'lots');
    await expect
      .poll(() => page.locator('.leadbot-msg.bot', { hasText: 'Please answer with a number' }).count())
      .toBe(1);
    await type(page, 'about 80 people');
    await click(page, 'Yes, approved');
    await click(page, 'This month');
    await expect.poll(() => lastBot(page).textContent()).toBe("What's the best email to reach you?");
    await type(page, 'jane@acme.example');
    await expect.poll(() => lastBot(page).textContent()).toMatch(/May we contact you/);
    await type(page, 'yes');
    await expect.poll(() => lastBot(page).textContent()).toMatch(/demo/);
    await type(page, 'no');
    await expect.poll(() => lastBot(page).textContent()).toMatch(/That's everything/);

    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('.leadbot img').count()).toBe(0);
    const visitor = await page.evaluate(() =>
      JSON.parse((globalThis as unknown as BrowserGlobals).localStorage.getItem('leadbot.visitor') ?? 'null'),
    );
    const identity = await h.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor });
    const lead = await h.store.getLead(identity!.leadId);
    expect(lead).toMatchObject({
      stage: 'SQL',
      company: XSS,
      source: { platform: 'web', campaign: 'browser/chromium' },
    });

    // A reload keeps the conversation (visitor id and transcript in localStorage).
    await page.reload();
    await expect.poll(() => lastBot(page).textContent()).toMatch(/That's everything/);
    await page.close();
  });

  it('the embed snippet runs the chat on another site allowed by WEB_CHAT_ORIGINS', async () => {
    // Another origin (other port) serving only the snippet, as a customer's site would.
    const site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Customer site</title><h1>Pricing</h1>\n${embedSnippet(chat.base)}`);
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    const siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    const chat = await startWebHarness({ allowedOrigins: [siteUrl] });
    try {
      const page = await context.newPage();
      await page.goto(`${siteUrl}/pricing?utm_source=partner`);
      await expect.poll(() => lastBot(page).textContent()).toBe('What brings you here today?');
      await click(page, 'Just exploring');
      await expect.poll(() => lastBot(page).textContent()).toBe('Which company are you with?');
      const visitor = await page.evaluate(() =>
        JSON.parse(
          (globalThis as unknown as BrowserGlobals).localStorage.getItem('leadbot.visitor') ?? 'null',
        ),
      );
      const identity = await chat.store.findIdentity({ platform: 'web', workspaceId: '', userId: visitor });
      expect((await chat.store.getLead(identity!.leadId))?.source.campaign).toBe('partner');
      await page.close();
    } finally {
      await chat.close();
      site.closeAllConnections(); // the browser keeps its connection alive
      await new Promise((r) => site.close(r));
    }
  });

  it('over the rate limit the widget asks to wait and gives the typed answer back', async () => {
    // Four requests a minute: opening the chat, the widget's first look for a rep's messages
    // (/api/chat/messages counts against the same address budget), the first answer, the
    // company; the fifth is refused.
    const limits = createRateLimits({
      limits: { chatIp: { points: 4, seconds: 60 }, chatVisitor: null, login: null, link: null },
      trustProxy: 0,
      logger: silentLogger,
    });
    const chat = await startWebHarness({ limits: limits.chat });
    try {
      const page = await context.newPage();
      await page.goto(`${chat.base}/`);
      await expect.poll(() => lastBot(page).textContent()).toBe('What brings you here today?');
      await click(page, 'Just exploring');
      await expect.poll(() => lastBot(page).textContent()).toBe('Which company are you with?');
      await type(page, 'Initech');
      await expect.poll(() => lastBot(page).textContent()).toMatch(/^What's your role at Initech\?/);
      await type(page, 'Engineer');
      await expect.poll(() => lastBot(page).textContent()).toMatch(/Please wait \d+ seconds and try again/);
      expect(await page.locator('.leadbot-input').inputValue()).toBe('Engineer');
      expect(await page.locator('.leadbot-msg.me', { hasText: 'Engineer' }).count()).toBe(0);
      await page.close();
    } finally {
      await chat.close();
      await limits.close();
    }
  });

  it('the dashboard refuses without the token, then shows the lead at SQL in the funnel', async () => {
    const page = await context.newPage();
    await page.goto(`${h.base}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await page.locator('input[name=token]').fill('not-the-token');
    await page.locator('form.login button').click();
    await expect.poll(() => page.locator('.error').textContent()).toBe('That token is not right.');

    await page.locator('input[name=token]').fill(TOKEN);
    await page.locator('form.login button').click();
    await page.waitForURL(`${h.base}/dashboard`);
    expect(await page.locator('[data-testid=sql]').textContent()).toBe('1');
    expect(await page.locator('svg.funnel title').textContent()).toContain('1 SQL');
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results/dashboard.png'), fullPage: true });

    await page.goto(`${h.base}/dashboard/leads`);
    await page.locator('table.leads tbody a').first().click();
    expect(await page.locator('[data-testid=stage]').textContent()).toBe('SQL');
    expect(await page.locator('dl.lead').textContent()).toContain(XSS);
    expect(await page.locator('main img').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    await page.close();
    expect(cspViolations).toEqual([]);
  });
});
