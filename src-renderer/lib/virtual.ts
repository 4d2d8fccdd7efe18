/**
 * The arithmetic of a virtualized list of fixed-height rows: which rows are on screen for a scroll
 * position, where to draw them, and where to scroll to show a row. Only those rows exist in the
 * DOM. Browsers cap an element's height (Chromium near 33.5M px, Firefox near 17.9M px), so past
 * MAX_SCROLL_PX the scroll range is compressed: the scrollbar maps linearly onto all rows, and the
 * rows on screen are drawn at their true spacing (1M rows of 30 px scroll as 8M px).
 */

export const MAX_SCROLL_PX = 8_000_000;

export interface Viewport {
  /** Rows in the list. */
  total: number;
  rowHeight: number;
  /** Height of the area the rows are seen in (the scroller's client height less a sticky header). */
  height: number;
  scrollTop: number;
}

/** Height of the element that makes the scroller scroll. */
export function spacerHeight(total: number, rowHeight: number, max = MAX_SCROLL_PX): number {
  return Math.min(total * rowHeight, max);
}

function ranges(v: Viewport, max: number) {
  const content = v.total * v.rowHeight;
  const spacer = spacerHeight(v.total, v.rowHeight, max);
  return { contentScroll: Math.max(0, content - v.height), spacerScroll: Math.max(0, spacer - v.height) };
}

/** The (fractional) row at the top edge of the viewport. */
export function topRow(v: Viewport, max = MAX_SCROLL_PX): number {
  const { contentScroll, spacerScroll } = ranges(v, max);
  if (contentScroll <= 0 || spacerScroll <= 0) return 0;
  const f = Math.min(1, Math.max(0, v.scrollTop / spacerScroll));
  return (f * contentScroll) / v.rowHeight;
}

export interface VisibleRange {
  /** First row to draw (inclusive) and last (exclusive), overscan included. */
  first: number;
  last: number;
  /** Where row `first` goes, in pixels from the top of the spacer. */
  offset: number;
}

export function visibleRange(v: Viewport, overscan = 4, max = MAX_SCROLL_PX): VisibleRange {
  if (v.total <= 0 || v.rowHeight <= 0) return { first: 0, last: 0, offset: 0 };
  const t = topRow(v, max);
  const first = Math.max(0, Math.floor(t) - overscan);
  const last = Math.min(v.total, Math.ceil(t + Math.max(1, v.height) / v.rowHeight) + overscan);
  return { first, last, offset: Math.max(0, v.scrollTop + (first - t) * v.rowHeight) };
}

/** The scrollTop that puts `rowTop` (a fractional row) at the top edge. */
export function scrollTopForTopRow(v: Viewport, rowTop: number, max = MAX_SCROLL_PX): number {
  const { contentScroll, spacerScroll } = ranges(v, max);
  if (contentScroll <= 0) return 0;
  const px = Math.min(contentScroll, Math.max(0, rowTop * v.rowHeight));
  return (px / contentScroll) * spacerScroll;
}

/** Where to scroll so that `row` is wholly visible, moving as little as possible; null when it already is. */
export function scrollToShow(v: Viewport, row: number, max = MAX_SCROLL_PX): number | null {
  const t = topRow(v, max);
  const rows = v.height / v.rowHeight;
  // A tolerance for the rounding of scrollTop to device pixels.
  const eps = 0.02;
  if (row >= t - eps && row + 1 <= t + rows + eps) return null;
  const target = row < t ? row : row + 1 - rows;
  return scrollTopForTopRow(v, target, max);
}

/** Rows that fit in the viewport, for PageUp/PageDown. */
export function rowsPerPage(v: Pick<Viewport, 'height' | 'rowHeight'>): number {
  return Math.max(1, Math.floor(v.height / v.rowHeight) - 1);
}
