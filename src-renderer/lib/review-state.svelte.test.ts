import { describe, expect, it, vi } from 'vitest';
import { ReviewState } from './review-state.svelte';
import { FakeApi } from './testing/fake-api';
import { reviewBackend } from './testing/review-fixtures';

const MILLION = 1_000_000;
const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(total = MILLION, opts: { pageSize?: number; maxPages?: number; followDelay?: number } = {}) {
  const api = new FakeApi();
  const backend = reviewBackend(api, total);
  const onLabeled = vi.fn();
  const review = new ReviewState(api, { pageSize: opts.pageSize ?? 100, maxPages: opts.maxPages ?? 8, onLabeled, followDelay: opts.followDelay ?? 0 });
  review.columns = ['id.orig_h', 'proto'];
  return { api, backend, review, onLabeled };
}

describe('ReviewState: paging a million records', () => {
  it('loads one page for a fresh view, and never more than it is asked for', async () => {
    const { api, review } = setup();
    await review.load();
    expect(review.total).toBe(MILLION);
    expect(review.view).toBe('view-1');
    expect(review.shownRound).toBe(2);
    expect(api.requestsOf('review.page')).toEqual([{ filter: { label: 'none' }, columns: ['id.orig_h', 'proto'], offset: 0, limit: 100 }]);
    expect(review.rowAt(0)).toMatchObject({ id: 1001, rank: 1 });
    expect(review.rowAt(99)).toMatchObject({ rank: 100 });
    expect(review.rowAt(100)).toBeUndefined();
  });

  it('fetches the pages that come on screen, each once, within the same view', async () => {
    const { api, review } = setup();
    await review.load();
    await Promise.all([review.ensure(150, 180), review.ensure(160, 230)]);
    expect(api.requestsOf('review.page').map((r) => [r.offset, r.view])).toEqual([
      [0, undefined],
      [100, 'view-1'],
      [200, 'view-1'],
    ]);
    await review.ensure(0, 250);
    expect(api.requestsOf('review.page')).toHaveLength(3);
    // Far down the ranking: just that page.
    await review.ensure(999_950, 999_990);
    expect(api.requestsOf('review.page').at(-1)).toMatchObject({ offset: 999_900, view: 'view-1' });
    expect(review.rowAt(999_999)).toMatchObject({ rank: MILLION });
  });

  it('keeps only a bounded number of pages in memory, however far the analyst scrolls', async () => {
    const { review } = setup(MILLION, { maxPages: 8 });
    await review.load();
    for (let i = 0; i < 200; i++) await review.ensure(i * 5000, i * 5000 + 40);
    expect(review.cachedPages).toBeLessThanOrEqual(8);
    // The cursor's page is never the one evicted.
    expect(review.rowAt(0)).toBeDefined();
  });

  it('starts over when the main side has dropped the view, and ignores answers to an old filter', async () => {
    const { api, backend, review } = setup(1000);
    await review.load();
    backend.setTotal(900);
    // The server no longer knows view-1: its answer is a new view, and the cache restarts.
    api.answer('review.page', (req) => ({ view: 'view-9', round: 2, total: 900, offset: req.offset, rows: [], scores: { min: 0, max: 1 } }));
    await review.ensure(300, 320);
    expect(review.view).toBe('view-9');
    expect(review.total).toBe(900);
    expect(review.rowAt(0)).toBeUndefined();

    // A slow page of the old filter arrives after a new filter was applied: dropped.
    let release!: () => void;
    api.answer('review.page', (req) =>
      new Promise((resolve) => (release = () => resolve({ view: 'old', round: 2, total: 5, offset: req.offset, rows: [], scores: { min: 0, max: 1 } }))),
    );
    const slow = review.ensure(500, 510);
    reviewBackend(api, 42);
    await review.setFilter({ label: 'all' });
    release();
    await slow;
    expect(review.total).toBe(42);
    expect(review.filter).toEqual({ label: 'all' });
  });
});

