import { describe, expect, it } from 'vitest';
import { stateDigest } from '../core/digest.ts';
import { fold } from '../core/fold.ts';
import { limits } from '../core/limits.ts';
import { register, trialBalance } from '../core/queries.ts';
import { sealBody, summaryBody } from '../core/reconcile.ts';
import { device, newBook, type DeviceBuilder } from '../core/testing/build.ts';
import type { Entry } from '../core/types.ts';
import { QueryStore } from './store.ts';

const sell = (d: DeviceBuilder, date: string, amount: number, memo?: string): Entry =>
  d.txn(date, [['Assets:Cash', amount], ['Income:Sales', -amount]], memo);

function shop() {
  const { book, owner, genesis } = newBook();
  const t1 = device(book, 'T1');
  const t2 = device(book, 'T2');
  const base = [genesis, owner.join('T1'), owner.join('T2')];
  return { book, owner, t1, t2, base };
}

/** The store and the fold agree on everything the digest covers. */
function expectSameBooks(store: QueryStore, entries: Entry[]): void {
  expect(stateDigest(store.toLedger())).toBe(stateDigest(fold(entries)));
}

describe('QueryStore', () => {
  it('appends plain txns without a fold, one batch at a time', () => {
    const { t1, t2, base } = shop();
    const store = new QueryStore();
    store.load(base);
    const all: Entry[] = [...base];
    for (let i = 1; i <= 20; i++) {
      const e = sell(i % 2 === 0 ? t1 : t2, `2025-01-${String(i).padStart(2, '0')}T10:00:00`, i * 100, `sale ${i}`);
      all.push(e);
      expect(store.apply([e])).toBe(1);
      expect(store.lastApply.fast).toBe(true);
    }
    expect(store.folds).toBe(0);
    expect(store.balancesAsOf('2025-01-10')).toEqual([
      { account: 'Assets:Cash', amount: 5500n },
      { account: 'Income:Sales', amount: -5500n },
    ]);
    expect(store.trialBalance('2025-01-31')).toEqual(trialBalance(fold(all), '2025-01-31'));
    expectSameBooks(store, all);
  });

  it('ignores entries it already holds', () => {
    const { t1, base } = shop();
    const store = new QueryStore();
    const sale = sell(t1, '2025-01-02T10:00:00', 100);
    store.load([...base, sale]);
    let calls = 0;
    store.subscribe({ type: 'balances', asOf: '2025-01-31' }, () => calls++);
    expect(store.apply([structuredClone(sale), ...base])).toBe(0);
    expect(calls).toBe(1);
    expect(store.size).toBe(4);
  });

  it('takes a negation out of the books, and shows a twin as a duplicate', () => {
    const { t1, t2, base } = shop();
    const sale = sell(t1, '2025-01-02T10:00:00', 100);
    const store = new QueryStore();
    store.load([...base, sale]);
    const n1 = t1.negate(sale, '2025-01-03T10:00:00');
    const n2 = t2.negate(sale, '2025-01-03T10:00:00');
    store.apply([n1, n2]);
    // The second negation moves only its target's group: judged locally, no fold.
    expect(store.lastApply.fast).toBe(true);
    expect(store.lastApply.local).toBe(1);
    expect(store.balancesAsOf('2025-01-02')).toEqual([
      { account: 'Assets:Cash', amount: 100n },
      { account: 'Income:Sales', amount: -100n },
    ]);
    expect(store.balancesAsOf('2025-01-03')).toEqual([]);
    const [chosen, twin] = n1.hlc < n2.hlc || (n1.hlc === n2.hlc && n1.id < n2.id) ? [n1, n2] : [n2, n1];
    expect(store.negations()).toEqual([{ target: sale.id, negatedBy: chosen.id, duplicates: [twin.id] }]);
    expect(store.entry(twin.id)?.state).toEqual({ status: 'duplicate', of: chosen.id });
    expectSameBooks(store, [...base, sale, n1, n2]);
  });

  it('applies a negation dated before its target at the target\'s date, without a fold', () => {
    const { t1, t2, base } = shop();
    const sale = sell(t1, '2025-01-05T10:00:00', 100);
    const store = new QueryStore();
    store.load([...base, sale]);
    const early = t2.negate(sale, '2025-01-03T10:00:00');
    store.apply([early]);
    expect(store.lastApply.fast).toBe(true);
    expect(store.folds).toBe(0);
    expect(store.entry(early.id)?.effectiveDate).toBe('2025-01-05T10:00:00');
    expect(store.entry(sale.id)?.negatedBy).toBe(early.id);
    expectSameBooks(store, [...base, sale, early]);
  });

  it('carries a late entry into the first open period without a fold, and holds one beyond the window', () => {
    const { owner, t1, t2, base } = shop();
    const jan = sell(t1, '2025-01-10T10:00:00', 100);
    const sealed = [...base, jan];
    const seal = owner.seal(sealBody(fold(sealed), '2025-01', owner.peer), '2025-02-01T09:00:00');
    const store = new QueryStore();
    store.load([...sealed, seal]);
    // T2 writes in January but only syncs after the seal: late, landing on 2025-02-01.
    const late = sell(t2, '2025-01-20T10:00:00', 7);
    store.apply([late]);
    expect(store.lastApply.fast).toBe(true);
    expect(store.late().map((e) => [e.id, e.late, e.effectiveDate])).toEqual([[late.id, { labelPeriod: '2025-01', into: '2025-02', provisional: true }, '2025-02-01T00:00:00']]);
    expect(store.balancesAsOf('2025-01-31')).toEqual([
      { account: 'Assets:Cash', amount: 100n },
      { account: 'Income:Sales', amount: -100n },
    ]);
    expect(store.periods()[0]?.status).toBe('final');
    // Dated 30 days before it would land: beyond the 28-day window, held for review (judged locally).
    const tooLate = sell(t2, '2025-01-02T10:00:00', 3);
    store.apply([tooLate]);
    expect(store.lastApply).toEqual({ added: 1, fast: true, touched: 1, local: 1 });
    expect(store.held().map((e) => [e.id, e.state.status])).toEqual([[tooLate.id, 'held']]);
    expectSameBooks(store, [...sealed, seal, late, tooLate]);
  });

  it('does not take the fast path for an entry that completes a seal cut, even one dated after the period', () => {
    const { owner, t1, base } = shop();
    const jan = sell(t1, '2025-01-10T10:00:00', 100);
    const feb = sell(t1, '2025-02-01T08:00:00', 5);
    const held = [...base, jan, feb];
    // The closer seals January holding T1's February entry: it lies within the cut.
    const seal = owner.seal(sealBody(fold(held), '2025-01', owner.peer), '2025-02-01T09:00:00');
    const store = new QueryStore();
    store.load([...base, jan, seal]);
    expect(store.periods()[0]?.status).toBe('sealed');
    store.apply([feb]);
    expect(store.lastApply.fast).toBe(false);
    expect(store.periods()[0]?.status).toBe('final');
    expectSameBooks(store, [...held, seal]);
  });

  it('records closes and acks without a fold, as the fold shows them', () => {
    const { owner, t1, t2, base } = shop();
    const store = new QueryStore();
    store.load(base);
    const all: Entry[] = [...base];
    const feed = (e: Entry): void => {
      all.push(e);
      store.apply([e]);
      expect(store.lastApply.fast).toBe(true);
      expect(store.periods()).toEqual(fold(all).periods);
    };
    // Acks before any close wait hidden; T2 acks before T1, shown sorted by peer.
    feed(t2.ack('2025-01', '2025-02-01T08:00:00'));
    expect(store.periods()).toEqual([]);
    feed(owner.close('2025-01', '2025-02-01T09:00:00'));
    feed(t1.ack('2025-01', '2025-02-01T10:00:00'));
    expect(store.periods()[0]?.acks.map((a) => a.peer)).toEqual(['T1', 'T2']);
    // A second close of the same period keeps the earliest by (hlc, id).
    feed(owner.close('2025-01', '2025-02-01T11:00:00'));
    expect(store.folds).toBe(0);
    expectSameBooks(store, all);
  });

  it('leaves an invalid close to the fold', () => {
    const { t1, base } = shop();
    const store = new QueryStore();
    store.load(base);
    const close = t1.close('2025-01', '2025-02-01T09:00:00');
    store.apply([close]);
    expect(store.lastApply.fast).toBe(false);
    expect(store.entry(close.id)?.state.status).toBe('invalid');
    expectSameBooks(store, [...base, close]);
  });

  it('sees a fork that arrives before the entry it forks from, and one that names a wrong prev', () => {
    const { t1, base } = shop();
    const e1 = sell(t1, '2025-01-02T10:00:00', 1);
    const e2 = sell(t1, '2025-01-02T11:00:00', 2);
    const e3 = sell(t1, '2025-01-02T12:00:00', 3);
    const cash = { postings: [{ account: 'Assets:Cash', amount: 9 }, { account: 'Income:Sales', amount: -9 }] };
    // A second entry at seq 2 (same prev as e2): e3 already names e2, so it is a fork.
    const fork = t1.raw('txn', cash, '2025-01-02T13:00:00', { seq: 2, prev: e1.id });
    const store = new QueryStore();
    store.load([...base, e1, e3]);
    store.apply([fork]);
    expect(store.lastApply.fast).toBe(false);
    expectSameBooks(store, [...base, e1, e3, fork]);
    // An entry at the next seq whose prev is not the entry held below it.
    const other = new QueryStore();
    other.load([...base, e1, e2]);
    const wrong = t1.raw('txn', cash, '2025-01-02T14:00:00', { seq: 3, prev: e1.id });
    other.apply([wrong]);
    expect(other.lastApply.fast).toBe(false);
    expectSameBooks(other, [...base, e1, e2, wrong]);
  });

  it('fills a gap without a fold when the chain links up', () => {
    const { t1, base } = shop();
    const [a, b, c] = [1, 2, 3].map((n) => sell(t1, `2025-01-0${n}T10:00:00`, n));
    const store = new QueryStore();
    store.load(base);
    store.apply([c!]);
    store.apply([a!]);
    store.apply([b!]);
    expect(store.folds).toBe(0);
    expect(store.frontier().find((f) => f.peer === 'T1')).toEqual({ peer: 'T1', contiguous: 3, head: c!.id, highest: 3, missing: [] });
    expectSameBooks(store, [...base, a!, b!, c!]);
  });

  it('judges a summary over exactly what it holds without a fold: agreed, or false with the differences', () => {
    const { t1, t2, base } = shop();
    const sale = sell(t1, '2025-01-02T10:00:00', 100);
    const store = new QueryStore();
    store.load([...base, sale]);
    const all: Entry[] = [...base, sale];
    const honest = t2.summary(summaryBody(fold(all), '2025-01-02'), '2025-01-02T18:00:00');
    all.push(honest);
    store.apply([honest]);
    expect(store.lastApply.fast).toBe(true);
    expect(store.summaries().map((s) => s.result)).toEqual([{ verdict: 'agreed' }]);
    const body = summaryBody(fold(all), '2025-01-02');
    const lying = t2.summary({ ...body, balances: [{ account: 'Assets:Cash', amount: '90' }, { account: 'Income:Sales', amount: '-100' }] }, '2025-01-02T19:00:00');
    all.push(lying);
    store.apply([lying]);
    expect(store.lastApply.fast).toBe(true);
    expect(store.folds).toBe(0);
    expect(store.summaries()).toEqual(fold(all).summaries);
    expect(store.summaries()[1]?.result).toEqual({ verdict: 'false', differences: [{ account: 'Assets:Cash', claimed: 90n, actual: 100n }] });
    expectSameBooks(store, all);
  });

  it('leaves a summary over entries it lacks to the fold (unverifiable)', () => {
    const { t1, t2, base } = shop();
    const sale = sell(t1, '2025-01-02T10:00:00', 100);
    const summary = t2.summary(summaryBody(fold([...base, sale]), '2025-01-02'), '2025-01-02T18:00:00');
    const store = new QueryStore();
    store.load(base);
    store.apply([summary]);
    expect(store.lastApply.fast).toBe(false);
    expect(store.summaries()[0]?.result.verdict).toBe('unverifiable');
    expectSameBooks(store, [...base, summary]);
  });

  it('seals a period it holds exactly without a fold, covering the late entries waiting in it', () => {
    const { owner, t1, t2, base } = shop();
    const jan = sell(t1, '2025-01-10T10:00:00', 100);
    const seal1 = owner.seal(sealBody(fold([...base, jan]), '2025-01', owner.peer), '2025-02-01T09:00:00');
    const late = sell(t2, '2025-01-20T10:00:00', 7);
    const feb = sell(t1, '2025-02-03T10:00:00', 5);
    const all: Entry[] = [...base, jan, seal1, late, feb];
    const store = new QueryStore();
    store.load(all);
    expect(store.late()[0]?.late).toEqual({ labelPeriod: '2025-01', into: '2025-02', provisional: true });
    const seal2 = owner.seal(sealBody(fold(all), '2025-02', owner.peer), '2025-03-01T09:00:00');
    all.push(seal2);
    store.apply([seal2]);
    expect(store.lastApply.fast).toBe(true);
    expect(store.folds).toBe(1);
    expect(store.late()[0]?.late).toEqual({ labelPeriod: '2025-01', into: '2025-02', provisional: false });
    expect(store.periods().map((p) => [p.period, p.status, p.sealAgrees])).toEqual([
      ['2025-01', 'final', true],
      ['2025-02', 'final', true],
    ]);
    expect(store.firstOpenPeriod()).toBe('2025-03');
    expectSameBooks(store, all);
  });

  it('seals from the closer\'s view without a fold while this peer holds more, dated after the period', () => {
    const { owner, t1, t2, base } = shop();
    const jan = sell(t1, '2025-01-10T10:00:00', 100);
    const closerView = [...base, jan];
    // T2 wrote on February 1st before the closer sealed January; the closer has not seen it.
    const feb = sell(t2, '2025-02-01T08:00:00', 5);
    const seal = owner.seal(sealBody(fold(closerView), '2025-01', owner.peer), '2025-02-01T09:00:00');
    const store = new QueryStore();
    store.load([...closerView, feb]);
    store.apply([seal]);
    expect(store.lastApply).toMatchObject({ fast: true, added: 1 });
    expect(store.periods().map((p) => [p.period, p.status, p.sealAgrees])).toEqual([['2025-01', 'final', true]]);
    expectSameBooks(store, [...closerView, feb, seal]);
    // A January entry the closer lacked would become late: that one is left to the fold.
    const other = new QueryStore();
    const lateJan = sell(t2, '2025-01-31T18:00:00', 9);
    other.load([...closerView, lateJan]);
    other.apply([seal]);
    expect(other.lastApply.fast).toBe(false);
    expectSameBooks(other, [...closerView, lateJan, seal]);
  });

  it('pages a register with true running balances', () => {
    const { t1, base } = shop();
    const sales = [1, 2, 3, 4, 5].map((d) => sell(t1, `2025-01-0${d}T10:00:00`, d * 10));
    const store = new QueryStore();
    store.load([...base, ...sales]);
    const page = store.register('Assets:Cash', { from: '2025-01-02', offset: 1, limit: 2 });
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => [r.amount, r.running])).toEqual([
      [30n, 60n],
      [40n, 100n],
    ]);
    expect(page).toEqual(register(fold([...base, ...sales]), 'Assets:Cash', { from: '2025-01-02', offset: 1, limit: 2 }));
  });

  it('keeps sums exact past 2^53', () => {
    const { t1, base } = shop();
    const store = new QueryStore();
    store.load(base);
    const big = limits.amountAbsMax;
    const entries = [sell(t1, '2025-01-01T10:00:00', 1)];
    for (let i = 0; i < 9_500; i++) entries.push(sell(t1, '2025-01-02T10:00:00', big));
    store.apply(entries);
    const expected = 1n + 9_500n * BigInt(big);
    expect(expected > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(store.balancesAsOf('2025-01-02')).toEqual([
      { account: 'Assets:Cash', amount: expected },
      { account: 'Income:Sales', amount: -expected },
    ]);
    expect(store.balancesAsOf('2025-01-01')[0]).toEqual({ account: 'Assets:Cash', amount: 1n });
    expect(store.register('Assets:Cash', { offset: 9_500 }).rows[0]?.running).toBe(expected);
    expect(store.totalsByDay({ account: 'Assets:Cash' })).toEqual([
      { day: '2025-01-01', debit: 1n, credit: 0n },
      { day: '2025-01-02', debit: expected - 1n, credit: 0n },
    ]);
    expect(store.totalsByAccount()).toEqual([
      { account: 'Assets:Cash', debit: expected, credit: 0n, net: expected },
      { account: 'Income:Sales', debit: 0n, credit: expected, net: -expected },
    ]);
  });

  it('searches by memo, account, amount, author and date', () => {
    const { t1, t2, base } = shop();
    const a = sell(t1, '2025-01-02T10:00:00', 100, 'Coffee and CAKE');
    const b = t2.txn('2025-01-03T10:00:00', [['Assets:Card', 2500], ['Income:Sales', -2500]], 'cake');
    const c = sell(t2, '2025-01-04T10:00:00', 999, 'tea');
    const store = new QueryStore();
    store.load([...base, a, b, c]);
    const ids = (f: Parameters<QueryStore['search']>[0]) => store.search(f).rows.map((r) => r.id);
    expect(ids({ memo: 'cake' })).toEqual([a.id, b.id]);
    expect(ids({ account: 'Assets:Card' })).toEqual([b.id]);
    expect(ids({ amount: { min: 500, max: 1000 } })).toEqual([c.id]);
    expect(ids({ author: 'T2', from: '2025-01-04' })).toEqual([c.id]);
    expect(store.search({ kinds: ['txn'], limit: 1, offset: 1 })).toEqual({ rows: [store.entry(b.id)], total: 3 });
  });

  it('keeps quarantine records as given, newest last', () => {
    const store = new QueryStore();
    const reason = { code: 'invalid-json' as const, message: 'The entry is not valid JSON.' };
    store.applyQuarantine([{ raw: '{', reason, from: 'T9', atMs: 1 }]);
    store.applyQuarantine([{ raw: '[', reason, from: 'T9', atMs: 2, no: 7, truncated: false }]);
    expect(store.quarantine().map((r) => r.raw)).toEqual(['{', '[']);
  });

  it('answers for entries whose book genesis is not held yet, then for all once it arrives', () => {
    const { t1, base } = shop();
    const sale = sell(t1, '2025-01-02T10:00:00', 100);
    const store = new QueryStore();
    store.load([sale, ...base.slice(1)]);
    expect(store.entry(sale.id)?.state).toEqual({ status: 'pending', reason: 'book genesis not held' });
    expect(store.balancesAsOf('2025-01-02')).toEqual([]);
    store.apply([base[0]!]);
    expect(store.entry(sale.id)?.state).toEqual({ status: 'effective' });
    expectSameBooks(store, [...base, sale]);
  });
});
