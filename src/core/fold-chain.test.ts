import { describe, expect, it } from 'vitest';
import { buildChains, entriesWithin, isWithin, lackingWithin } from './fold-chain.ts';
import { device } from './testing/build.ts';
import type { Entry, EntryId, PeerId } from './types.ts';

const T1 = 'T1' as PeerId;

function sale(d: ReturnType<typeof device>, n: number): Entry {
  return d.txn(`2025-01-01T10:00:${String(n).padStart(2, '0')}`, [['A', n], ['B', -n]]);
}

function forkAt(d: ReturnType<typeof device>, seq: number, prev: EntryId | null, n: number): Entry {
  return d.raw('txn', { postings: [{ account: 'A', amount: n }, { account: 'B', amount: -n }] }, '2025-01-01T11:00:00', { seq, prev });
}

describe('buildChains', () => {
  it('dedups by id and orders by (hlc, id)', () => {
    const d = device('b', 'T1');
    const e = [sale(d, 1), sale(d, 2), sale(d, 3)];
    const chains = buildChains([e[2]!, e[0]!, e[1]!, e[0]!]);
    expect(chains.sorted.map((x) => x.id)).toEqual(e.map((x) => x.id));
  });

  it('flags two ids at one seq, holding the author from there', () => {
    const d = device('b', 'T1');
    const one = sale(d, 1);
    const two = sale(d, 2);
    const fork = forkAt(d, 2, one.id, 9);
    const chains = buildChains([one, two, fork, sale(d, 3)]);
    expect(chains.heldFrom.get(T1)).toBe(2);
    expect(chains.equivocations).toEqual([{ kind: 'equivocation', peer: 'T1', seq: 2, entries: [two.id, fork.id].sort() }]);
  });

  it('does not flag a prev pointing across a gap (a gap is not a fork)', () => {
    const d = device('b', 'T1');
    const one = sale(d, 1);
    sale(d, 2);
    const stray = forkAt(d, 3, 'f'.repeat(64) as EntryId, 7);
    const chains = buildChains([one, stray]);
    expect(chains.heldFrom.size).toBe(0);
  });

  it('flags a prev fork once the seq below is held', () => {
    const d = device('b', 'T1');
    const one = sale(d, 1);
    const two = sale(d, 2);
    const stray = forkAt(d, 3, 'f'.repeat(64) as EntryId, 7);
    const chains = buildChains([one, two, stray]);
    expect(chains.heldFrom.get(T1)).toBe(2);
    expect(chains.equivocations[0]).toEqual({ kind: 'equivocation', peer: 'T1', seq: 2, entries: [two.id, stray.id].sort() });
  });
});

describe('cuts over chains', () => {
  it('isWithin follows the prev chain from the head, not just the seq', () => {
    const d = device('b', 'T1');
    const one = sale(d, 1);
    const two = sale(d, 2);
    const three = sale(d, 3);
    const fork = forkAt(d, 2, one.id, 9);
    const chains = buildChains([one, two, three, fork]);
    const line = { peer: T1, seq: 3, head: three.id };
    expect([one, two, three].map((e) => isWithin(chains, line, e))).toEqual([true, true, true]);
    expect(isWithin(chains, line, fork)).toBe(false);
    expect(isWithin(chains, { peer: T1, seq: 2, head: two.id }, three)).toBe(false);
    expect(isWithin(chains, undefined, one)).toBe(false);
  });

  it('a head held at another seq than the line claims covers nothing', () => {
    const d = device('b', 'T1');
    const one = sale(d, 1);
    const two = sale(d, 2);
    const chains = buildChains([one, two]);
    expect(isWithin(chains, { peer: T1, seq: 3, head: two.id }, one)).toBe(false);
    expect(lackingWithin(chains, [{ peer: T1, seq: 3, head: two.id }])).toEqual([{ peer: T1, from: 3, to: 3 }]);
  });

  it('lackingWithin names the break in the chain and the empty seqs below it', () => {
    const d = device('b', 'T1');
    const e = [1, 2, 3, 4, 5, 6].map((n) => sale(d, n));
    const cut = [{ peer: T1, seq: 6, head: e[5]!.id }];
    expect(lackingWithin(buildChains(e), cut)).toEqual([]);
    // Missing 2 and 4: the chain from the head breaks at 4; 2 is empty below it.
    expect(lackingWithin(buildChains([e[0]!, e[2]!, e[4]!, e[5]!]), cut)).toEqual([
      { peer: T1, from: 2, to: 2 },
      { peer: T1, from: 4, to: 4 },
    ]);
    // The head itself missing.
    expect(lackingWithin(buildChains(e.slice(0, 5)), cut)).toEqual([{ peer: T1, from: 6, to: 6 }]);
    expect(lackingWithin(buildChains([]), cut)).toEqual([{ peer: T1, from: 1, to: 6 }]);
  });

  it('lackingWithin sees a fork held where the chain entry is missing', () => {
    const d = device('b', 'T1');
    const one = sale(d, 1);
    const two = sale(d, 2);
    const three = sale(d, 3);
    const fork = forkAt(d, 2, one.id, 9);
    const cut = [{ peer: T1, seq: 3, head: three.id }];
    expect(lackingWithin(buildChains([one, fork, three]), cut)).toEqual([{ peer: T1, from: 2, to: 2 }]);
    expect(entriesWithin(buildChains([one, two, fork, three]), cut).map((e) => e.id)).toEqual([one.id, two.id, three.id]);
  });
});
