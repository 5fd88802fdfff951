/**
 * The work a structural entry costs: a join, a retire or a twin negation applied to a
 * store of N entries judges the entries it can move (its device's, one target's
 * group), counted in ApplyStats.touched, whatever N is; and the books still equal the
 * fold's.
 */
import { describe, expect, it } from 'vitest';
import { stateDigest } from '../core/digest.ts';
import { fold } from '../core/fold.ts';
import { device, newBook, type DeviceBuilder } from '../core/testing/build.ts';
import type { Entry } from '../core/types.ts';
import { QueryStore } from './store.ts';

const sell = (d: DeviceBuilder, day: number, amount: number): Entry =>
  d.txn(`2025-01-${String(1 + (day % 28)).padStart(2, '0')}T10:00:00`, [['Assets:Cash', amount], ['Income:Sales', -amount]]);

/** A book with four tills and `n` sales; T9 wrote 5 sales before anyone enrolled it (pending). */
function shop(n: number) {
  const { book, owner, genesis } = newBook();
  const tills = ['T1', 'T2', 'T3', 'T4'].map((peer) => device(book, peer));
  const t9 = device(book, 'T9');
  const all: Entry[] = [genesis, ...tills.map((t) => owner.join(t.peer))];
  for (let i = 0; i < n; i++) all.push(sell(tills[i % 4]!, Math.floor((i * 28) / n), 100 + i));
  for (let i = 0; i < 5; i++) all.push(sell(t9, 27, 7 + i));
  const store = new QueryStore();
  store.load(all);
  return { owner, tills, t9, all, store };
}

function expectSameBooks(store: QueryStore, entries: Entry[]): void {
  expect(stateDigest(store.toLedger())).toBe(stateDigest(fold(entries)));
}

