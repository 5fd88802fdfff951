/**
 * The judge: after any sequence of loads, appends and ingests, in any order and with
 * duplicates, every answer of the query store equals the core's reference fold over
 * the same set of entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateDigest } from '../core/digest.ts';
import { fold } from '../core/fold.ts';
import type { Ledger } from '../core/ledger.ts';
import { balancesAsOf, register, trialBalance } from '../core/queries.ts';
import { arrivals, CHART, playHistory, storeHistory, type Op, type StoreHistory } from '../core/testing/arbitraries.ts';
import type { Entry } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { refEntry, refLate, refNegations, refSearch, refTotalsByAccount, refTotalsByDay, refWithStatus } from './reference.ts';
import type { SearchFilter } from './search.ts';
import { QueryStore } from './store.ts';

interface Plan {
  history: StoreHistory;
  order: Entry[];
  /** Entries given to load(); the rest arrive in batches of these sizes. */
  loaded: number;
  batches: number[];
}

/** A history, an arrival order (causal, or any permutation with duplicates) and how it is cut into batches. */
const plansOf = (histories: fc.Arbitrary<StoreHistory>): fc.Arbitrary<Plan> => histories.chain((history) =>
  fc.record({
    history: fc.constant(history),
    order: fc.oneof(fc.constant(history.entries), arrivals(history.entries)),
    loaded: fc.nat(history.entries.length + 8),
    batches: fc.array(fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 12 })), { minLength: 1, maxLength: 40 }),
  }),
);
const plans = plansOf(storeHistory());

/** Feed `plan` to a new store, checking the answers after each batch when `everyStep`. */
function play(plan: Plan, check: (store: QueryStore, held: Entry[]) => void, everyStep: boolean): QueryStore {
  const store = new QueryStore();
  const { order } = plan;
  let at = Math.min(plan.loaded, order.length);
  store.load(order.slice(0, at));
  if (everyStep) check(store, order.slice(0, at));
  for (let b = 0; at < order.length; b++) {
    const size = plan.batches[b % plan.batches.length]!;
    store.apply(order.slice(at, at + size));
    at += size;
    if (everyStep || at >= order.length) check(store, order.slice(0, Math.min(at, order.length)));
  }
  if (order.length === 0 || plan.loaded >= order.length) check(store, order);
  return store;
}

function balancesArray(ledger: Ledger, day: string): Array<{ account: string; amount: bigint }> {
  return [...balancesAsOf(ledger, day)].map(([account, amount]) => ({ account, amount }));
}

/** Every answer against the fold of `held`. */
function expectEqual(store: QueryStore, held: Entry[], history: StoreHistory): void {
  const ledger = fold(held);
  const days = ['2024-12-31', ...history.days];
  const day = (i: number): string => days[Math.min(i, days.length - 1)]!;
  expect(stateDigest(store.toLedger())).toBe(stateDigest(ledger));
  for (const day of days) {
    expect(store.balancesAsOf(day)).toEqual(balancesArray(ledger, day));
    expect(store.trialBalance(day)).toEqual(trialBalance(ledger, day));
  }
  for (const account of [...CHART, 'Assets:Unknown']) {
    expect(store.register(account)).toEqual(register(ledger, account));
    const page = { from: day(2), to: day(3), offset: 1, limit: 3 };
    expect(store.register(account, page)).toEqual(register(ledger, account, page));
  }
  const filters: SearchFilter[] = [
    {},
    { limit: 1000 },
    { kinds: ['txn', 'negate'], account: 'Assets:Cash', limit: 1000 },
    { amount: { min: 100, max: 50_000 }, offset: 2, limit: 5 },
    { from: day(1), to: day(2), status: 'effective', limit: 1000 },
    { author: 'T1', kinds: ['negate'], limit: 1000 },
  ];
  for (const f of filters) expect(store.search(f)).toEqual(refSearch(ledger, f));
  expect(store.totalsByDay()).toEqual(refTotalsByDay(ledger, {}));
  expect(store.totalsByDay({ account: 'Assets:Cash', from: day(1) })).toEqual(refTotalsByDay(ledger, { account: 'Assets:Cash', from: day(1) }));
  expect(store.totalsByAccount({ to: day(2) })).toEqual(refTotalsByAccount(ledger, { to: day(2) }));
  expect(store.negations()).toEqual(refNegations(ledger));
  expect(store.late()).toEqual(refLate(ledger));
  for (const status of ['held', 'pending', 'invalid', 'duplicate'] as const) expect(store.withStatus(status)).toEqual(refWithStatus(ledger, status));
  expect(store.summaries()).toEqual(ledger.summaries);
  expect(store.periods({ content: true })).toEqual(ledger.periods);
  for (const p of ledger.periods) expect(store.closingBalances(p.period)).toEqual(p.closingBalances);
  expect(store.alarms()).toEqual(ledger.alarms);
  expect(store.frontier()).toEqual([...ledger.frontier.values()]);
  expect(store.firstOpenPeriod()).toEqual(ledger.firstOpenPeriod);
  const some = held[held.length - 1];
  if (some !== undefined) expect(store.entry(some.id)).toEqual(refEntry(ledger, some.id));
}

