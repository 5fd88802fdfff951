/**
 * Sets of seqs as sorted, disjoint, inclusive ranges [from, to]: what one peer holds
 * of one author, what it lacks, what it has asked for. Pure functions on plain data.
 */

export type Span = [from: number, to: number];

/** The seqs held by an author whose frontier is (contiguous, highest, gaps). Gaps must be sorted and inside (contiguous, highest). */
export function heldSpans(contiguous: number, highest: number, gaps: readonly Span[]): Span[] {
  const held: Span[] = [];
  if (contiguous > 0) held.push([1, contiguous]);
  let next = contiguous + 1;
  for (const [from, to] of gaps) {
    if (from > next) pushSpan(held, [next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (highest >= next) pushSpan(held, [next, highest]);
  return held;
}

/** Seqs in `a` and not in `b`. Both sorted and disjoint. */
export function subtract(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const [from, to] of a) {
    let start = from;
    while (j < b.length && b[j]![1] < start) j++;
    let k = j;
    while (start <= to && k < b.length && b[k]![0] <= to) {
      const [bf, bt] = b[k]!;
      if (bf > start) out.push([start, bf - 1]);
      start = Math.max(start, bt + 1);
      k++;
    }
    if (start <= to) out.push([start, to]);
  }
  return out;
}

/** Seqs in both `a` and `b`. Both sorted and disjoint. */
export function intersect(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const from = Math.max(a[i]![0], b[j]![0]);
    const to = Math.min(a[i]![1], b[j]![1]);
    if (from <= to) out.push([from, to]);
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return out;
}

/** The union of spans in any order, as sorted disjoint spans (touching spans merge). */
export function union(spans: readonly Span[]): Span[] {
  const sorted = [...spans].sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const span of sorted) pushSpan(out, [span[0], span[1]]);
  return out;
}

/** Number of seqs in the spans. */
export function spanCount(spans: readonly Span[]): number {
  let n = 0;
  for (const [from, to] of spans) n += to - from + 1;
  return n;
}

function pushSpan(out: Span[], span: Span): void {
  const last = out[out.length - 1];
  if (last !== undefined && span[0] <= last[1] + 1) last[1] = Math.max(last[1], span[1]);
  else out.push(span);
}