describe('ReviewState: cursor, selection and labels', () => {
  it('moves the cursor within the list and fetches what it reaches', async () => {
    const { review } = setup(1000);
    await review.load();
    review.move(-1);
    expect(review.cursor).toBe(0);
    review.moveTo(550);
    await flush();
    expect(review.current).toMatchObject({ rank: 551 });
    review.moveTo(5000);
    expect(review.cursor).toBe(999);
  });

  it('labels the record under the cursor, shows it at once as saving, and moves on', async () => {
    const { api, review, onLabeled } = setup(1000);
    await review.load();
    const done = review.label('anomaly');
    expect(review.cursor).toBe(1);
    expect(review.labelOf(review.rowAt(0)!)).toBe('anomaly');
    expect(review.isPending(1001)).toBe(true);
    expect(await done).toBe(true);
    expect(review.isPending(1001)).toBe(false);
    expect(review.rowAt(0)).toMatchObject({ label: 'anomaly' });
    expect(api.requestsOf('labels.set')).toEqual([{ ids: [1001], label: 'anomaly' }]);
    expect(onLabeled).toHaveBeenCalledWith({ anomaly: 1, normal: 0, unsure: 0, total: 1 });
    expect(review.labeledSinceLoad).toBe(1);
    // The view is fixed: the labeled record stays where it is until a reload.
    expect(review.total).toBe(1000);
  });

  it('sends labels in the order they were given, one call at a time', async () => {
    const { api, review } = setup(1000);
    await review.load();
    const order: string[] = [];
    let inFlight = 0;
    let most = 0;
    api.answer('labels.set', async (req) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await flush();
      order.push(`${req.ids[0]}:${req.label}`);
      inFlight--;
      return { changed: 1, counts: { anomaly: 0, normal: 0, unsure: 0, total: 0 }, records: req.ids.map((id) => ({ id, label: req.label, note: null })) };
    });
    await Promise.all([review.label('anomaly'), review.label('normal'), review.label('unsure')]);
    expect(order).toEqual(['1001:anomaly', '1002:normal', '1003:unsure']);
    expect(most).toBe(1);
  });

  it('says plainly when a label was not saved, and shows the label the record really has', async () => {
    const { api, review } = setup(1000);
    await review.load();
    api.fail('labels.set', 'busy', 'cannot save labels while an import is running');
    expect(await review.label('anomaly')).toBe(false);
    expect(review.error).toBe('The label for record 1001 was NOT saved: cannot save labels while an import is running');
    expect(review.labelOf(review.rowAt(0)!)).toBeNull();
    expect(review.isPending(1001)).toBe(false);
  });

  it('selects with x, extends with Shift (and shrinks back), and labels the selection in one call', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.moveTo(2);
    review.perform({ type: 'toggle-select' });
    expect([...review.selection]).toEqual([1003]);
    review.perform({ type: 'move', delta: 1, extend: true });
    review.perform({ type: 'move', delta: 1, extend: true });
    await flush();
    expect([...review.selection].sort()).toEqual([1003, 1004, 1005]);
    review.perform({ type: 'move', delta: -1, extend: true });
    await flush();
    expect([...review.selection].sort()).toEqual([1003, 1004]);
    expect(await review.label('normal')).toBe(true);
    expect(api.requestsOf('labels.set').at(-1)).toEqual({ ids: [1003, 1004], label: 'normal' });
    expect(review.selection.size).toBe(0);
    expect(review.cursor).toBe(3);
    expect(review.rowAt(2)?.label).toBe('normal');
    expect(review.rowAt(3)?.label).toBe('normal');
  });

  it('keeps a failed bulk label selected, to try again', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.click(0, { toggle: true });
    review.click(1, { toggle: true });
    api.fail('labels.set', 'not-found', 'no record');
    expect(await review.label('anomaly')).toBe(false);
    expect(review.error).toMatch(/the label for 2 records was NOT saved/i);
    expect([...review.selection].sort()).toEqual([1001, 1002]);
  });

  it('asks the main side for the ids of a range that reaches rows not loaded', async () => {
    const { api, review } = setup();
    await review.load();
    review.click(5);
    review.click(30_004, { shift: true });
    await flush();
    await flush();
    expect(api.requestsOf('review.ids')).toEqual([{ filter: { label: 'none' }, offset: 5, limit: 30_000, view: 'view-1' }]);
    expect(review.selection.size).toBe(30_000);
    expect(review.selection.has(1006)).toBe(true);
    expect(review.selection.has(31_005)).toBe(true);
    // Past the limit of one bulk label: refused, with a reason.
    review.click(0);
    review.click(60_000, { shift: true });
    await flush();
    expect(review.error).toMatch(/at most 50,000/);
  });

  it('Escape closes the record first, then clears the selection', async () => {
    const { review } = setup(1000);
    await review.load();
    review.toggle(0);
    review.perform({ type: 'open-detail' });
    expect(review.detail.open).toBe(true);
    review.perform({ type: 'close' });
    expect(review.detail.open).toBe(false);
    expect(review.selection.size).toBe(1);
    review.perform({ type: 'close' });
    expect(review.selection.size).toBe(0);
  });

  it('a reload makes a fresh view: the labeled records leave the queue, the cursor stays put', async () => {
    const { api, backend, review } = setup(1000);
    await review.load();
    review.moveTo(5);
    await review.label('anomaly');
    backend.setTotal(999);
    expect(review.perform({ type: 'refresh' })).toBe(true);
    await flush();
    expect(api.requestsOf('review.page').at(-1)).toEqual({ filter: { label: 'none' }, columns: ['id.orig_h', 'proto'], offset: 0, limit: 100 });
    expect(review.total).toBe(999);
    expect(review.cursor).toBe(6);
    expect(review.labeledSinceLoad).toBe(0);
  });

  it('leaves focus and help keys to the screen', () => {
    const { review } = setup(10);
    expect(review.perform({ type: 'focus-filter' })).toBe(false);
    expect(review.perform({ type: 'help' })).toBe(false);
    expect(review.perform({ type: 'edit-note' })).toBe(false);
  });
});

