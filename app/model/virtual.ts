/**
 * The window of a virtualised list: which rows to render for a scroll position, so
 * a journal of 100k entries renders a few dozen rows, never all of them.
 */
/** Height of one Journal row in px (fixed: the list is virtualised by it). */
export const journalRowPx = 56;

export interface ListWindow {
  /** First row rendered. */
  first: number;
  /** Rows rendered. */
  count: number;
  /** Height above the first rendered row and below the last, in px. */
  padTop: number;
  padBottom: number;
}

/**
 * Rows of fixed height `rowPx` in a viewport of `viewportPx` scrolled to `scrollPx`,
 * with `overscan` extra rows on each side, out of `total`.
 */
export function listWindow(total: number, rowPx: number, viewportPx: number, scrollPx: number, overscan = 5): ListWindow {
  if (total <= 0 || rowPx <= 0) return { first: 0, count: 0, padTop: 0, padBottom: 0 };
  const visible = Math.ceil(Math.max(0, viewportPx) / rowPx) + 1;
  const top = Math.min(total - 1, Math.max(0, Math.floor(scrollPx / rowPx)));
  const first = Math.max(0, top - overscan);
  const last = Math.min(total, top + visible + overscan);
  return { first, count: last - first, padTop: first * rowPx, padBottom: (total - last) * rowPx };
}

/**
 * Newest first over a list kept oldest first: the offset and limit to ask for, for
 * newest-first rows first..first+count-1 (the answer is then reversed).
 */
export function newestFirstPage(total: number, first: number, count: number): { offset: number; limit: number } {
  const end = Math.max(0, total - first);
  const start = Math.max(0, end - count);
  return { offset: start, limit: end - start };
}
