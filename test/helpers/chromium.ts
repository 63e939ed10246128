/**
 * Headless Chromium for the browser tests (Debian's `chromium`, driven by playwright-core):
 * whether it is installed (CI must have it: `.ci/run` installs it), and one launch with a
 * throwaway profile that `close` removes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is here; outside CI a missing one skips the suite with a warning. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const reason = `${CHROMIUM} is not installed (apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(`browser tests need Chromium in CI: ${reason}`);
  console.warn(`skipping browser tests: ${reason}`);
  return false;
}

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches headless Chromium on a fresh profile; steps fail after 10 s with their own message. */
export async function launchChromium(): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'leadbot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  context.setDefaultTimeout(10_000);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