describe('a structural entry touches what it moves, not the store', () => {
  for (const n of [400, 4000]) {
    it(`a join judges the joined device's entries only (store of ${n})`, () => {
      const { owner, all, store, t9 } = shop(n);
      expect(store.withStatus('pending')).toHaveLength(5);
      const join = owner.join(t9.peer);
      store.apply([join]);
      // The join itself and T9's five sales: nothing else, however big the store.
      expect(store.lastApply).toEqual({ added: 1, fast: true, touched: 6, local: 1 });
      expect(store.withStatus('pending')).toHaveLength(0);
      expectSameBooks(store, [...all, join]);
    });

    it(`a retire judges the retired device's entries beyond its last seq, and their negations (store of ${n})`, () => {
      const { owner, tills, all, store } = shop(n);
      const [t1, t2] = tills as [DeviceBuilder, DeviceBuilder];
      const last = all.filter((e) => e.peer === t1.peer).at(-3)!;
      const negation = t2.negate(last, '2025-01-28T12:00:00');
      store.apply([negation]);
      expect(store.lastApply.touched).toBe(1);
      const retire = owner.retire(t1.peer, t1.seq - 10, '2025-01-28T13:00:00');
      store.apply([retire]);
      // The retire, T1's last ten sales (now held), and the negation of one of them (held too).
      expect(store.lastApply).toEqual({ added: 1, fast: true, touched: 12, local: 1 });
      expect(store.held()).toHaveLength(11);
      expect(store.entry(negation.id)?.state).toMatchObject({ status: 'held', reason: 'target-held' });
      expectSameBooks(store, [...all, negation, retire]);
    });

    it(`a twin negation judges its target's group only (store of ${n})`, () => {
      const { owner, tills, all, store } = shop(n);
      const target = all[all.length - 20]!;
      const first = tills[0]!.negate(target, '2025-01-28T12:00:00');
      const twin = owner.negate(target, '2025-01-28T12:30:00');
      store.apply([first]);
      store.apply([twin]);
      // The target, the negation in effect and the new duplicate.
      expect(store.lastApply).toEqual({ added: 1, fast: true, touched: 3, local: 1 });
      expect(store.negations()).toHaveLength(1);
      expectSameBooks(store, [...all, first, twin]);
    });
  }

  it('loads a journal of plain entries, genesis and joins included, without a fold', () => {
    const { store } = shop(1000);
    expect(store.folds).toBe(0);
    expect(store.lastApply.fast).toBe(true);
  });

  it('still folds for what it cannot judge locally: a fork, and a join of a device that wrote an ack', () => {
    const { owner, tills, all, store } = shop(400);
    const t1 = tills[0]!;
    const e = all.filter((x) => x.peer === t1.peer);
    const fork = t1.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 3 }, { account: 'Income:Sales', amount: -3 }] }, '2025-01-28T11:00:00', { seq: 5, prev: e[3]!.id });
    store.apply([fork]);
    expect(store.lastApply.fast).toBe(false);
    expect(store.lastApply.touched).toBe(store.size);
    expectSameBooks(store, [...all, fork]);
    // T8 acked before it was enrolled: enrolling it moves the periods, left to the fold.
    const t8 = device(all[0]!.book, 'T8');
    const ack = t8.ack('2025-01');
    const join = owner.join(t8.peer);
    store.apply([ack]);
    store.apply([join]);
    expect(store.lastApply.fast).toBe(false);
    expectSameBooks(store, [...all, fork, ack, join]);
  });

  describe('entries before their genesis and joins arrive (an upload in any order)', () => {
    /** `all` shuffled by a fixed LCG (deterministic). */
    const shuffled = (all: readonly Entry[], seed: number): Entry[] => {
      const out = [...all];
      let state = seed;
      for (let i = out.length - 1; i > 0; i--) {
        state = (state * 1103515245 + 12345) % 2 ** 31;
        const j = state % (i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };

    const orders: Array<[string, (all: readonly Entry[]) => Entry[]]> = [
      ['shuffle 1', (all) => shuffled(all, 1)],
      ['shuffle 2', (all) => shuffled(all, 2)],
      ['shuffle 3', (all) => shuffled(all, 3)],
      ['genesis first, joins last', (all) => {
        const rest = shuffled(all.slice(1), 4);
        return [all[0]!, ...rest.filter((e) => e.kind !== 'join'), ...rest.filter((e) => e.kind === 'join')];
      }],
    ];
    for (const [name, arrange] of orders) {
      it(`judges each batch locally and the whole set once, when the genesis comes (${name})`, () => {
        const { all } = shop(2000);
        const order = arrange(all);
        const genesisAt = Math.floor(order.findIndex((e) => e.kind === 'book') / 100);
        const store = new QueryStore();
        for (let b = 0; b * 100 < order.length; b++) {
          const batch = order.slice(b * 100, b * 100 + 100);
          const before = store.size;
          store.apply(batch);
          // Every batch local: its own entries, plus everything held once when the genesis comes.
          expect(store.lastApply.fast).toBe(true);
          // A join after the genesis judges its device's entries held so far, and only those.
          const joined = new Set(batch.flatMap((e) => (e.kind === 'join' && b > genesisAt ? [e.body.device as string] : [])));
          const ofJoined = order.slice(0, b * 100 + batch.length).filter((e) => joined.has(e.peer)).length;
          expect(store.lastApply.touched).toBeLessThanOrEqual((b === genesisAt ? before : 0) + 2 * batch.length + ofJoined);
          if (b === genesisAt - 1 || b === genesisAt || b % 7 === 0) expectSameBooks(store, order.slice(0, b * 100 + batch.length));
        }
        expect(store.folds).toBe(0);
        expectSameBooks(store, all);
      });
    }

    it('judges negations that come before their targets, and then the targets, locally', () => {
      const { all, tills, owner } = shop(400);
      const txns = all.filter((e) => e.kind === 'txn');
      // Negations of ten sales by other tills (and a twin by the owner), sent before the sales.
      const targets = txns.filter((e, i) => i % 37 === 5 && e.peer !== 'T9').slice(0, 10);
      const negations = targets.map((t, i) => tills[(i + 1) % 4]!.negate(t, '2025-01-28T12:00:00'));
      const twin = owner.negate(targets[0]!, '2025-01-28T12:30:00');
      const head = all.filter((e) => e.kind !== 'txn');
      const store = new QueryStore();
      store.apply(head);
      store.apply([...negations, twin]);
      expect(store.lastApply).toMatchObject({ fast: true, touched: 11 });
      expect(store.entry(negations[3]!.id)?.state).toEqual({ status: 'pending', reason: 'target not held' });
      expectSameBooks(store, [...head, ...negations, twin]);
      for (let i = 0; i < txns.length; i += 50) {
        const batch = txns.slice(i, i + 50);
        store.apply(batch);
        // Each sale once, and each negated one's group (its negations, the twin) once more.
        const groups = batch.filter((t) => targets.includes(t)).length;
        expect(store.lastApply.touched).toBeLessThanOrEqual(batch.length + 3 * groups);
      }
      expect(store.folds).toBe(0);
      expect(store.negations()).toHaveLength(10);
      expectSameBooks(store, [...all, ...negations, twin]);
    });

    it('keeps everything pending while no genesis is held, without a fold', () => {
      const { all } = shop(400);
      const store = new QueryStore();
      const withoutGenesis = all.slice(1).reverse();
      store.apply(withoutGenesis.slice(0, 200));
      store.apply(withoutGenesis.slice(200));
      expect(store.folds).toBe(0);
      expect(store.withStatus('pending')).toHaveLength(all.length - 1);
      expect(store.entry(all[1]!.id)?.state).toEqual({ status: 'pending', reason: 'book genesis not held' });
      expectSameBooks(store, withoutGenesis);
      store.apply([all[0]!]);
      expect(store.lastApply).toMatchObject({ fast: true, touched: all.length });
      expectSameBooks(store, all);
    });

    it('still folds for a fork before the genesis (the fold raises its alarm even then)', () => {
      const { all, tills } = shop(40);
      const t1 = tills[0]!;
      const e = all.filter((x) => x.peer === t1.peer);
      const fork = t1.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 3 }, { account: 'Income:Sales', amount: -3 }] }, '2025-01-28T11:00:00', { seq: 5, prev: e[3]!.id });
      const store = new QueryStore();
      store.apply(all.slice(1));
      store.apply([fork]);
      expect(store.lastApply.fast).toBe(false);
      expectSameBooks(store, [...all.slice(1), fork]);
      store.apply([all[0]!]);
      expectSameBooks(store, [...all, fork]);
    });
  });
});
