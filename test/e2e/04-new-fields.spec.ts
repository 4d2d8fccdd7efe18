import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { samplePath } from '../helpers/samples';
import { home, openApp, screen } from './helpers';

/**
 * A second log with new fields reaches the model (issue 13 §4): an OpenSSH auth log is ranked
 * (round 1), then a Suricata EVE file brings fields the first spec never had. The import says they
 * join the model and in which spec version, Review says the new records are not ranked yet and
 * offers the retrain, and the Rounds table says which spec version each round trained on.
 */

const AUTH = samplePath('linux-auth/loghub-OpenSSH_2k.log');
const EVE = samplePath('suricata-eve/slips-test6-malicious.eve.json');

test.describe.configure({ mode: 'serial' });

let page: Page;
const problems: string[] = [];
const tab = (name: string) => page.getByRole('navigation', { name: 'Project views' }).getByRole('button', { name, exact: true });
const rows = () => page.getByRole('grid', { name: 'Ranked records' }).locator('[role="row"][data-index]');

async function importFile(file: string, records: string) {
  await page.getByLabel('Log file path').fill(file);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText('confidence')).toBeVisible();
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(page.getByText(new RegExp(`${records}\\s+records`)).first()).toBeVisible();
}

test.beforeAll(async ({ browser }) => {
  page = await openApp(browser, problems);
});

test.afterAll(async () => {
  await page?.close();
});

test('an auth log, ranked: round 1 on the first feature spec', async () => {
  const file = path.join(home(), 'new-fields', 'auth-then-eve.rosas');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.getByLabel('Project file').fill(file);
  await page.getByRole('button', { name: 'Create new project' }).click();
  await expect(page.getByRole('heading', { name: path.basename(file) })).toBeVisible();
  await importFile(AUTH, '2,000');
  await page.getByRole('button', { name: 'Review the records' }).click();
  await page.getByRole('button', { name: 'Rank the records (round 1)' }).click();
  await expect(rows().first()).toBeVisible({ timeout: 60_000 });
});

test('a Suricata EVE file with new fields: the import says they join the model', async () => {
  await tab('Import').click();
  // The panel still shows the first import's summary.
  await page.getByRole('button', { name: 'Import another file' }).click();
  await importFile(EVE, '5,000');
  // The summary names the new fields and the spec version the next round uses.
  await expect(page.getByText(/\d+ new fields join the model from the next round: .*\(feature spec #2\)/)).toBeVisible();
  await screen(page, '41-import-new-fields');
});

test('Review says the new records are not ranked yet; the retrain ranks them on spec #2', async () => {
  await tab('Review').click();
  const notice = page.getByRole('status').filter({ hasText: 'not ranked yet' });
  await expect(notice).toContainText('5,000 records imported after round 1 are not ranked yet.');
  await screen(page, '42-review-unranked');
  await notice.getByRole('button', { name: 'Retrain' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Round 2 is ready' })).toBeVisible({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Review round 2' }).click();
  await expect(page.getByText('not ranked yet')).toHaveCount(0);

  await tab('Rounds').click();
  const table = page.getByRole('table').filter({ has: page.getByRole('columnheader', { name: 'Features' }) });
  const round = (n: number) => table.getByRole('row').filter({ has: page.getByRole('cell', { name: String(n), exact: true }) });
  await expect(round(1)).toContainText(/#1 · \d+/);
  await expect(round(2)).toContainText(/#2 · \d+/);
  await screen(page, '43-rounds-spec-versions');
});

test('nothing left the machine, broke the CSP or ran from a log value', async () => {
  expect(problems).toEqual([]);
});
