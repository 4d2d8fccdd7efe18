import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ReviewState } from '../lib/review-state.svelte';
import { RoundsState } from '../lib/rounds-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { project, roundSummary } from '../lib/testing/fixtures';
import { detail, reviewBackend } from '../lib/testing/review-fixtures';
import Review from './Review.svelte';

afterEach(cleanup);
const flush = async () => {
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
};

async function setup(opts: { importing?: boolean; anomaliesInRound2?: number; coverPicks?: number; scoredInRound2?: number } = {}) {
  const api = new FakeApi();
  const backend = reviewBackend(api, 500);
  const summaries = [roundSummary(1), roundSummary(2, { labeledAnomalies: opts.anomaliesInRound2 ?? 2, coverPicks: opts.coverPicks ?? 0, recordsScored: opts.scoredInRound2 ?? 500 })];
  api.answer('rounds.list', summaries);
  const review = new ReviewState(api);
  const rounds = new RoundsState(api);
  rounds.rounds = summaries;
  review.ranking.columns = ['id.orig_h', 'proto'];
  await review.load();
  const p = project({
    records: 500,
    rounds: 2,
    sources: [],
    fields: ['id.orig_h', 'proto'].map((name) => ({ name, type: 'string', role: 'categorical', inferredRole: 'categorical', roleOverride: null, why: '', present: 1, distinct: 1 })),
  });
  const r = render(Review, { review, rounds, project: p, defaults: ['proto'], importing: opts.importing ?? false, height: 334, oncolumns: () => {}, onimport: () => {} });
  await flush();
  /** A key pressed where the focus is (the grid, at first). */
  const press = async (key: string, init: KeyboardEventInit = {}) => {
    await fireEvent.keyDown(document.activeElement ?? document.body, { key, ...init });
    await flush();
  };
  return { ...r, api, review, press, backend };
}

describe('Review screen after an import', () => {
  it('says how many records the shown round has not ranked, and retrains from there', async () => {
    const { api } = await setup({ scoredInRound2: 470 });
    expect(screen.getByText(/30 records imported after round 2 are not ranked yet/)).toBeTruthy();
    api.answer('rounds.train', { jobId: 't' });
    await fireEvent.click(screen.getByRole('button', { name: 'Retrain' }));
    expect(api.requestsOf('rounds.train')).toHaveLength(1);
    cleanup();
    await setup();
    expect(screen.queryByText(/not ranked yet/)).toBeNull();
  });
});