describe('ReviewState: the detail pane', () => {
  it('opens the record under the cursor with its explanation, and follows the cursor', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.perform({ type: 'open-detail' });
    await flush();
    expect(review.detail.record).toMatchObject({ id: 1001, raw: 'raw line of 1001' });
    expect(review.detail.explanation?.fields[0]).toMatchObject({ field: 'proto' });
    expect(api.requestsOf('record.get')).toEqual([{ id: 1001, round: 2 }]);
    review.move(1);
    await flush();
    expect(review.detail.record?.id).toBe(1002);
  });

  it('sends the note being written with the next label of that record', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.openDetail();
    await flush();
    review.detail.noteDraft = 'beacon every 60 s';
    // Saving a note without a label asks for one, and saves nothing.
    expect(await review.saveNote()).toBe(false);
    expect(review.detail.hint).toMatch(/Pick a label/);
    expect(api.requestsOf('labels.set')).toHaveLength(0);
    expect(await review.label('anomaly')).toBe(true);
    expect(api.requestsOf('labels.set')).toEqual([{ ids: [1001], label: 'anomaly', note: 'beacon every 60 s' }]);
    expect(review.rowAt(0)).toMatchObject({ label: 'anomaly', note: 'beacon every 60 s' });
  });

  it('saves a changed note of a labeled record with its label', async () => {
    const { api, review } = setup(1000);
    await review.load();
    await review.label('unsure');
    review.moveTo(0);
    review.openDetail();
    await flush();
    expect(review.detail.record?.label).toBe('unsure');
    review.detail.noteDraft = 'asked the owner';
    expect(await review.saveNote()).toBe(true);
    expect(api.requestsOf('labels.set').at(-1)).toEqual({ ids: [1001], label: 'unsure', note: 'asked the owner' });
    await flush();
    expect(review.detail.record).toMatchObject({ note: 'asked the owner' });
    expect(review.detail.noteDirty).toBe(false);
  });
});

describe('ReviewState: walking with the detail pane open', () => {
  it('explains only the record the cursor stops at', async () => {
    const { api, review } = setup(1000, { followDelay: 20 });
    await review.load();
    review.openDetail();
    await flush();
    review.move(1);
    review.move(1);
    review.move(1);
    await new Promise((r) => setTimeout(r, 80));
    expect(api.requestsOf('record.get').map((r) => r.id)).toEqual([1001, 1002, 1003, 1004]);
    expect(api.requestsOf('record.explain').map((r) => r.id)).toEqual([1001, 1004]);
    expect(review.detail.explanation?.recordId).toBe(1004);
  });
});

describe('ReviewState: notes are never dropped on the way', () => {
  it('keeps a note written for a record when the cursor moves on, and sends it with that record’s label', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.openDetail();
    await flush();
    review.detail.noteDraft = 'first thought';
    review.move(1);
    await flush();
    expect(review.detail.record?.id).toBe(1002);
    expect(review.detail.noteDraft).toBe('');
    review.move(-1);
    await flush();
    expect(review.detail.noteDraft).toBe('first thought');
    review.detail.close();
    expect(await review.label('normal')).toBe(true);
    expect(api.requestsOf('labels.set')).toEqual([{ ids: [1001], label: 'normal', note: 'first thought' }]);
    // Saved: it is not sent again.
    review.moveTo(0);
    await review.label('anomaly');
    expect(api.requestsOf('labels.set').at(-1)).toEqual({ ids: [1001], label: 'anomaly' });
  });
});
