import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ZEEK, home, openApp, screen } from './helpers';

/**
 * The analyst's first session in serve mode, through the UI only: create a project, import a
 * labelled Zeek log, look at fields and roles, change one, import a damaged file and read its
 * quarantine. A screenshot of each screen goes to test-results/screens/.
 */

const HOSTILE = '<img src=x onerror=alert(1)>';

test.describe.configure({ mode: 'serial' });

let page: Page;
const problems: string[] = [];

/** A short Zeek log with three lines that cannot be read, one of them an HTML payload. */
function damagedLog(): string {
  const lines = fs.readFileSync(ZEEK, 'utf8').split('\n');
  const file = path.join(home(), 'logs', 'damaged.conn.log');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, [...lines.slice(0, 40), 'garbage: not a zeek record', HOSTILE, '\t\t\tshort', ...lines.slice(40, 60)].join('\n') + '\n');
  return file;
}

async function previewAndImport(file: string, labelColumn?: string) {
  await page.getByLabel('Log file path').fill(file);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText('Zeek TSV log')).toBeVisible();
  if (labelColumn) await page.getByLabel('Ground-truth column').selectOption(labelColumn);
}

test.beforeAll(async ({ browser }) => {
  page = await openApp(browser, problems);
});

test.afterAll(async () => {
  await page?.close();
});

test('the start screen offers a path field and no recent projects', async () => {
  await expect(page.getByRole('heading', { name: 'RoSAS Workbench' })).toBeVisible();
  // The token left the address bar for sessionStorage.
  expect(page.url()).not.toContain('token');
  await expect(page.getByText('None yet.')).toBeVisible();
  // Keyboard first: the path field is the first stop, and the focus is plain to see.
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Project file')).toBeFocused();
  const outline = await page.getByLabel('Project file').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).outlineStyle);
  expect(outline).toBe('solid');
  await screen(page, '01-start');
});

test('creates a project through the UI', async () => {
  await page.getByLabel('Project file').fill(path.join(home(), 'cases', 'ctu.rosas'));
  await page.getByRole('button', { name: 'Create new project' }).click();
  // No such folder yet: the analyst is asked, and the folder is made only when they say so.
  await expect(page.getByRole('alertdialog')).toContainText('does not exist yet');
  expect(fs.existsSync(path.join(home(), 'cases'))).toBe(false);
  await screen(page, '01b-start-create-folder');
  await page.getByRole('button', { name: 'Create the folder and the project' }).click();
  await expect(page.getByRole('heading', { name: 'ctu.rosas' })).toBeVisible();
  expect(fs.existsSync(path.join(home(), 'cases', 'ctu.rosas'))).toBe(true);
  await expect(page.getByRole('heading', { name: 'Import logs' })).toBeVisible();
  await screen(page, '02-project-empty');
});

test('previews the Zeek log and marks label as the ground-truth column', async () => {
  await previewAndImport(ZEEK, 'label');
  await expect(page.getByText('confidence')).toBeVisible();
  await expect(page.getByLabel('label holds ground truth', { exact: true })).toBeChecked();
  await expect(page.getByLabel('Role of field label', { exact: true })).toBeDisabled();
  // First records as a table.
  await expect(page.getByRole('table').nth(1).getByRole('cell', { name: 'CHLXQF2OBY4onAR0Ug' })).toBeVisible();
  await screen(page, '03-import-preview');
});

test('imports it with progress, then shows the summary', async () => {
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(page.getByRole('progressbar', { name: 'Import progress' })).toBeVisible();
  await screen(page, '04-import-running');
  await expect(page.getByText(/5,663\s+records/).first()).toBeVisible();
  await expect(page.getByText(/Ground truth label: .* anomalies, .* normal/)).toBeVisible();
  await screen(page, '05-import-summary');
});

test('shows the counts, the source and the fields with their roles', async () => {
  await page.getByRole('button', { name: 'Overview' }).click();
  const records = page.locator('.stat', { hasText: 'Records' });
  await expect(records).toContainText('5,663');
  await expect(page.getByRole('cell', { name: 'ctu-normal-40-day1.conn.log.labeled' })).toBeVisible();
  await expect(page.getByLabel('Role of field id.orig_h')).toHaveValue('ip');
  await expect(page.getByLabel('Role of field label', { exact: true })).toHaveValue('label');
  await screen(page, '06-overview');
});

