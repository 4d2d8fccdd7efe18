import { cleanup, fireEvent, render } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
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
const settle = async () => {
  for (let k = 0; k < 2; k++) {
    await flush();
    await tick();
  }
};
/** Rows [top, bottom) wholly in the grid's view, at 30 px a row under a 34 px header. */
function inView(grid: Element, index: number, boxHeight = 334) {
  const top = grid.scrollTop / 30;
  return index >= top - 0.02 && index + 1 <= top + (boxHeight - 34) / 30 + 0.02;
}

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

  it('shown again (another screen and back), opens where it was left, with the cursor row in view', async () => {
    const first = await table(1000);
    first.review.moveTo(300);
    await settle();
    first.review.moveTo(200);
    await settle();
    const left = first.container.querySelector('[role="grid"]')!.scrollTop;
    // Row 200 at the top edge, where walking up left it.
    expect(left).toBe(200 * 30);
    first.unmount();
    const again = render(ReviewTable, { review: first.review, height: 334 });
    await settle();
    const grid = again.container.querySelector('[role="grid"]')!;
    expect(grid.scrollTop).toBe(left);
    expect(again.container.querySelector('#review-row-200')?.classList.contains('cursor')).toBe(true);
    // Scrolled away with the wheel, the cursor off screen: that old place does not come back without it.
    grid.scrollTop = 600 * 30;
    await fireEvent.scroll(grid);
    again.unmount();
    const third = render(ReviewTable, { review: first.review, height: 334 });
    await settle();
    expect(inView(third.container.querySelector('[role="grid"]')!, 200)).toBe(true);
    expect(third.container.querySelector('#review-row-200')).not.toBeNull();
  });

  it('brings the cursor row into view once the box is measured, after it was laid out', async () => {
    // The box has no height when the table is made (not laid out yet), and 334 px a moment after.
    let laidOut = 0;
    const heightOf = vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockImplementation(() => laidOut);
    const resized: Array<() => void> = [];
    vi.stubGlobal(
      'ResizeObserver',
      class {
        constructor(private readonly cb: () => void) {}
        observe() {
          resized.push(this.cb);
        }
        disconnect() {}
      },
    );
    try {
      const api = new FakeApi();
      reviewBackend(api, 1000);
      const review = new ReviewState(api);
      await review.load();
      review.moveTo(200);
      const { container } = render(ReviewTable, { review });
      await settle();
      laidOut = 334;
      for (const cb of resized) cb();
      await settle();
      const grid = container.querySelector('[role="grid"]')!;
      expect(inView(grid, 200)).toBe(true);
      expect(container.querySelector('#review-row-200')?.classList.contains('cursor')).toBe(true);
    } finally {
      heightOf.mockRestore();
      vi.unstubAllGlobals();
    }
  });
});