/**
 * Histories heavy in the entries that move other entries: owner's joins (whose
 * devices may have written before the join arrives), retires at any seq, twin
 * negations, forks, next to seals, summaries and partial syncs that make entries late.
 */
const structuralOp: fc.Arbitrary<Op> = fc.oneof<Array<fc.WeightedArbitrary<Op>>>(
  { weight: 20, arbitrary: fc.record({ t: fc.constant('txn'), dev: fc.nat(7), tpl: fc.nat(6), amount: fc.integer({ min: 1, max: 9_999 }), back: fc.constantFrom(0, 0, 0, 1, 2, -1) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('negate'), dev: fc.nat(7), pick: fc.nat(), back: fc.constantFrom(0, 0, 1) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('twin-negate'), a: fc.nat(7), b: fc.nat(7), pick: fc.nat() }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('join'), by: fc.nat(7) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('retire'), dev: fc.nat(7), slack: fc.nat(4), by: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('equivocate'), dev: fc.nat(7), seq: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('sync'), from: fc.nat(7), to: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('trickle'), from: fc.nat(7), to: fc.nat(7), skip: fc.nat(5) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'sync-all' }) },
  { weight: 4, arbitrary: fc.constant({ t: 'next-day' }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('summary'), dev: fc.nat(7), back: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.constant({ t: 'close' }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('ack'), dev: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.constant({ t: 'seal' }) },
);
const structuralHistories: fc.Arbitrary<StoreHistory> = fc
  .record({ tablets: fc.integer({ min: 1, max: 4 }), closer: fc.nat(3), windowDays: fc.constantFrom(1, 2, 28), ops: fc.array(structuralOp, { maxLength: 60 }) })
  .map((plan) => playHistory({ ...plan, closer: plan.closer % plan.tablets }));

describe('query store equals the fold', () => {
  it('after any sequence of loads and batches, in any order, with duplicates', () => {
    let fastBatches = 0;
    let batches = 0;
    fc.assert(
      fc.property(plans, (plan) => {
        const store = play(plan, (s, held) => expectEqual(s, held, plan.history), false);
        batches++;
        if (store.lastApply.fast && store.lastApply.added > 0) fastBatches++;
      }),
      { numRuns: propertyRuns() },
    );
    // The fast path must be exercised, or this test proves little about it.
    expect(fastBatches).toBeGreaterThan(batches / 20);
  });

  it('after joins, retires, twin negations and forks in any interleaving, checked after every batch', () => {
    let local = 0;
    let folded = 0;
    fc.assert(
      fc.property(plansOf(structuralHistories), (plan) => {
        const small = { ...plan, batches: plan.batches.map((b) => 1 + (b % 4)) };
        play(small, (s, held) => {
          expectEqual(s, held, plan.history);
          local += s.lastApply.local;
          if (!s.lastApply.fast) folded++;
        }, true);
      }),
      { numRuns: Math.max(100, Math.floor(propertyRuns() / 4)) },
    );
    // The local paths must be exercised, and must not be all there is.
    expect(local).toBeGreaterThan(100);
    expect(folded).toBeGreaterThan(0);
  });

  it('with two closers sealing from the same seal (a rival seal can undo a final period)', () => {
    fc.assert(
      fc.property(plansOf(storeHistory({ rivalSeals: true })), (plan) => {
        play(plan, (s, held) => expectEqual(s, held, plan.history), false);
      }),
      { numRuns: Math.max(100, Math.floor(propertyRuns() / 4)) },
    );
  });

  it('at every step of a causal arrival, one entry at a time', () => {
    fc.assert(
      fc.property(storeHistory({ opsMax: 30 }), (history) => {
        const plan: Plan = { history, order: history.entries, loaded: 0, batches: [1] };
        play(plan, (s, held) => expectEqual(s, held, history), true);
      }),
      { numRuns: Math.max(100, Math.floor(propertyRuns() / 5)) },
    );
  });
});
