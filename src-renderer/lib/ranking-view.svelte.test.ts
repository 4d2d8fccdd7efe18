import { describe, expect, it, vi } from 'vitest';
import { RankingView } from './ranking-view.svelte';
import { FakeApi } from './testing/fake-api';
import { reviewBackend } from './testing/review-fixtures';

const MILLION = 1_000_000;

function setup(total = MILLION, opts: { maxPages?: number } = {}) {
  const api = new FakeApi();
  const backend = reviewBackend(api, total);
  const onError = vi.fn();
  const onRows = vi.fn();
  const ranking = new RankingView(api, { pageSize: 100, maxPages: opts.maxPages ?? 8, onError, onRows });
  ranking.columns = ['id.orig_h', 'proto'];
  return { api, backend, ranking, onError, onRows };
}

describe('RankingView: paging a million records', () => {
  it('loads one page for a fresh view, and never more than it is asked for', async () => {
    const { api, ranking, onRows } = setup();
    await ranking.load();
    expect(ranking.total).toBe(MILLION);
    expect(ranking.view).toBe('view-1');
    expect(ranking.shownRound).toBe(2);
    expect(api.requestsOf('review.page')).toEqual([{ filter: { label: 'none' }, columns: ['id.orig_h', 'proto'], offset: 0, limit: 100 }]);
    expect(ranking.rowAt(0)).toMatchObject({ id: 1001, rank: 1 });
    expect(ranking.rowAt(99)).toMatchObject({ rank: 100 });
    expect(ranking.rowAt(100)).toBeUndefined();
    expect(onRows).toHaveBeenCalledTimes(1);
  });

  it('fetches the pages that come on screen, each once, within the same view', async () => {
    const { api, ranking } = setup();
    await ranking.load();
    await Promise.all([ranking.ensure(150, 180), ranking.ensure(160, 230)]);
    expect(api.requestsOf('review.page').map((r) => [r.offset, r.view])).toEqual([
      [0, undefined],
      [100, 'view-1'],
      [200, 'view-1'],
    ]);
    await ranking.ensure(0, 250);
    expect(api.requestsOf('review.page')).toHaveLength(3);
    // Far down the ranking: just that page.
    await ranking.ensure(999_950, 999_990);
    expect(api.requestsOf('review.page').at(-1)).toMatchObject({ offset: 999_900, view: 'view-1' });
    expect(ranking.rowAt(999_999)).toMatchObject({ rank: MILLION });
  });

  it('keeps only a bounded number of pages in memory, however far the analyst scrolls', async () => {
    const { ranking } = setup(MILLION, { maxPages: 8 });
    await ranking.load();
    for (let i = 0; i < 200; i++) await ranking.ensure(i * 5000, i * 5000 + 40);
    expect(ranking.cachedPages).toBeLessThanOrEqual(8);
    // The cursor's page is never the one evicted.
    expect(ranking.rowAt(0)).toBeDefined();
  });

  it('starts over when the main side has dropped the view, and ignores answers to an old filter', async () => {
    const { api, backend, ranking } = setup(1000);
    await ranking.load();
    backend.setTotal(900);
    // The server no longer knows view-1: its answer is a new view, and the cache restarts.
    api.answer('review.page', (req) => ({ view: 'view-9', round: 2, total: 900, offset: req.offset, rows: [], scores: { min: 0, max: 1 } }));
    await ranking.ensure(300, 320);
    expect(ranking.view).toBe('view-9');
    expect(ranking.total).toBe(900);
    expect(ranking.rowAt(0)).toBeUndefined();

    // A slow page of the old filter arrives after a new filter was applied: dropped.
    let release!: () => void;
    api.answer('review.page', (req) =>
      new Promise((resolve) => (release = () => resolve({ view: 'old', round: 2, total: 5, offset: req.offset, rows: [], scores: { min: 0, max: 1 } }))),
    );
    const slow = ranking.ensure(500, 510);
    reviewBackend(api, 42);
    ranking.filter = { label: 'all' };
    await ranking.load();
    release();
    await slow;
    expect(ranking.total).toBe(42);
    expect(ranking.filter).toEqual({ label: 'all' });
  });
});

describe('RankingView: the cursor, labels and failures', () => {
  it('a reload keeps the cursor where it was (within the new total); a fresh view goes to the top', async () => {
    const { api, backend, ranking } = setup(1000);
    await ranking.load();
    ranking.cursor = 550;
    await ranking.load({ keepCursor: true });
    expect(api.requestsOf('review.page').at(-1)).toMatchObject({ offset: 500 });
    expect(ranking.current).toMatchObject({ rank: 551 });
    backend.setTotal(300);
    await ranking.load({ keepCursor: true });
    expect(ranking.cursor).toBe(299);
    await ranking.load();
    expect(ranking.cursor).toBe(0);
  });

  it('puts saved labels into the cached rows, counted until the next fresh view', async () => {
    const { ranking } = setup(1000);
    await ranking.load();
    ranking.applyLabels({
      changed: 2,
      records: [
        { id: 1002, label: 'anomaly', note: 'seen before' },
        { id: 9999, label: 'normal', note: null },
      ],
    });
    expect(ranking.rowAt(1)).toMatchObject({ id: 1002, label: 'anomaly', note: 'seen before' });
    expect(ranking.labeledSinceLoad).toBe(2);
    // The view is fixed: the labeled record stays where it is.
    expect(ranking.total).toBe(1000);
    await ranking.load();
    expect(ranking.labeledSinceLoad).toBe(0);
  });

  it('counts records labeled, not label calls: a range of 12 is 12, the same record twice is 1', async () => {
    const { ranking } = setup(1000);
    await ranking.load();
    const saved = (ids: number[], label: 'anomaly' | 'normal' | null, changed = ids.length, groupMembers?: number) =>
      ranking.applyLabels({ changed, records: ids.map((id) => ({ id, label, note: null })), ...(groupMembers !== undefined ? { groupMembers } : {}) });
    saved([1001], 'anomaly');
    // Changed its mind: the same record again.
    saved([1001], 'normal');
    expect(ranking.labeledSinceLoad).toBe(1);
    // A range of 12 (rows 200-211: not in memory; the queue shows unlabeled records).
    saved(
      Array.from({ length: 12 }, (_, k) => 1201 + k),
      'normal',
    );
    expect(ranking.labeledSinceLoad).toBe(13);
    // Labeled and cleared again: back in the queue, not counted.
    saved([1002], 'anomaly');
    saved([1002], null);
    expect(ranking.labeledSinceLoad).toBe(13);
    // A group label: its representative asked for, 11 members labeled along (2 had that label already).
    saved([1003], 'anomaly', 10, 11);
    expect(ranking.labeledSinceLoad).toBe(23);
    await ranking.load();
    expect(ranking.labeledSinceLoad).toBe(0);
  });

  it('keeps where the table was scrolled while the view stays, not into a fresh one', async () => {
    const { ranking } = setup(1000);
    await ranking.load();
    ranking.cursor = 420;
    ranking.topRow = 410;
    await ranking.load({ keepCursor: true });
    expect(ranking.topRow).toBe(410);
    await ranking.load();
    expect(ranking.topRow).toBe(0);
  });

  it('says why a view could not be made, and shows an empty list', async () => {
    const { api, ranking, onError } = setup(1000);
    await ranking.load();
    api.fail('review.page', 'busy', 'the project is being imported into');
    await ranking.load();
    expect(onError).toHaveBeenCalledWith('the project is being imported into');
    expect(ranking.total).toBe(0);
    expect(ranking.loading).toBe(false);
  });
});
