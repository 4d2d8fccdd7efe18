import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { ReviewState } from '../lib/review-state.svelte';
import { FakeApi } from '../lib/testing/fake-api';
import { HOSTILE } from '../lib/testing/fixtures';
import { reviewBackend } from '../lib/testing/review-fixtures';
import ReviewTable from './ReviewTable.svelte';

afterEach(cleanup);
const flush = () => new Promise((r) => setTimeout(r, 0));

async function table(total: number, opts: { columns?: (id: number) => Record<string, unknown> } = {}) {
  const api = new FakeApi();
  reviewBackend(api, total, opts);
  const review = new ReviewState(api);
  review.ranking.columns = ['id.orig_h', 'proto'];
  await review.load();
  const r = render(ReviewTable, { review, height: 334, roles: new Map([['id.orig_h', 'ip']]) });
  await flush();
  await tick();
  return { ...r, api, review };
}

const rows = (c: HTMLElement) => [...c.querySelectorAll('[role="row"][data-index]')] as HTMLElement[];

describe('ReviewTable', () => {
  it('has only the rows on screen in the DOM, even for a million records', async () => {
    const { container, review } = await table(1_000_000);
    const grid = container.querySelector('[role="grid"]')!;
    expect(grid.getAttribute('aria-rowcount')).toBe('1000001');
    // 300 px of rows at 30 px, plus overscan.
    expect(rows(container).length).toBeGreaterThan(5);
    expect(rows(container).length).toBeLessThan(30);
    const first = rows(container)[0]!;
    expect(first.getAttribute('aria-rowindex')).toBe('2');
    expect(first.textContent).toContain('10.0.1.1');
    expect(first.classList.contains('cursor')).toBe(true);
    expect(grid.getAttribute('aria-activedescendant')).toBe('review-row-0');
    // Moving the cursor far away scrolls there and draws those rows instead.
    review.moveTo(700_000);
    await flush();
    await tick();
    await flush();
    await tick();
    const drawn = rows(container).map((r) => Number(r.getAttribute('data-index')));
    expect(drawn).toContain(700_000);
    expect(drawn.length).toBeLessThan(30);
    expect(review.ranking.cachedPages).toBeLessThanOrEqual(3);
    expect(container.querySelector('#review-row-700000')?.textContent).toContain('700,001');
  });

  it('moves the cursor on click, toggles with Ctrl and the checkbox, selects a range with Shift', async () => {
    const { container, review } = await table(100);
    await fireEvent.click(rows(container)[3]!);
    expect(review.ranking.cursor).toBe(3);
    await fireEvent.click(rows(container)[5]!, { shiftKey: true });
    await flush();
    expect([...review.selection.ids].sort()).toEqual([1004, 1005, 1006]);
    await fireEvent.click(rows(container)[4]!.querySelector('input[type="checkbox"]')!);
    expect([...review.selection.ids].sort()).toEqual([1004, 1006]);
    await tick();
    const boxes = rows(container).slice(3, 6).map((r) => (r.querySelector('input[type="checkbox"]') as HTMLInputElement).checked);
    expect(boxes).toEqual([true, false, true]);
    expect(rows(container)[3]!.getAttribute('aria-selected')).toBe('true');
    await fireEvent.click(rows(container)[0]!, { ctrlKey: true });
    expect(review.selection.has(1001)).toBe(true);
  });

  it('shows labels as they are saved, and log values as text', async () => {
    const { container, review } = await table(20, { columns: (id) => ({ 'id.orig_h': HOSTILE, proto: id % 2 ? '<script>alert(1)</script>' : 'javascript:alert(1)' }) });
    const saving = review.label('anomaly');
    await tick();
    expect(rows(container)[0]!.querySelector('.badge')?.textContent).toBe('anomaly');
    expect(rows(container)[0]!.querySelector('.badge')?.classList.contains('pending')).toBe(true);
    await saving;
    await tick();
    expect(rows(container)[0]!.querySelector('.badge')?.classList.contains('pending')).toBe(false);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('a')).toBeNull();
    expect(container.textContent).toContain(HOSTILE);
    expect(container.textContent).toContain('<script>alert(1)</script>');
  });
});
