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
  review.ranking.columns = ['id.orig_h', 'proto'];
  return { api, backend, review, onLabeled };
}

describe('ReviewState: cursor, selection and labels', () => {
  it('moves the cursor within the list and fetches what it reaches', async () => {
    const { review } = setup(1000);
    await review.load();
    review.move(-1);
    expect(review.ranking.cursor).toBe(0);
    review.moveTo(550);
    await flush();
    expect(review.ranking.current).toMatchObject({ rank: 551 });
    review.moveTo(5000);
    expect(review.ranking.cursor).toBe(999);
  });

  it('labels the record under the cursor, shows it at once as saving, and moves on', async () => {
    const { api, review, onLabeled } = setup(1000);
    await review.load();
    const done = review.label('anomaly');
    expect(review.ranking.cursor).toBe(1);
    expect(review.labels.labelOf(review.ranking.rowAt(0)!)).toBe('anomaly');
    expect(review.labels.isPending(1001)).toBe(true);
    expect(await done).toBe(true);
    expect(review.labels.isPending(1001)).toBe(false);
    expect(review.ranking.rowAt(0)).toMatchObject({ label: 'anomaly' });
    expect(api.requestsOf('labels.set')).toEqual([{ ids: [1001], label: 'anomaly' }]);
    expect(onLabeled).toHaveBeenCalledWith({ anomaly: 1, normal: 0, unsure: 0, total: 1 });
    expect(review.ranking.labeledSinceLoad).toBe(1);
    // The view is fixed: the labeled record stays where it is until a reload.
    expect(review.ranking.total).toBe(1000);
  });

  it('selects with x, extends with Shift (and shrinks back), and labels the selection in one call', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.moveTo(2);
    review.perform({ type: 'toggle-select' });
    expect([...review.selection.ids]).toEqual([1003]);
    review.perform({ type: 'move', delta: 1, extend: true });
    review.perform({ type: 'move', delta: 1, extend: true });
    await flush();
    expect([...review.selection.ids].sort()).toEqual([1003, 1004, 1005]);
    review.perform({ type: 'move', delta: -1, extend: true });
    await flush();
    expect([...review.selection.ids].sort()).toEqual([1003, 1004]);
    expect(await review.label('normal')).toBe(true);
    expect(api.requestsOf('labels.set').at(-1)).toEqual({ ids: [1003, 1004], label: 'normal' });
    expect(review.selection.size).toBe(0);
    expect(review.ranking.cursor).toBe(3);
    expect(review.ranking.rowAt(2)?.label).toBe('normal');
    expect(review.ranking.rowAt(3)?.label).toBe('normal');
  });

  it('keeps a failed bulk label selected, to try again', async () => {
    const { api, review } = setup(1000);
    await review.load();
    review.click(0, { toggle: true });
    review.click(1, { toggle: true });
    api.fail('labels.set', 'not-found', 'no record');
    expect(await review.label('anomaly')).toBe(false);
    expect(review.error).toMatch(/the label for 2 records was NOT saved/i);
    expect([...review.selection.ids].sort()).toEqual([1001, 1002]);
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
    expect(review.ranking.total).toBe(999);
    expect(review.ranking.cursor).toBe(6);
    expect(review.ranking.labeledSinceLoad).toBe(0);
  });

  it('shows what failed in any part in one banner; another round or filter clears it, with the selection', async () => {
    const { api, review } = setup();
    await review.load();
    review.click(5);
    review.click(60_004, { shift: true });
    expect(review.error).toMatch(/at most 50,000/);
    review.toggle(5);
    review.openDetail();
    await review.setRound(1);
    expect(review.error).toBeNull();
    expect(review.selection.size).toBe(0);
    expect(review.detail.open).toBe(false);
    expect(api.requestsOf('review.page').at(-1)).toEqual({ round: 1, filter: { label: 'none' }, columns: ['id.orig_h', 'proto'], offset: 0, limit: 100 });
    api.fail('review.page', 'internal', 'disk full');
    await review.ranking.ensure(500, 510);
    expect(review.error).toBe('disk full');
    reviewBackend(api, 10);
    await review.setFilter({ label: 'all' });
    expect(review.error).toBeNull();
    expect(review.ranking.total).toBe(10);
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
    expect(review.ranking.rowAt(0)).toMatchObject({ label: 'anomaly', note: 'beacon every 60 s' });
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
