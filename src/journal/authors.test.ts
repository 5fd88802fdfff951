import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeerId } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { addSeqs, emptyAuthor } from './authors.ts';

const peer = 'T2' as PeerId;

/** The row computed the slow way, from the whole multiset of seqs. */
function naive(seqs: readonly number[]): { contiguous: number; highest: number; count: number } {
  const held = new Set(seqs);
  let contiguous = 0;
  while (held.has(contiguous + 1)) contiguous++;
  return { contiguous, highest: Math.max(0, ...seqs), count: seqs.length };
}

describe('authors: frontier inputs', () => {
  it('fills holes as they arrive', () => {
    let row = addSeqs(emptyAuthor(peer), [1, 2, 4, 6]);
    expect(row).toEqual({ peer, contiguous: 2, highest: 6, count: 4, above: [[4, 4], [6, 6]] });
    row = addSeqs(row, [5]);
    expect(row.above).toEqual([[4, 6]]);
    row = addSeqs(row, [3, 3]);
    expect(row).toEqual({ peer, contiguous: 6, highest: 6, count: 7, above: [] });
  });

  it('property: any order, duplication and split into calls gives the row of the whole multiset', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 15 }), { maxLength: 6 }), (calls) => {
        const row = calls.reduce((r, seqs) => addSeqs(r, seqs), emptyAuthor(peer));
        const all = calls.flat();
        expect({ contiguous: row.contiguous, highest: row.highest, count: row.count }).toEqual(naive(all));
        // `above` is exactly the held seqs beyond contiguous + 1, as sorted, disjoint, non-touching ranges.
        const expanded = row.above.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
        expect(expanded).toEqual([...new Set(all)].filter((s) => s > row.contiguous).sort((a, b) => a - b));
        row.above.forEach(([a, b], i) => {
          expect(a).toBeLessThanOrEqual(b);
          if (i > 0) expect(a).toBeGreaterThan(row.above[i - 1]![1] + 1);
        });
      }),
      { numRuns: propertyRuns() },
    );
  });
});
