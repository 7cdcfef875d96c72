/**
 * A real headless Chromium (Debian's /usr/bin/chromium) driven by
 * puppeteer-core, which never downloads a browser. A fresh profile in the
 * test's directory; no network features that would call out.
 */
import fs = require('node:fs');
import path = require('node:path');
import type { Browser } from 'puppeteer-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p)) ?? null;

/** Closes the browser, then removes its profile (Chromium writes to it until it has exited). */
export async function closeChromium(browser: Browser): Promise<void> {
  const profile = profiles.get(browser);
  await browser.close().catch(() => undefined);
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
}

const profiles = new WeakMap<Browser, string>();

export async function launchChromium(dir: string): Promise<Browser> {
  const puppeteer = await import('puppeteer-core');
  const profile = fs.mkdtempSync(path.join(dir, 'chromium-profile-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM!,
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
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
    ],
    userDataDir: profile,
    protocolTimeout: 60_000,
  });
  profiles.set(browser, profile);
  return browser;
}
