import { describe, expect, it } from 'vitest';
import { frontierOf } from '../src/core/frontier.ts';
import { device, newBook } from '../src/core/testing/build.ts';
import type { Entry, PeerId } from '../src/core/types.ts';
import { byteLength, haveOf, holdsWhatTheyLack, lineHolds, packFrames, wantFrom } from './protocol.ts';
import { Prng } from './prng.ts';

/** A book with two tablets' chains of `n` sales each. */
function chains(n: number): { all: Entry[]; t1: Entry[]; t2: Entry[] } {
  const { book, genesis } = newBook();
  const a = device(book, 'T1');
  const b = device(book, 'T2');
  const t1 = Array.from({ length: n }, (_, i) => a.txn(`2025-01-01T10:${String(i).padStart(2, '0')}:00`, [['Assets:Cash', 100 + i], ['Income:Sales', -100 - i]]));
  const t2 = Array.from({ length: n }, (_, i) => b.txn(`2025-01-01T11:${String(i).padStart(2, '0')}:00`, [['Assets:Cash', 200 + i], ['Income:Sales', -200 - i]]));
  return { all: [genesis, ...t1, ...t2], t1, t2 };
}

describe('protocol', () => {
  it('wants exactly the seqs the other side holds and this side lacks, gaps on both sides included', () => {
    const { t1, t2, all } = chains(8);
    const genesis = all[0]!;
    // Theirs: T1 1-3 and 6-8 (gap 4-5), T2 1-8. Mine: T1 1-2 and 7, T2 1-5.
    const theirs = haveOf(frontierOf([genesis, ...t1.filter((e) => e.seq !== 4 && e.seq !== 5), ...t2]));
    const mine = frontierOf([genesis, ...t1.filter((e) => e.seq <= 2 || e.seq === 7), ...t2.slice(0, 5)]);
    expect(wantFrom(theirs, mine)).toEqual([
      { peer: 'T1', from: 3, to: 3 },
      { peer: 'T1', from: 6, to: 6 },
      { peer: 'T1', from: 8, to: 8 },
      { peer: 'T2', from: 6, to: 8 },
    ]);
    expect(holdsWhatTheyLack(mine, theirs)).toBe(false);
    // Once this side holds T1#4, the other side lacks something it can pull.
    const more = frontierOf([genesis, ...t1.filter((e) => e.seq <= 2 || e.seq === 7 || e.seq === 4)]);
    expect(holdsWhatTheyLack(more, theirs)).toBe(true);
  });

  it('wants nothing from a side that holds nothing new, and everything from a side this one has never heard of', () => {
    const { all } = chains(3);
    const full = frontierOf(all);
    expect(wantFrom(haveOf(full), full)).toEqual([]);
    expect(holdsWhatTheyLack(full, haveOf(full))).toBe(false);
    expect(wantFrom(haveOf(full), new Map())).toHaveLength(3);
    expect(holdsWhatTheyLack(full, [])).toBe(true);
  });

  it('reads holding from a have line or a frontier alike', () => {
    const line = { peer: 'T1' as PeerId, contiguous: 2, highest: 9, missing: [[3, 4], [6, 6]] as Array<[number, number]> };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9, 10].map((s) => lineHolds(line, s))).toEqual([false, true, true, false, false, true, false, true, true, false]);
    expect(lineHolds(undefined, 1)).toBe(false);
  });

  it('packs frames within the byte budget, in order, one oversize text alone', () => {
    const prng = new Prng(7);
    const texts = Array.from({ length: 300 }, (_, i) => `${i}:${prng.string('abcé', prng.int(0, 900))}`);
    const frames = packFrames(texts, 4096);
    expect(frames.flat()).toEqual(texts);
    for (const frame of frames) expect(frame.length === 1 || frame.reduce((n, t) => n + byteLength(t), 0) <= 4096).toBe(true);
    expect(packFrames(['x'.repeat(5000), 'y'], 4096)).toEqual([['x'.repeat(5000)], ['y']]);
  });
});

describe('prng', () => {
  it('replays a seed exactly and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const p = new Prng(seed);
      return Array.from({ length: 50 }, () => p.u32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('draws integers in range and picks by weight', () => {
    const p = new Prng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) {
      const n = p.int(-3, 3);
      expect(n >= -3 && n <= 3 && Number.isInteger(n)).toBe(true);
      counts[p.weighted([1, 0, 3])]!++;
    }
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.7);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.3);
  });
});
