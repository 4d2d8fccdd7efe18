import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import { samplePath } from '../helpers/samples';

// Steps the e2e files share: they drive one `rosas serve` (see global-setup.ts), one page per file.

/** The labelled CTU Zeek conn log (5,663 records). */
export const ZEEK = samplePath('zeek-tsv/ctu-normal-40-day1.conn.log.labeled');
const SCREENS = path.resolve('test-results', 'screens');

/** The served app's HOME, where the tests put projects and logs. */
export function home(): string {
  const h = process.env.ROSAS_E2E_HOME;
  if (!h) throw new Error('ROSAS_E2E_HOME is not set: global-setup did not run');
  return h;
}

/** A full-page screenshot to test-results/screens/<name>.png. */
export async function screen(page: Page, name: string) {
  fs.mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENS, `${name}.png`), fullPage: true });
}

/**
 * A new page on the served app. Nothing may leave the machine, nothing may break the CSP, no
 * script may run from a log value: whatever does is added to `problems`, which the last test of
 * each file expects to be empty.
 */
export async function openApp(browser: Browser, problems: string[]): Promise<Page> {
  const url = process.env.ROSAS_E2E_URL;
  if (!url) throw new Error('ROSAS_E2E_URL is not set: global-setup did not run');
  const origin = new URL(url).origin;
  const page = await browser.newPage();
  page.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) problems.push(`request to ${r.url()}`);
  });
  page.on('websocket', (ws) => {
    if (!ws.url().startsWith(origin.replace('http', 'ws'))) problems.push(`websocket to ${ws.url()}`);
  });
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    // Calls that fail on purpose (no project open yet, a folder that does not exist) answer 4xx,
    // which Chromium logs; anything else logged as an error is a problem.
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  return page;
}
