import { describe, expect, it } from 'vitest';
import { cutOf, frontierOf, lackingInCut } from './frontier.ts';
import { device } from './testing/build.ts';
import type { Entry, PeerId } from './types.ts';

function chain(peer: string, count: number): Entry[] {
  const d = device('b', peer);
  return Array.from({ length: count }, (_, i) => d.txn(`2025-01-01T10:00:0${i % 10}`, [['A', i + 1], ['B', -(i + 1)]]));
}

describe('frontierOf', () => {
  it('finds the contiguous prefix, its head, the highest seq and the gaps', () => {
    const t1 = chain('T1', 7);
    const held = [t1[0]!, t1[1]!, t1[3]!, t1[6]!, t1[1]!];
    const f = frontierOf(held).get('T1' as PeerId)!;
    expect(f).toEqual({
      peer: 'T1',
      contiguous: 2,
      head: t1[1]!.id,
      highest: 7,
      missing: [
        { peer: 'T1', from: 3, to: 3 },
        { peer: 'T1', from: 5, to: 6 },
      ],
    });
  });

  it('has no head while seq 1 is missing', () => {
    const t1 = chain('T1', 3);
    const f = frontierOf([t1[2]!]).get('T1' as PeerId)!;
    expect(f.contiguous).toBe(0);
    expect(f.head).toBeUndefined();
    expect(f.missing).toEqual([{ peer: 'T1', from: 1, to: 2 }]);
  });

  it('at an equivocating seq, takes as head the entry the next seq continues, else the lowest id', () => {
    const d = device('b', 'T1');
    const one = d.txn('2025-01-01T10:00:00', [['A', 1], ['B', -1]]);
    const two = d.txn('2025-01-01T10:00:01', [['A', 2], ['B', -2]]);
    const fork = d.raw('txn', { postings: [{ account: 'A', amount: 9 }, { account: 'B', amount: -9 }] }, '2025-01-01T10:00:02', { seq: 2, prev: one.id });
    const lowest = [two.id, fork.id].sort()[0];
    expect(frontierOf([one, two, fork]).get('T1' as PeerId)!.head).toBe(lowest);
    const onFork = d.raw('txn', { postings: [{ account: 'A', amount: 3 }, { account: 'B', amount: -3 }] }, '2025-01-01T10:00:03', { seq: 3, prev: fork.id });
    const f = frontierOf([one, two, fork, onFork]).get('T1' as PeerId)!;
    expect(f.contiguous).toBe(3);
    expect(f.head).toBe(onFork.id);
    const three = d.txn('2025-01-01T10:00:04', [['A', 4], ['B', -4]]);
    expect(frontierOf([one, two, fork, three]).get('T1' as PeerId)!.head).toBe(three.id);
    expect(frontierOf([one, two, fork, three, onFork]).get('T1' as PeerId)!.head).toBe([three.id, onFork.id].sort()[0]);
  });

  it('is a function of the set: order and duplicates do not matter', () => {
    const all = [...chain('T2', 4), ...chain('T1', 5)];
    const shuffled = [...all].reverse().concat(all.slice(0, 3));
    expect(frontierOf(shuffled)).toEqual(frontierOf(all));
    expect([...frontierOf(shuffled).keys()]).toEqual(['T1', 'T2']);
  });
});

describe('cutOf', () => {
  it('has one line per author holding seq 1, sorted by peer', () => {
    const t1 = chain('T1', 3);
    const t2 = chain('T2', 2);
    const t3 = chain('T3', 2);
    const cut = cutOf(frontierOf([...t2, t1[0]!, t1[2]!, t3[1]!]));
    expect(cut).toEqual([
      { peer: 'T1', seq: 1, head: t1[0]!.id },
      { peer: 'T2', seq: 2, head: t2[1]!.id },
    ]);
  });
});

describe('lackingInCut', () => {
  it('names the seqs inside the cut this peer holds nothing at', () => {
    const t1 = chain('T1', 6);
    const t2 = chain('T2', 2);
    const cut = cutOf(frontierOf([...t1, ...t2]));
    const mine = frontierOf([t1[0]!, t1[2]!, t2[0]!]);
    expect(lackingInCut(cut, mine)).toEqual([
      { peer: 'T1', from: 2, to: 2 },
      { peer: 'T1', from: 4, to: 6 },
      { peer: 'T2', from: 2, to: 2 },
    ]);
    expect(lackingInCut(cut, frontierOf([...t1, ...t2]))).toEqual([]);
    expect(lackingInCut(cut, new Map())).toEqual([
      { peer: 'T1', from: 1, to: 6 },
      { peer: 'T2', from: 1, to: 2 },
    ]);
  });

  it('ignores what lies beyond the cut', () => {
    const t1 = chain('T1', 6);
    const cut = [{ peer: 'T1' as PeerId, seq: 2, head: t1[1]!.id }];
    expect(lackingInCut(cut, frontierOf([t1[0]!, t1[1]!, t1[5]!]))).toEqual([]);
  });
});
