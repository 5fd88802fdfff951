/**
 * The one tie-break order of the fold: (hlc, id) ascending. Plain code-unit string
 * comparison (never localeCompare), so every peer orders identically.
 */
import type { Entry } from './types.ts';

/** Code-unit order of two strings: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** (hlc, id) ascending: the fold's order for ties everywhere. */
export function byHlcId(a: Pick<Entry, 'hlc' | 'id'>, b: Pick<Entry, 'hlc' | 'id'>): number {
  return compareStrings(a.hlc, b.hlc) || compareStrings(a.id, b.id);
}

/** The smallest element by `compare`, or undefined for an empty list. */
export function minBy<T>(items: Iterable<T>, compare: (a: T, b: T) => number): T | undefined {
  let best: T | undefined;
  for (const item of items) if (best === undefined || compare(item, best) < 0) best = item;
  return best;
}
