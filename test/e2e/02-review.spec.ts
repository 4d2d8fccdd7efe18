import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ZEEK, home, openApp, screen } from './helpers';

/**
 * A review session in serve mode, through the UI only: create a project, import the CTU conn log
 * with `label` as ground truth, rank it (round 1, Isolation Forest, started from the Review
 * screen), label from the keyboard (with a note, and a bulk range), open a record with its
 * explanation, filter, retrain (RoSAS, a few epochs) while labeling goes on, look at round 2 and
 * its charts, export CSV and NDJSON and read the files. Then a log made of script and HTML
 * payloads: everything renders as text and no script runs. Screenshots go to test-results/screens/.
 * Runs after 01-first-session (the files run in name order, one at a time, on one server).
 */

const NOTE = 'C2 beacon? <b>check</b> with the owner';
/**
 * A few epochs keep the suite short. (More than ~20 make RoSAS diverge on this sample with these
 * few labels today: the round fails with NaN scores; reported to the engine's owners.)
 */
const EPOCHS = 10;

test.describe.configure({ mode: 'serial' });

let page: Page;
const problems: string[] = [];

const grid = () => page.getByRole('grid', { name: 'Ranked records' });
/** Data rows drawn in the table (the header row has no index). */
const rows = () => grid().locator('[role="row"][data-index]');
const row = (i: number) => grid().locator(`[role="row"][data-index="${i}"]`);
const tab = (name: string) => page.getByRole('navigation', { name: 'Project views' }).getByRole('button', { name, exact: true });

async function createProject(file: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.getByLabel('Project file').fill(file);
  await page.getByRole('button', { name: 'Create new project' }).click();
  await expect(page.getByRole('heading', { name: path.basename(file) })).toBeVisible();
}

async function importFile(file: string, opts: { labelColumn?: string; records: string }) {
  await page.getByLabel('Log file path').fill(file);
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(page.getByText('confidence')).toBeVisible();
  if (opts.labelColumn) await page.getByLabel('Ground-truth column').selectOption(opts.labelColumn);
  await page.getByRole('button', { name: 'Import file' }).click();
  await expect(page.getByText(new RegExp(`${opts.records}\\s+records`)).first()).toBeVisible();
}

