import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { heldSpans, intersect, spanCount, subtract, union, type Span } from './ranges.ts';

/** The reference model: a plain set of seqs. */
function toSet(spans: readonly Span[]): Set<number> {
  const set = new Set<number>();
  for (const [from, to] of spans) for (let s = from; s <= to; s++) set.add(s);
  return set;
}
function fromSet(set: Set<number>): Span[] {
  return union([...set].map((s): Span => [s, s]));
}
const seqSet = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 }).map((xs) => fromSet(new Set(xs)));

describe('seq ranges', () => {
  it('subtract, intersect and union agree with plain sets (property)', () => {
    fc.assert(
      fc.property(seqSet, seqSet, (a, b) => {
        const sa = toSet(a);
        const sb = toSet(b);
        expect(subtract(a, b)).toEqual(fromSet(new Set([...sa].filter((x) => !sb.has(x)))));
        expect(intersect(a, b)).toEqual(fromSet(new Set([...sa].filter((x) => sb.has(x)))));
        expect(union([...a, ...b])).toEqual(fromSet(new Set([...sa, ...sb])));
        expect(spanCount(a)).toBe(sa.size);
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('turns a frontier into the seqs it holds', () => {
    expect(heldSpans(0, 0, [])).toEqual([]);
    expect(heldSpans(5, 5, [])).toEqual([[1, 5]]);
    expect(heldSpans(3, 10, [[4, 5], [8, 8]])).toEqual([[1, 3], [6, 7], [9, 10]]);
    expect(heldSpans(0, 4, [[1, 2]])).toEqual([[3, 4]]);
  });
});