test('changes a role, which survives a reload', async () => {
  const proto = page.getByLabel('Role of field proto', { exact: true });
  const inferred = await proto.inputValue();
  expect(inferred).not.toBe('ignore');
  await proto.selectOption('ignore');
  await expect(page.getByRole('button', { name: `Reset the role of proto to ${inferred}` })).toBeVisible();
  await page.reload();
  await page.getByRole('button', { name: 'Overview' }).click();
  await expect(page.getByLabel('Role of field proto', { exact: true })).toHaveValue('ignore');
  await screen(page, '07-role-changed');
});

test('imports a damaged file and shows its quarantined lines as text', async () => {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await previewAndImport(damagedLog());
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(page.getByText(/3\s+quarantined/).first()).toBeVisible();
  await page.getByRole('button', { name: 'View quarantined lines' }).click();
  await expect(page.getByRole('heading', { name: 'Quarantine' })).toBeVisible();
  await expect(page.getByText('1–3 of 3 quarantined lines')).toBeVisible();
  const raw = page.locator('td.raw');
  await expect(raw).toHaveCount(3);
  await expect(raw.nth(1)).toHaveText(HOSTILE);
  await expect(page.locator('main img')).toHaveCount(0);
  await screen(page, '08-quarantine');

  await page.getByRole('button', { name: 'Overview' }).click();
  await expect(page.locator('.stat', { hasText: 'Quarantined' })).toContainText('3');
  await expect(page.locator('.stat', { hasText: 'Sources' })).toContainText('2');
});

/** A large Zeek log (the sample's records over and over), slow enough to cancel midway. */
function largeLog(records: number): string {
  const lines = fs.readFileSync(ZEEK, 'utf8').split('\n');
  const header = lines.filter((l) => l.startsWith('#'));
  const body = lines.filter((l) => l && !l.startsWith('#'));
  const file = path.join(home(), 'logs', 'large.conn.log');
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, header.join('\n') + '\n');
  const chunk = body.join('\n') + '\n';
  for (let n = 0; n < records; n += body.length) fs.writeSync(out, chunk);
  fs.closeSync(out);
  return file;
}

test('cancels a long import, which leaves the project as it was', async () => {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByRole('button', { name: 'Import another file' }).click();
  await previewAndImport(largeLog(600_000));
  await page.getByRole('button', { name: 'Import file' }).click();
  const bar = page.getByRole('progressbar', { name: 'Import progress' });
  await expect(bar).not.toHaveAttribute('aria-valuenow', '0');
  await expect(page.getByText(/[1-9][\d,]* records\/s/)).toBeVisible();
  await screen(page, '09-import-progress');
  await page.getByRole('button', { name: 'Cancel import' }).click();
  await expect(page.getByText(/Import cancelled: the file in progress was rolled back/)).toBeVisible();
  await page.getByRole('button', { name: 'Overview' }).click();
  await expect(page.locator('.stat', { hasText: 'Records' })).toContainText('5,715');
  await expect(page.locator('.stat', { hasText: 'Sources' })).toContainText('2');
});

test('closes the project and lists it among the recent ones; create over it asks; remove from the list', async () => {
  const file = path.join(home(), 'cases', 'ctu.rosas');
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByRole('button', { name: `Remove ${file} from the list` })).toBeVisible();
  await screen(page, '10-start-recent');
  expect(fs.existsSync(`${file}.lock`)).toBe(false);
  // Create on a project that exists asks (and offers to open it); nothing is overwritten.
  const before = fs.statSync(file).size;
  await page.getByLabel('Project file').fill(file);
  await page.getByRole('button', { name: 'Create new project' }).click();
  await expect(page.getByRole('alertdialog')).toContainText('a new project would replace it');
  await page.getByRole('button', { name: 'Cancel' }).click();
  expect(fs.statSync(file).size).toBe(before);
  // Removing it from the list leaves the file where it is.
  await page.getByRole('button', { name: `Remove ${file} from the list` }).click();
  await expect(page.getByText('None yet.')).toBeVisible();
  expect(fs.existsSync(file)).toBe(true);
});

test('nothing left the machine, broke the CSP or ran from a log value', async () => {
  expect(problems).toEqual([]);
});