async function rankFirstRound() {
  await expect(page.getByRole('heading', { name: 'The records are not ranked yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Rank the records (round 1)' }).click();
  await expect(row(0)).toBeVisible({ timeout: 60_000 });
}

test.beforeAll(async ({ browser }) => {
  page = await openApp(browser, problems);
});

test.afterAll(async () => {
  await page?.close();
});

test('creates a project and imports the CTU conn log with label as ground truth', async () => {
  await createProject(path.join(home(), 'review', 'ctu-review.rosas'));
  await importFile(ZEEK, { labelColumn: 'label', records: '5,663' });
  await page.getByRole('button', { name: 'Review the records' }).click();
  await screen(page, '11-review-not-ranked');
});

test('ranks the records from the Review screen: round 1, Isolation Forest', async () => {
  test.setTimeout(90_000);
  await rankFirstRound();
  await expect(grid()).toHaveAttribute('aria-rowcount', '5664');
  await expect(row(0).locator('[role="gridcell"]').nth(1)).toHaveText('1');
  // Virtualized: a screenful of rows in the DOM, not 5,663.
  expect(await rows().count()).toBeLessThan(60);
  // Default columns for a conn log: time, addresses, ports, service, bytes; never the ground truth.
  const headers = await grid().getByRole('columnheader').allTextContents();
  expect(headers.slice(4)).toEqual(['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'proto', 'service', 'duration', 'orig_bytes', 'resp_bytes']);
  await expect(grid()).toBeFocused();
  await expect(page.getByText(/5,663 records in this list · round 1/)).toBeVisible();
  await screen(page, '12-review');
});

test('labels five records from the keyboard, one with a note, then a Shift+j range in bulk', async () => {
  await page.keyboard.press('a'); // row 0
  await page.keyboard.press('n'); // row 1
  await page.keyboard.press('j'); // skip row 2
  await page.keyboard.press('a'); // row 3
  // A note for row 4, written from the keyboard: e, type, Escape back to the table, then its label.
  await page.keyboard.press('e');
  await expect(page.getByLabel(/^Note/)).toBeFocused();
  await page.keyboard.type(NOTE);
  await page.keyboard.press('Escape');
  await expect(grid()).toBeFocused();
  await page.keyboard.press('a'); // row 4, with the note
  await page.keyboard.press('u'); // row 5
  const badge = (i: number) => row(i).locator('.badge');
  await expect(badge(0)).toHaveText('anomaly');
  await expect(badge(1)).toHaveText('normal');
  await expect(badge(2)).toHaveCount(0);
  await expect(badge(3)).toHaveText('anomaly');
  await expect(badge(4)).toHaveText('anomaly');
  await expect(badge(5)).toHaveText('unsure');
  // Saved: none is still marked as saving.
  await expect(grid().locator('.badge.pending')).toHaveCount(0);
  await expect(row(4).locator('.note-mark')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByText(/5 records labeled since it was loaded/)).toBeVisible();

  // Row 6 onwards: a range of three with Shift+j, labeled normal at once.
  await expect(row(6)).toHaveClass(/cursor/);
  await page.keyboard.press('Shift+J');
  await page.keyboard.press('Shift+J');
  await expect(page.getByText('Label 3 selected:')).toBeVisible();
  await expect(grid().locator('[aria-selected="true"]')).toHaveCount(3);
  await page.keyboard.press('n');
  for (const i of [6, 7, 8]) await expect(badge(i)).toHaveText('normal');
  await expect(grid().locator('[aria-selected="true"]')).toHaveCount(0);
  await screen(page, '13-review-labeled');
});

test('another screen and back: the table shows the cursor row; Escape closes the keys and nothing else', async () => {
  // Records, not calls: the range of three counts three.
  await expect(page.getByText(/8 records labeled since it was loaded/)).toBeVisible();
  for (let k = 0; k < 4; k++) await page.keyboard.press('PageDown');
  const at = Number(await grid().locator('.rrow.cursor').getAttribute('data-index'));
  expect(at).toBeGreaterThan(40);
  await tab('Overview').click();
  await tab('Review').click();
  await expect(row(at)).toHaveClass(/cursor/);
  // Wholly within the grid's height, under its header (the row is wider than the grid: columns scroll sideways).
  const box = (await grid().boundingBox())!;
  const cur = (await row(at).boundingBox())!;
  expect(cur.y).toBeGreaterThanOrEqual(box.y + 34);
  expect(cur.y + cur.height).toBeLessThanOrEqual(box.y + box.height);
  await expect(grid()).toBeFocused();

  await page.keyboard.press('x');
  await expect(page.getByText('Label 1 selected:')).toBeVisible();
  await page.keyboard.press('?');
  const keys = page.getByRole('dialog', { name: 'Keyboard' });
  await expect(keys).toBeVisible();
  await screen(page, '13b-review-keys');
  await page.keyboard.press('Escape');
  await expect(keys).toHaveCount(0);
  await expect(grid()).toBeFocused();
  await expect(page.getByText('Label 1 selected:')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(grid().locator('[aria-selected="true"]')).toHaveCount(0);
});

test('opens a record with Enter: its label history, why it scored high, every field, the raw line', async () => {
  test.setTimeout(90_000);
  await page.keyboard.press('g');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  const pane = page.getByRole('complementary');
  await expect(pane.getByRole('heading', { name: /^Record \d+/ })).toBeVisible();
  await expect(pane.getByLabel(/^Note/)).toHaveValue(NOTE);
  await expect(pane.getByRole('button', { name: /^Anomaly/ })).toHaveAttribute('aria-pressed', 'true');
  await pane.getByText(/^History/).click();
  await expect(pane.getByText(/none → anomaly/)).toBeVisible();
  const up = pane.getByRole('list', { name: 'Fields that pushed the score up' });
  await expect(up.getByRole('listitem').first()).toBeVisible({ timeout: 60_000 });
  await expect(pane.getByText(/occlusion \(Isolation Forest\)/)).toBeVisible();
  await expect(pane.locator('pre.raw')).toContainText('\t');
  await expect(pane.getByRole('rowheader', { name: 'id.orig_h' })).toBeVisible();
  await screen(page, '14-detail');
  await page.keyboard.press('Escape');
  await expect(pane).toHaveCount(0);
  await expect(grid()).toBeFocused();
});

test('filters by a field value with /, and finds labeled records again', async () => {
  await page.keyboard.press('/');
  await expect(page.getByLabel(/^Value/)).toBeFocused();
  // Empty score fields say so; the round's range is in their title.
  await expect(page.getByLabel('Score from')).toHaveAttribute('placeholder', 'min');
  await expect(page.getByLabel('Score from')).toHaveValue('');
  await page.getByLabel('Field', { exact: true }).selectOption('proto');
  await page.getByLabel('How the value matches').selectOption('eq');
  await page.getByLabel(/^Value/).fill('tcp');
  await page.getByLabel(/^Value/).press('Enter');
  await expect(page.getByText(/records in this list/)).not.toHaveText(/5,6\d\d records/);
  const protoCells = rows().locator('[role="gridcell"]:nth-child(10)');
  await expect(protoCells.first()).toHaveText('tcp');
  for (const t of await protoCells.allTextContents()) expect(t).toBe('tcp');
  await screen(page, '15-review-filtered');
  await page.getByRole('button', { name: 'Clear', exact: true }).click();
  // Labeled records left the queue but stay findable.
  await page.getByLabel('Show', { exact: true }).selectOption('any');
  await expect(page.getByText(/^8 records in this list/)).toBeVisible();
  await page.getByLabel('Show', { exact: true }).selectOption('none');
  await expect(page.getByText(/^5,655 records in this list/)).toBeVisible();
});

test('retrains in the background with a progress bar and a live loss chart, while labeling goes on', async () => {
  test.setTimeout(120_000);
  await tab('Rounds').click();
  await expect(page.getByText(/The model is RoSAS/)).toBeVisible();
  await page.getByLabel('RoSAS epochs').fill(String(EPOCHS));
  await page.getByRole('button', { name: 'Retrain' }).click();
  // However fast the machine: the progress bar while it trains, or the saved round after.
  await expect(page.getByRole('progressbar', { name: 'Training progress' }).or(page.getByText(/Round 2 is saved/))).toBeVisible();
  await expect(page.getByRole('img', { name: /Training loss per epoch/ })).toBeVisible({ timeout: 60_000 });
  await screen(page, '16-rounds-training');

  // Labeling goes on meanwhile: the label is saved at once, training or not.
  await tab('Review').click();
  await expect(row(0)).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('u');
  await expect(row(0).locator('.badge')).toHaveText('unsure');
  await expect(grid().locator('.badge.pending')).toHaveCount(0);

  await tab('Rounds').click();
  await expect(page.getByText(/Round 2 is saved: RoSAS, 10 epochs/)).toBeVisible({ timeout: 90_000 });
});

test('shows round 2 in the history, with its charts: histogram, discovery, precision/recall', async () => {
  const history = page.getByRole('table');
  await expect(history.getByRole('row')).toHaveCount(3);
  await expect(history.getByRole('row').nth(1)).toContainText(`RoSAS · ${EPOCHS} epochs`);
  await expect(history.getByRole('row').nth(1)).toContainText('wasm');
  await expect(history.getByRole('row').nth(2)).toContainText('Isolation Forest');
  // Round 1's ranking: 3 anomalies found in 8 reviewed, 9 if training was still on when the last label came.
  const r1 = history.getByRole('row').nth(2).getByRole('cell');
  await expect(r1.nth(6)).toHaveText(/^[89]$/);
  await expect(r1.nth(7)).toHaveText('3');
  for (const name of [/Score histogram of round 2/, /Discovery curve/, /Precision and recall at k/, /Training loss per epoch of round 2/]) {
    await expect(page.getByRole('img', { name }).locator('svg')).toBeVisible();
  }
  await expect(page.getByText(/4,201 of 5,663 records are anomalies/)).toBeVisible();
  await screen(page, '17-rounds');
});

test('reviews round 2 and explains a record with the RoSAS model', async () => {
  test.setTimeout(90_000);
  await page.getByRole('button', { name: 'Review round 2' }).first().click();
  await expect(page.getByText(/records in this list · round 2/)).toBeVisible();
  await page.keyboard.press('Enter');
  const pane = page.getByRole('complementary');
  await expect(pane.getByText(/integrated gradients \(RoSAS\)/)).toBeVisible({ timeout: 60_000 });
  await expect(pane.getByRole('list', { name: /Fields that (pushed the score up|held the score down)/ }).first()).toBeVisible();
  await screen(page, '18-review-round2');
  await page.keyboard.press('Escape');
});

test('exports the findings as CSV and NDJSON, with their labels and notes', async () => {
  await tab('Export').click();
  await expect(page.getByText(/Labeled findings \(9: 3 anomaly, 4 normal, 2 unsure\)/)).toBeVisible();
  const csv = path.join(home(), 'exports', 'findings.csv');
  fs.mkdirSync(path.dirname(csv), { recursive: true });
  await page.getByLabel('File', { exact: true }).fill(csv);
  await page.getByRole('button', { name: 'Export', exact: true }).and(page.locator('button[type="submit"]')).click();
  await expect(page.getByText(`Exported 9 records to ${csv}`)).toBeVisible();
  const lines = fs.readFileSync(csv, 'utf8').trim().split('\n');
  expect(lines).toHaveLength(10);
  expect(lines[0]!.split(',').slice(0, 9)).toEqual(['id', 'rank', 'score', 'label', 'note', 'labeled_by', 'labeled_at', 'source', 'line']);
  const labels = lines.slice(1).map((l) => l.split(',')[3]);
  expect(labels.sort()).toEqual(['anomaly', 'anomaly', 'anomaly', 'normal', 'normal', 'normal', 'normal', 'unsure', 'unsure']);
  expect(lines.some((l) => l.includes(NOTE))).toBe(true);
  await screen(page, '19-export');

  // Again: refused unasked, replaced when asked.
  await page.getByRole('button', { name: 'Export', exact: true }).and(page.locator('button[type="submit"]')).click();
  await expect(page.getByRole('alert')).toContainText('exists already');
  await page.getByRole('button', { name: 'Replace the file' }).click();
  await expect(page.getByText(`Exported 9 records to ${csv}`)).toBeVisible();

  // A file that is not one of the app's exports is never replaced, and replacing is not offered.
  const mine = path.join(home(), 'exports', 'my-notes.csv');
  fs.writeFileSync(mine, 'my own notes\n');
  await page.getByLabel('File', { exact: true }).fill(mine);
  await page.getByRole('button', { name: 'Export', exact: true }).and(page.locator('button[type="submit"]')).click();
  await expect(page.getByRole('alert')).toContainText(`refused to replace ${mine}: it is not an export written by RoSAS Workbench`);
  await expect(page.getByRole('button', { name: 'Replace the file' })).toHaveCount(0);
  expect(fs.readFileSync(mine, 'utf8')).toBe('my own notes\n');

  // NDJSON beside the project (no path given).
  await page.getByLabel('File', { exact: true }).fill('');
  await page.getByRole('radio', { name: /NDJSON/ }).check();
  await page.getByRole('button', { name: 'Export', exact: true }).and(page.locator('button[type="submit"]')).click();
  const done = page.getByText(/Exported 9 records to /);
  await expect(done).toBeVisible();
  const file = (await done.locator('.file').textContent())!;
  expect(path.dirname(file)).toBe(path.join(home(), 'review'));
  expect(path.basename(file)).toMatch(/^ctu-review-findings-round2-\d{8}-\d{6}\.ndjson$/);
  const records = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(records).toHaveLength(9);
  expect(records.filter((r) => r.label === 'anomaly')).toHaveLength(3);
  expect(records.find((r) => r.note === NOTE)).toMatchObject({ label: 'anomaly', source: path.basename(ZEEK) });
  expect(records.every((r) => typeof r.rank === 'number' && typeof r.raw === 'string')).toBe(true);
});

/** A JSON log whose values, and one field name, are script and HTML payloads. */
function hostileLog(): string {
  const file = path.join(home(), 'logs', 'hostile.ndjson');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const payload = i % 3 === 0;
    lines.push(
      JSON.stringify({
        ts: 1_700_000_000 + i * 60,
        src_ip: `10.0.0.${i % 7}`,
        user: payload ? '<script>window.__pwned = 1</script>' : `user${i % 5}`,
        url: payload ? 'javascript:window.__pwned = 2' : `/page/${i % 4}`,
        agent: payload ? '<img src=x onerror="window.__pwned = 3">' : 'curl/8.0',
        '<img src=x onerror="window.__pwned = 4">': payload ? '<svg onload="window.__pwned = 5">' : 'x',
        bytes: payload ? 99_999 : 100 + i,
      }),
    );
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('a log of script and HTML payloads is shown as inert text: no script runs', async () => {
  test.setTimeout(90_000);
  await page.getByRole('button', { name: 'Close project' }).click();
  await createProject(path.join(home(), 'review', 'hostile.rosas'));
  await importFile(hostileLog(), { records: '60' });
  await page.getByRole('button', { name: 'Review the records' }).click();
  await rankFirstRound();
  // Show every field, the hostile field name too.
  await page.getByText(/^Columns \(/).click();
  const chooser = page.getByRole('group', { name: 'Columns to show' });
  for (const box of await chooser.getByRole('checkbox').all()) await box.check();
  await page.getByText(/^Columns \(/).click();
  await page.getByLabel('Show', { exact: true }).selectOption('all');
  await expect(grid().getByRole('columnheader', { name: '<img src=x onerror="window.__pwned = 4">' })).toBeVisible();
  await expect(grid().getByText('<script>window.__pwned = 1</script>').first()).toBeVisible();
  await expect(grid().getByText('javascript:window.__pwned = 2').first()).toBeVisible();
  await expect(grid().getByText('<img src=x onerror="window.__pwned = 3">').first()).toBeVisible();
  await grid().getByText('<script>window.__pwned = 1</script>').first().click();
  await page.keyboard.press('Enter');
  const pane = page.getByRole('complementary');
  await expect(pane.locator('pre.raw')).toContainText('<script>window.__pwned = 1</script>');
  await expect(pane.getByRole('list', { name: /Fields that/ }).first()).toBeVisible({ timeout: 60_000 });
  // A note can be a payload too: saved and shown as text.
  await page.keyboard.press('e');
  await page.keyboard.type('<img src=x onerror="window.__pwned = 6">');
  await page.keyboard.press('Escape');
  await page.keyboard.press('a');
  await expect(grid().locator('.badge.anomaly')).toHaveCount(1);
  await expect(grid().locator('.badge.pending')).toHaveCount(0);
  await screen(page, '20-hostile');

  const main = page.locator('main');
  await expect(main.locator('img')).toHaveCount(0);
  await expect(main.locator('script')).toHaveCount(0);
  await expect(main.locator('svg[onload]')).toHaveCount(0);
  await expect(main.locator('a[href^="javascript"]')).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  await page.getByRole('button', { name: 'Close project' }).click();
  await expect(page.getByRole('heading', { name: 'Open or create a project' })).toBeVisible();
  expect(fs.existsSync(path.join(home(), 'review', 'hostile.rosas.lock'))).toBe(false);
});

test('nothing left the machine, broke the CSP or ran from a log value', async () => {
  expect(problems).toEqual([]);
});
