import { describe, expect, it, vi } from 'vitest';
import { RangeSelection } from './range-selection.svelte';
import { RankingView } from './ranking-view.svelte';
import { FakeApi } from './testing/fake-api';
import { reviewBackend } from './testing/review-fixtures';

const flush = () => new Promise((r) => setTimeout(r, 0));

/** A selection over a real ranking (its source of ids), one page of 100 rows loaded. */
async function setup(total = 1000) {
  const api = new FakeApi();
  reviewBackend(api, total);
  const ranking = new RankingView(api, { pageSize: 100 });
  await ranking.load();
  const onError = vi.fn();
  const selection = new RangeSelection(ranking, onError);
  const sorted = () => [...selection.ids].sort((a, b) => a - b);
  return { api, ranking, selection, onError, sorted };
}

describe('RangeSelection', () => {
  it('toggles records, and a Shift range adds rows to what was selected before it, shrinking back', async () => {
    const { api, selection, sorted } = await setup();
    selection.toggle(0, 1001);
    selection.toggle(5, 1006);
    expect(sorted()).toEqual([1001, 1006]);
    // The range starts at the row toggled last.
    await selection.extend(99, 7);
    expect(sorted()).toEqual([1001, 1006, 1007, 1008]);
    await selection.extend(99, 6);
    expect(sorted()).toEqual([1001, 1006, 1007]);
    // After a plain move the next range starts where the cursor is then, on top of what is selected.
    selection.endRange();
    await selection.extend(10, 11);
    expect(sorted()).toEqual([1001, 1006, 1007, 1011, 1012]);
    expect(selection.size).toBe(5);
    expect(selection.has(1011)).toBe(true);
    // All loaded: nothing asked of the main side.
    expect(api.requestsOf('review.ids')).toHaveLength(0);
  });

  it('forgets the range start when cleared', async () => {
    const { selection, sorted } = await setup();
    selection.toggle(3, 1004);
    selection.clear();
    await selection.extend(8, 9);
    expect(sorted()).toEqual([1009, 1010]);
  });

  it('asks the main side for the ids of a range that reaches rows not loaded, up to the limit of one bulk label', async () => {
    const { api, selection, onError } = await setup(1_000_000);
    await selection.extend(5, 30_004);
    expect(api.requestsOf('review.ids')).toEqual([{ filter: { label: 'none' }, offset: 5, limit: 30_000, view: 'view-1' }]);
    expect(selection.size).toBe(30_000);
    expect(selection.has(1006)).toBe(true);
    expect(selection.has(31_005)).toBe(true);
    // Past the limit: refused, with a reason, and the selection stays as it was.
    selection.endRange();
    await selection.extend(0, 60_000);
    expect(onError).toHaveBeenCalledWith('Select at most 50,000 records at once.');
    expect(selection.size).toBe(30_000);
  });

  it('drops a range from the main side that a newer range overtook, and one from a list that changed', async () => {
    const { api, selection, onError, sorted } = await setup();
    let release!: () => void;
    api.answer('review.ids', (req) => new Promise((resolve) => (release = () => resolve({ view: 'view-1', total: 1000, ids: Array.from({ length: req.limit }, (_, i) => 1001 + req.offset + i) }))));
    const slow = selection.extend(0, 500);
    await flush();
    await selection.extend(0, 2);
    release();
    await slow;
    expect(sorted()).toEqual([1001, 1002, 1003]);

    api.answer('review.ids', { view: 'view-7', total: 10, ids: [1] });
    await selection.extend(0, 400);
    expect(onError).toHaveBeenCalledWith('The list changed meanwhile; select again.');
    expect(sorted()).toEqual([1001, 1002, 1003]);
  });
});
