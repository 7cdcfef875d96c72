import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CHROMIUM, closeChromium, launchChromium } from '../helpers/browser';
import { ROOT } from '../helpers/paths';
import { PASSWORD, USER, WebSupervisor } from '../helpers/web-supervisor';

/** Where the screenshots are kept after the test's directory is gone (build/ is not committed). */
const ARTIFACTS = path.join(ROOT, 'build', 'test-artifacts');

describe('the web page in a real Chromium', { skip: CHROMIUM ? false : 'chromium is not installed' }, () => {
  it('stops and starts a program by clicking, sees the states change live, and tails its log', async (t) => {
    const s = await WebSupervisor.create(t);
    await s.up();
    assert.equal(fs.statSync(s.socket).mode & 0o777, 0o700, 'the socket is 0700 without chmod=');
    const browser = await launchChromium(s.dir);
    // Closed before the supervisor's directory (which holds the profile) is removed, pass or fail.
    let closed = false;
    const close = async (): Promise<void> => {
      if (!closed) await closeChromium(browser);
      closed = true;
    };
    t.after(close);
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('requestfailed', (req) => {
      if (!req.url().includes('/logtail/')) problems.push(`failed: ${req.url()}`); // an aborted tail is expected
    });
    await page.authenticate({ username: USER, password: PASSWORD });
    await page.setViewport({ width: 1200, height: 800 });
    await page.goto(`http://127.0.0.1:${s.port}/`, { waitUntil: 'domcontentloaded' });
    const ticker = 'section[data-namespec="ticker"]';
    await page.waitForSelector(`${ticker}[data-state="RUNNING"]`, { timeout: 20000 });
    assert.equal(await page.$eval('#ident', (e) => e.textContent), 'web-test');
    assert.match(await page.$eval('#meta', (e) => e.textContent ?? ''), /^tdaemon \d+\.\d+\.\d+ · supervisor pid \d+$/);
    // A mark in the page's memory: still there at the end means no reload happened.
    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 42));

    await page.click(`${ticker} button[data-verb="stop"]`);
    await page.waitForSelector(`${ticker}[data-state="STOPPED"]`, { timeout: 20000 });
    assert.equal((await s.states()).get('ticker')?.[0], 'STOPPED');
    await page.click(`${ticker} button[data-verb="start"]`);
    await page.waitForSelector(`${ticker}[data-state="RUNNING"]`, { timeout: 20000 });

    await page.click(`${ticker} button[data-verb="tail"]`);
    const ticks = (): Promise<number[]> => page.$eval(`${ticker} pre`, (e) => [...(e.textContent ?? '').matchAll(/tick (\d+)/g)].map((m) => Number(m[1])));
    await page.waitForFunction((sel) => /tick \d+/.test(document.querySelector(sel)?.textContent ?? ''), { timeout: 20000 }, `${ticker} pre`);
    const first = Math.max(...(await ticks()));
    // New lines arrive while we watch: the tail follows the log.
    await page.waitForFunction(
      (sel, seen) => [...(document.querySelector(sel)?.textContent ?? '').matchAll(/tick (\d+)/g)].some((m) => Number(m[1]) > seen + 2),
      { timeout: 20000 },
      `${ticker} pre`,
      first,
    );
    assert.equal(await page.evaluate(() => (window as unknown as { mark: number }).mark), 42);
    assert.ok(!(await page.content()).includes(PASSWORD), 'the password is never on the page');

    const shot = path.join(s.dir, 'web-page.png');
    await page.screenshot({ path: shot });
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 2, isMobile: true });
    const phone = path.join(s.dir, 'web-page-phone.png');
    await page.screenshot({ path: phone });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    fs.copyFileSync(shot, path.join(ARTIFACTS, 'web-page.png'));
    fs.copyFileSync(phone, path.join(ARTIFACTS, 'web-page-phone.png'));
    t.diagnostic(`screenshots: ${ARTIFACTS}`);
    assert.deepEqual(problems, []);
    await close();
  });
});
