import { describe, expect, it } from 'vitest';
import { frontierOf } from '../src/core/frontier.ts';
import { device, newBook } from '../src/core/testing/build.ts';
import type { PeerId } from '../src/core/types.ts';
import { lineHolds } from './held-by.ts';

describe('held-by', () => {
  it('reads holding from a have line', () => {
    const line = { peer: 'T1' as PeerId, contiguous: 2, highest: 9, missing: [[3, 4], [6, 6]] as Array<[number, number]> };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 9, 10].map((s) => lineHolds(line, s))).toEqual([false, true, true, false, false, true, false, true, true, false]);
    expect(lineHolds(undefined, 1)).toBe(false);
  });

  it('reads holding from a frontier the same way', () => {
    const { book, genesis } = newBook();
    const a = device(book, 'T1');
    const t1 = Array.from({ length: 6 }, (_, i) => a.txn(`2025-01-01T10:0${i}:00`, [['Assets:Cash', 100 + i], ['Income:Sales', -100 - i]]));
    const held = frontierOf([genesis, ...t1.filter((e) => e.seq !== 3 && e.seq !== 4)]).get('T1' as PeerId);
    expect([1, 2, 3, 4, 5, 6, 7].map((s) => lineHolds(held, s))).toEqual([true, true, false, false, true, true, false]);
  });
});
