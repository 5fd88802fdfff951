import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateDigest } from './digest.ts';
import { fold } from './fold.ts';
import { balancesAsOf } from './queries.ts';
import { sealBody, summaryBody } from './reconcile.ts';
import { device, newBook, type DeviceBuilder } from './testing/build.ts';
import { propertyRuns } from '../testing/runs.ts';
import type { Ledger } from './ledger.ts';
import type { Entry } from './types.ts';

const stateOf = (ledger: Ledger, entry: Entry) => ledger.entries.get(entry.id)!.state;
const sell = (d: DeviceBuilder, date: string, amount: number) => d.txn(date, [['Assets:Cash', amount], ['Income:Sales', -amount]]);

/** A month of a small store, sealed by a closer, then more arriving after the seal. */
function sealedMonth() {
  const { book, owner, genesis } = newBook();
  const closer = device(book, 'C');
  const t1 = device(book, 'T1');
  const t2 = device(book, 'T2');
  const a = sell(t1, '2025-01-10T10:00:00', 100);
  const b = sell(t2, '2025-01-11T10:00:00', 40);
  const x = t1.txn('2025-01-12T10:00:00', [['Expenses:Supplies', 30], ['Assets:Cash', -30]]);
  const fix = t1.negate(x, '2025-01-13T10:00:00');
  const before = [genesis, owner.join('C', ['closer']), owner.join('T1'), owner.join('T2'), a, b, x, fix, closer.close('2025-01'), t1.ack('2025-01'), t2.ack('2025-01')];
  const seal = closer.seal(sealBody(fold(before), '2025-01', closer.peer));
  const t3 = device(book, 'T3', Date.UTC(2024, 0, 1));
  const negateA = t2.negate(a, '2025-01-20T10:00:00');
  const secondFix = t2.negate(x, '2025-01-14T10:00:00');
  const later = {
    negateA,
    secondFix,
    lateSale: sell(t1, '2025-01-25T10:00:00', 7),
    retireT1: owner.retire('T1', 0),
    febSale: sell(t2, '2025-02-02T10:00:00', 11),
    // T2 equivocates at its seq 5 (febSale's seq), and at seq 1 (b's, which the seal covers).
    forkT2: t2.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 9 }, { account: 'Income:Sales', amount: -9 }] }, '2025-01-21T12:00:00', { seq: 5, prev: secondFix.id }),
    forkB: t2.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 5 }, { account: 'Income:Sales', amount: -5 }] }, '2025-01-11T12:00:00', { seq: 1, prev: null }),
    demoteCloser: owner.join('C', []),
    retireCloser: owner.retire('C', 0),
    joinT3: owner.join('T3'),
    t3Sale: sell(t3, '2025-01-05T10:00:00', 3),
  };
  return { owner, closer, t1, t2, before, seal, later, a, b, x, fix };
}

describe('fold', () => {
  it('without a genesis, keeps every entry pending', () => {
    const { book } = newBook();
    const x = sell(device(book, 'T1'), '2025-01-10T10:00:00', 1);
    const ledger = fold([x]);
    expect(ledger.settings).toBeUndefined();
    expect(stateOf(ledger, x)).toEqual({ status: 'pending', reason: 'book genesis not held' });
    expect(ledger.postings).toEqual([]);
  });

  it('takes as genesis the book entry at seq 1 with the lowest (hlc, id)', () => {
    const first = newBook({ owner: 'A', startMs: Date.UTC(2025, 0, 1) });
    const second = newBook({ owner: 'B', startMs: Date.UTC(2025, 0, 2) });
    const ledger = fold([second.genesis, first.genesis]);
    expect(ledger.settings?.owner).toBe('A');
    expect(stateOf(ledger, second.genesis)).toEqual({ status: 'invalid', reason: 'second genesis' });
  });

  it('raises a clock-skew alarm for a date far ahead of its hlc', () => {
    const { book, owner, genesis } = newBook();
    const t1 = device(book, 'T1');
    t1.followDates = false;
    const ahead = sell(t1, '2025-01-03T00:00:00', 1);
    const near = sell(t1, '2025-01-01T14:00:00', 1);
    const ledger = fold([genesis, owner.join('T1'), ahead, near]);
    expect(ledger.alarms.map((a) => a.kind === 'clock-skew' && a.entry)).toEqual([ahead.id]);
  });

  it('keeps a final period final whatever arrives later', () => {
    const { before, seal, later, a, x, fix } = sealedMonth();
    const sealed = fold([...before, seal]);
    const jan = sealed.periods[0]!;
    expect(jan).toMatchObject({ period: '2025-01', status: 'final', sealAgrees: true });
    expect(jan.acks.map((ack) => ack.peer)).toEqual(['T1', 'T2']);
    expect(jan.content).toEqual([a.id, before[5]!.id, x.id, fix.id].sort());
    const all = fold([...before, seal, ...Object.values(later)]);
    const after = all.periods[0]!;
    expect([after.status, after.content, after.closingBalances, after.digest]).toEqual([jan.status, jan.content, jan.closingBalances, jan.digest]);
    expect(balancesAsOf(all, '2025-01-31')).toEqual(balancesAsOf(sealed, '2025-01-31'));
    // What arrived later shows up late, held or as a duplicate; never in January.
    expect(all.entries.get(later.negateA.id)).toMatchObject({ state: { status: 'held', reason: 'equivocation' }, late: { labelPeriod: '2025-01', into: '2025-02', provisional: true } });
    expect(stateOf(all, later.febSale)).toMatchObject({ status: 'held', reason: 'equivocation' });
    expect(stateOf(all, later.lateSale)).toMatchObject({ status: 'held', reason: 'retired' });
    expect(stateOf(all, later.secondFix)).toMatchObject({ status: 'held', reason: 'equivocation' });
    expect(all.entries.get(later.t3Sale.id)).toMatchObject({ effectiveDate: '2025-02-01T00:00:00', late: { into: '2025-02' } });
    expect(stateOf(all, a)).toEqual({ status: 'effective' });
    // Without T2's forks, the late negation lands in February and the second fix is a duplicate.
    const noForks = fold([...before, seal, ...Object.values(later).filter((e) => e !== later.forkT2 && e !== later.forkB)]);
    expect(noForks.periods[0]!.digest).toBe(jan.digest);
    expect(noForks.entries.get(later.negateA.id)).toMatchObject({ effectiveDate: '2025-02-01T00:00:00', late: { labelPeriod: '2025-01', into: '2025-02', provisional: true } });
    expect(stateOf(noForks, later.secondFix)).toEqual({ status: 'duplicate', of: fix.id });
  });

  it('is a function of the set: any order, any duplication, same books', () => {
    const { before, seal, later, t2 } = sealedMonth();
    const summary = t2.summary(summaryBody(fold([...before, seal]), '2025-01-31'));
    const entries = [...before, seal, summary, ...Object.values(later)];
    const reference = stateDigest(fold(entries));
    fc.assert(
      fc.property(
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
        fc.array(fc.nat(entries.length - 1), { maxLength: 5 }),
        (order, repeats) => {
          const ledger = fold([...order, ...repeats.map((i) => entries[i]!)]);
          expect(stateDigest(ledger)).toBe(reference);
        },
      ),
      { numRuns: propertyRuns() },
    );
  });
});