describe('Review screen cold start', () => {
  it('says why low scores sit among the first rows while nothing is labeled anomaly', async () => {
    await setup({ anomaliesInRound2: 0, coverPicks: 3 });
    expect(screen.getByText(/3 of this round's first 6 places show the largest groups/)).toBeTruthy();
    cleanup();
    // No pick (the reviews paid, or no group was large enough): the order is the score's, nothing to say.
    await setup({ anomaliesInRound2: 0, coverPicks: 0 });
    expect(screen.queryByText(/places show the largest groups/)).toBeNull();
  });
});

describe('Review screen keyboard', () => {
  it('focuses the table, moves with j/k and labels from the keys, one record after another', async () => {
    const { api, review, press } = await setup();
    expect(document.activeElement?.getAttribute('role')).toBe('grid');
    await press('j');
    await press('j');
    await press('k');
    expect(review.ranking.cursor).toBe(1);
    await press('a');
    await press('n');
    await press('u');
    expect(api.requestsOf('labels.set')).toEqual([
      { ids: [1002], label: 'anomaly' },
      { ids: [1003], label: 'normal' },
      { ids: [1004], label: 'unsure' },
    ]);
    expect(review.ranking.cursor).toBe(4);
    const grid = screen.getByRole('grid');
    expect(within(grid).getAllByText('anomaly')).toHaveLength(1);
    await press('ArrowUp');
    await press('Backspace');
    expect(api.requestsOf('labels.set').at(-1)).toEqual({ ids: [1004], label: null });
  });

  it('labels a Shift+j range in one call', async () => {
    const { api, press, review } = await setup();
    await press('J', { shiftKey: true });
    await press('J', { shiftKey: true });
    expect(review.selection.size).toBe(3);
    expect(screen.getByText('Label 3 selected:')).toBeTruthy();
    await press('n');
    expect(api.requestsOf('labels.set')).toEqual([{ ids: [1001, 1002, 1003], label: 'normal' }]);
  });

  it('opens the record with Enter, shows why it scored high, closes with Escape', async () => {
    const { press, container } = await setup();
    await press('j');
    await press('Enter');
    const pane = screen.getByRole('complementary');
    expect(within(pane).getByRole('heading', { name: /Record 1002/ })).toBeTruthy();
    expect(within(pane).getByText('raw line of 1002')).toBeTruthy();
    const up = within(pane).getByRole('list', { name: 'Fields that pushed the score up' });
    expect(within(up).getAllByRole('listitem').map((li) => li.textContent)).toEqual([expect.stringContaining('proto'), expect.stringContaining('id.orig_h')]);
    expect(within(pane).getByRole('list', { name: 'Fields that held the score down' }).textContent).toContain('(none)');
    await press('Escape');
    expect(screen.queryByRole('complementary')).toBeNull();
    expect(document.activeElement?.getAttribute('role')).toBe('grid');
    expect(container.querySelector('.body.split')).toBeNull();
  });

  it('writes a note from the keyboard: e, type, Escape back, then a label takes it along', async () => {
    const { api, press } = await setup();
    await press('e');
    const note = screen.getByLabelText(/^Note/) as HTMLInputElement;
    expect(document.activeElement).toBe(note);
    await fireEvent.input(note, { target: { value: 'seen before: scanner' } });
    // Keys typed into the note are text, not commands.
    await press('a');
    expect(api.requestsOf('labels.set')).toHaveLength(0);
    await press('Enter');
    expect(screen.getByRole('status').textContent).toMatch(/Pick a label/);
    await press('Escape');
    expect(document.activeElement?.getAttribute('role')).toBe('grid');
    await press('a');
    expect(api.requestsOf('labels.set')).toEqual([{ ids: [1001], label: 'anomaly', note: 'seen before: scanner' }]);
  });

  it('/ goes to the filter; typing there filters, not labels; Escape comes back', async () => {
    const { api, press, review } = await setup();
    await press('/');
    const value = screen.getByLabelText(/^Value/) as HTMLInputElement;
    expect(document.activeElement).toBe(value);
    await press('a');
    expect(api.requestsOf('labels.set')).toHaveLength(0);
    await fireEvent.change(screen.getByLabelText('Field'), { target: { value: 'proto' } });
    await fireEvent.input(value, { target: { value: 'udp' } });
    await fireEvent.submit(value.form!);
    await flush();
    expect(review.ranking.filter).toEqual({ label: 'none', fields: [{ field: 'proto', op: 'contains', value: 'udp' }] });
    expect(api.requestsOf('review.page').at(-1)).toMatchObject({ filter: { fields: [{ field: 'proto', op: 'contains', value: 'udp' }] }, offset: 0 });
    await press('Escape');
    expect(document.activeElement?.getAttribute('role')).toBe('grid');
  });

  it('shows the keys with ?', async () => {
    const { press } = await setup();
    await press('?', { shiftKey: true });
    expect(screen.getByRole('heading', { name: 'Keyboard' })).toBeTruthy();
    await press('?', { shiftKey: true });
    expect(screen.queryByRole('heading', { name: 'Keyboard' })).toBeNull();
  });

  it('closes the keys with Escape, back to the table, leaving the selection and the record alone', async () => {
    const { press, review } = await setup();
    await press('x');
    await press('?', { shiftKey: true });
    expect(screen.getByRole('dialog', { name: 'Keyboard' })).toBeTruthy();
    await press('Escape');
    expect(screen.queryByRole('dialog', { name: 'Keyboard' })).toBeNull();
    expect(review.selection.size).toBe(1);
    expect(document.activeElement?.getAttribute('role')).toBe('grid');
    // Over an open record: Escape closes the keys only; the next one closes the record.
    await press('Enter');
    await press('?', { shiftKey: true });
    await press('Escape');
    expect(screen.queryByRole('dialog', { name: 'Keyboard' })).toBeNull();
    expect(screen.getByRole('complementary')).toBeTruthy();
    await press('Escape');
    expect(screen.queryByRole('complementary')).toBeNull();
    // From its Close button too.
    await press('?', { shiftKey: true });
    await fireEvent.click(within(screen.getByRole('dialog', { name: 'Keyboard' })).getByRole('button', { name: /Close/ }));
    expect(screen.queryByRole('dialog', { name: 'Keyboard' })).toBeNull();
    expect(document.activeElement?.getAttribute('role')).toBe('grid');
  });

  it('typing a note is text: no label key, and the hint to pick a label goes as they type', async () => {
    const { api, press } = await setup();
    await press('e');
    const note = screen.getByLabelText(/^Note/) as HTMLInputElement;
    await fireEvent.input(note, { target: { value: 'scan' } });
    await press('Enter');
    expect(screen.getByRole('status').textContent).toMatch(/Pick a label with the buttons above \(or Escape, then a, n or u\)/);
    await press('n');
    await fireEvent.input(note, { target: { value: 'scan n' } });
    expect(screen.queryByText(/Pick a label/)).toBeNull();
    expect(api.requestsOf('labels.set')).toHaveLength(0);
  });

  it('keys typed after e, before the note box is there, go into the note and label nothing', async () => {
    const { api, press } = await setup();
    let arrive: () => void = () => {};
    api.answer('record.get', (req) => new Promise((resolve) => (arrive = () => resolve(detail(req.id)))));
    await press('e');
    expect(screen.queryByLabelText(/^Note/)).toBeNull();
    for (const key of ['n', 'o', 'x', 'Backspace', 'p', 'e']) await press(key);
    expect(api.requestsOf('labels.set')).toHaveLength(0);
    arrive();
    await flush();
    const note = screen.getByLabelText(/^Note/) as HTMLInputElement;
    expect(document.activeElement).toBe(note);
    expect(note.value).toBe('nope');
  });

  it('counts records labeled in the status line, not label calls', async () => {
    const { press } = await setup();
    await press('a');
    // The same record again (changed their mind): still one record.
    await press('k');
    await press('n');
    expect(screen.getByText(/· 1 record labeled since it was loaded/)).toBeTruthy();
    // A range of 12 in one call: 12 more.
    for (let k = 0; k < 11; k++) await press('J', { shiftKey: true });
    await press('n');
    expect(screen.getByText(/· 13 records labeled since it was loaded/)).toBeTruthy();
  });

  it('shows the score filter placeholders as placeholders, not as values', async () => {
    await setup();
    const from = screen.getByLabelText('Score from') as HTMLInputElement;
    const to = screen.getByLabelText('to') as HTMLInputElement;
    expect([from.placeholder, to.placeholder]).toEqual(['min', 'max']);
    expect([from.value, to.value]).toEqual(['', '']);
    // The round's range is still told, on hover.
    expect(from.title).toBe("This round's scores run from 0.0000 to 1.0000");
  });

  it('refuses to label while an import runs, saying nothing was changed', async () => {
    const { api, press } = await setup({ importing: true });
    await press('a');
    expect(api.requestsOf('labels.set')).toHaveLength(0);
    expect(screen.getByRole('alert').textContent).toMatch(/while an import is running.*Nothing was changed/);
  });
});
