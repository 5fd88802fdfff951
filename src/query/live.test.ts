import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../core/fold.ts';
import { sealBody } from '../core/reconcile.ts';
import { arrivals, storeHistory } from '../core/testing/arbitraries.ts';
import { device, newBook, type DeviceBuilder } from '../core/testing/build.ts';
import type { Entry } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import type { Query } from './live-query.ts';
import { sameAnswer } from './same.ts';
import { QueryStore } from './store.ts';

const sell = (d: DeviceBuilder, date: string, amount: number, account = 'Assets:Cash'): Entry => d.txn(date, [[account, amount], ['Income:Sales', -amount]]);

function shop() {
  const { book, owner, genesis } = newBook();
  const t1 = device(book, 'T1');
  const base = [genesis, owner.join('T1')];
  const store = new QueryStore();
  store.load(base);
  return { owner, t1, base, store };
}

describe('live queries', () => {
  it('call back at once, then only when the answer changed', () => {
    const { t1, store } = shop();
    const seen: unknown[] = [];
    store.subscribe({ type: 'balances', asOf: '2025-01-05' }, (a) => seen.push(a));
    expect(seen).toEqual([[]]);
    store.apply([sell(t1, '2025-01-03T10:00:00', 100)]);
    store.apply([sell(t1, '2025-01-09T10:00:00', 5)]);
    expect(seen).toEqual([
      [],
      [
        { account: 'Assets:Cash', amount: 100n },
        { account: 'Income:Sales', amount: -100n },
      ],
    ]);
  });

  it('do not even evaluate queries a batch cannot change', () => {
    const { t1, store } = shop();
    let early = 0;
    let card = 0;
    store.subscribe({ type: 'trialBalance', asOf: '2025-01-01' }, () => early++);
    store.subscribe({ type: 'register', account: 'Assets:Card' }, () => card++);
    store.subscribe({ type: 'periods' }, () => undefined);
    const before = store.liveEvaluations;
    store.apply([sell(t1, '2025-01-03T10:00:00', 100)]);
    expect(store.lastApply.fast).toBe(true);
    expect(store.liveEvaluations).toBe(before);
    expect([early, card]).toEqual([1, 1]);
    store.apply([sell(t1, '2025-01-04T10:00:00', 100, 'Assets:Card')]);
    expect(card).toBe(2);
    expect(early).toBe(1);
  });

  it('re-evaluate but stay silent when the answer is the same', () => {
    const { t1, store } = shop();
    let calls = 0;
    store.subscribe({ type: 'search', filter: { memo: 'nothing like it' } }, () => calls++);
    const before = store.liveEvaluations;
    store.apply([sell(t1, '2025-01-03T10:00:00', 100)]);
    expect(store.liveEvaluations).toBe(before + 1);
    expect(calls).toBe(1);
  });

  it('hear a seal change the periods, and stop after unsubscribing', () => {
    const { owner, t1, base, store } = shop();
    const sale = sell(t1, '2025-01-03T10:00:00', 100);
    store.apply([sale]);
    const periods: unknown[] = [];
    const stop = store.subscribe({ type: 'periods' }, (p) => periods.push(p));
    const seal = owner.seal(sealBody(fold([...base, sale]), '2025-01', owner.peer), '2025-02-01T09:00:00');
    store.apply([seal]);
    expect(periods).toHaveLength(2);
    expect((periods[1] as Array<{ status: string }>)[0]?.status).toBe('final');
    stop();
    store.apply([owner.close('2025-02', '2025-03-01T09:00:00')]);
    expect(periods).toHaveLength(2);
  });

  it('hear a load made after they subscribed', () => {
    const { base } = newBookAndDevice();
    const store = new QueryStore();
    const heard: unknown[] = [];
    store.subscribe({ type: 'frontier' }, (f) => heard.push(f));
    store.load(base);
    expect(heard).toHaveLength(2);
    expect((heard[1] as unknown[]).length).toBe(1);
  });

  it('hear the quarantine', () => {
    const { store } = shop();
    const heard: unknown[] = [];
    store.subscribe({ type: 'quarantine' }, (q) => heard.push(q));
    store.applyQuarantine([{ raw: 'x', reason: { code: 'invalid-json', message: 'bad' }, from: 'T9', atMs: 5 }]);
    expect(heard).toHaveLength(2);
  });

  it('run every listener even when one throws, then report the failure', () => {
    const { t1, store } = shop();
    let other = 0;
    store.subscribe({ type: 'balances', asOf: '2025-12-31' }, (a) => {
      if ((a as unknown[]).length > 0) throw new Error('screen broke');
    });
    store.subscribe({ type: 'balances', asOf: '2025-12-31' }, () => other++);
    expect(() => store.apply([sell(t1, '2025-01-03T10:00:00', 100)])).toThrow(AggregateError);
    expect(other).toBe(2);
    expect(store.balancesAsOf('2025-12-31')).toHaveLength(2);
  });

  it('never miss a change: after every batch each subscriber holds the current answer', () => {
    const queries = (days: string[]): Query[] => [
      { type: 'balances', asOf: days[1]! },
      { type: 'trialBalance', asOf: days[days.length - 1]! },
      { type: 'register', account: 'Assets:Cash', offset: 1, limit: 4 },
      { type: 'register', account: 'Income:Sales', from: days[2]! },
      { type: 'search', filter: { kinds: ['negate', 'txn'], status: 'effective', limit: 5 } },
      { type: 'totalsByDay', from: days[1]! },
      { type: 'totalsByAccount', to: days[2]! },
      { type: 'negations' },
      { type: 'late' },
      { type: 'withStatus', status: 'held' },
      { type: 'summaries' },
      { type: 'periods', content: true },
      { type: 'alarms' },
      { type: 'frontier' },
    ];
    fc.assert(
      fc.property(
        storeHistory().chain((h) => fc.tuple(fc.constant(h), fc.oneof(fc.constant(h.entries), arrivals(h.entries)), fc.integer({ min: 1, max: 6 }))),
        ([history, order, size]) => {
          const store = new QueryStore();
          store.load([]);
          const latest = new Map<number, unknown>();
          const qs = queries(history.days.length > 2 ? history.days : [...history.days, ...history.days]);
          qs.forEach((q, i) => store.subscribe(q, (a) => latest.set(i, a)));
          for (let at = 0; at < order.length; at += size) {
            store.apply(order.slice(at, at + size));
            qs.forEach((q, i) => {
              expect(sameAnswer(latest.get(i), answer(store, q)), `missed a change of ${JSON.stringify(q)}`).toBe(true);
            });
          }
        },
      ),
      { numRuns: Math.max(100, Math.floor(propertyRuns() / 5)) },
    );
  });
});

function newBookAndDevice() {
  const { book, owner, genesis } = newBook();
  return { book, owner, base: [genesis, owner.join('T1')] };
}

function answer(store: QueryStore, q: Query): unknown {
  let value: unknown;
  const stop = store.subscribe(q, (a) => (value = a));
  stop();
  return value;
}
