import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeerId } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { addSeqs, emptyAuthor, type SeqMeter } from './authors.ts';

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

  it('property: matches a plain set-based reference model, gaps included, over calls of any size', () => {
    // The reference: the set of held seqs, the multiset count, and the gaps spelled out.
    const reference = (all: readonly number[]): { contiguous: number; highest: number; count: number; above: Array<[number, number]> } => {
      const { contiguous, highest, count } = naive(all);
      const above: Array<[number, number]> = [];
      for (const s of [...new Set(all)].filter((x) => x > contiguous).sort((a, b) => a - b)) {
        const last = above[above.length - 1];
        if (last !== undefined && last[1] + 1 === s) last[1] = s;
        else above.push([s, s]);
      }
      return { contiguous, highest, count, above };
    };
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 300 }), { maxLength: 80 }), { maxLength: 8 }), (calls) => {
        const row = calls.reduce((r, seqs) => addSeqs(r, seqs), emptyAuthor(peer));
        expect(row).toEqual({ peer, ...reference(calls.flat()) });
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('does not share range tuples with the row it was given (rows are values)', () => {
    const before = addSeqs(emptyAuthor(peer), [3, 5]);
    const after = addSeqs(before, [4, 7]);
    expect(before.above).toEqual([[3, 3], [5, 5]]);
    expect(after.above).toEqual([[3, 5], [7, 7]]);
  });

  describe('50k gappy seqs from one author (every other seq, random order): a hostile peer', () => {
    const n = 50_000;
    // Every odd seq below 2n, shuffled by a fixed LCG (deterministic, no Math.random).
    const seqs = Array.from({ length: n }, (_, i) => 2 * i + 1);
    let state = 12345;
    for (let i = seqs.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      const j = state % (i + 1);
      [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
    }

    it('in one call: O(n log n) steps, and the right row', () => {
      const meter: SeqMeter = { steps: 0 };
      const row = addSeqs(emptyAuthor(peer), seqs, meter);
      expect(row.contiguous).toBe(1);
      expect(row.highest).toBe(2 * n - 1);
      expect(row.count).toBe(n);
      expect(row.above.length).toBe(n - 1);
      // n log2 n is ~780k; the old seq-by-seq insert took ~n^2 / 4 = 625M.
      expect(meter.steps).toBeLessThan(4 * n * Math.log2(n));
    });

    it('in batches of 500 (as ingest hands them): linear in what is held per batch, far from quadratic', () => {
      const meter: SeqMeter = { steps: 0 };
      let row = emptyAuthor(peer);
      for (let i = 0; i < n; i += 500) row = addSeqs(row, seqs.slice(i, i + 500), meter);
      expect(row.above.length).toBe(n - 1);
      // 100 batches, each sorting 500 and merging with at most n ranges: under ~6M.
      expect(meter.steps).toBeLessThan((n / 500) * (n + 500 * 12));
      // Filling the gaps afterwards makes the whole prefix contiguous.
      row = addSeqs(row, seqs.map((s) => s + 1), meter);
      expect(row).toEqual({ peer, contiguous: 2 * n, highest: 2 * n, count: 2 * n, above: [] });
    });
  });
});
