import { describe, expect, it } from 'vitest';
import { MAX_SCROLL_PX, rowsPerPage, scrollToShow, scrollTopForTopRow, spacerHeight, topRow, visibleRange } from './virtual';

const v = (over: Partial<{ total: number; scrollTop: number; height: number }> = {}) => ({ total: 1000, rowHeight: 30, height: 300, scrollTop: 0, ...over });

describe('virtual scrolling', () => {
  it('draws only the rows on screen, plus a few around', () => {
    expect(visibleRange(v(), 4)).toEqual({ first: 0, last: 14, offset: 0 });
    const r = visibleRange(v({ scrollTop: 3000 }), 4);
    expect(r).toEqual({ first: 96, last: 114, offset: 96 * 30 });
    expect(visibleRange(v({ total: 0 }))).toEqual({ first: 0, last: 0, offset: 0 });
    expect(visibleRange(v({ total: 5 }), 4)).toEqual({ first: 0, last: 5, offset: 0 });
  });

  it('compresses the scroll range past the browser limit, and still reaches the last row', () => {
    const big = { total: 1_000_000, rowHeight: 30, height: 600 };
    expect(spacerHeight(big.total, big.rowHeight)).toBe(MAX_SCROLL_PX);
    const end = { ...big, scrollTop: MAX_SCROLL_PX - 600 };
    expect(topRow(end)).toBeCloseTo(1_000_000 - 20, 6);
    const r = visibleRange(end, 2);
    expect(r.last).toBe(1_000_000);
    // The last row ends exactly at the bottom of the spacer.
    expect(r.offset + (r.last - r.first) * 30).toBeCloseTo(MAX_SCROLL_PX, 3);
    const mid = { ...big, scrollTop: (MAX_SCROLL_PX - 600) / 2 };
    expect(topRow(mid)).toBeCloseTo((1_000_000 - 20) / 2, 6);
    // Rows on screen keep their true spacing: the first drawn row sits where it belongs.
    const m = visibleRange(mid, 0);
    expect(m.offset).toBeCloseTo(mid.scrollTop - (topRow(mid) - m.first) * 30, 6);
  });

  it('scrolls as little as needed to show a row, both ways, scaled or not', () => {
    expect(scrollToShow(v(), 5)).toBeNull();
    expect(scrollToShow(v(), 10)).toBe(11 * 30 - 300);
    expect(scrollToShow(v({ scrollTop: 600 }), 3)).toBe(90);
    const big = { total: 1_000_000, rowHeight: 30, height: 600, scrollTop: 0 };
    const to = scrollToShow(big, 500_000)!;
    expect(topRow({ ...big, scrollTop: to }) + 20).toBeCloseTo(500_001, 4);
    expect(scrollToShow({ ...big, scrollTop: to }, 500_000)).toBeNull();
    expect(scrollTopForTopRow(big, 999_999_999)).toBeCloseTo(MAX_SCROLL_PX - 600, 3);
  });

  it('pages by a screenful less one row', () => {
    expect(rowsPerPage({ height: 300, rowHeight: 30 })).toBe(9);
    expect(rowsPerPage({ height: 10, rowHeight: 30 })).toBe(1);
  });
});
