import { describe, expect, it } from 'vitest';
import { fold } from './fold.ts';
import { balancesAsOf, register, trialBalance } from './queries.ts';
import { device, newBook } from './testing/build.ts';

function books() {
  const { book, owner, genesis } = newBook();
  const t1 = device(book, 'T1');
  const a = t1.txn('2025-01-10T10:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
  const b = t1.txn('2025-01-10T09:00:00', [['Assets:Card', 40], ['Income:Sales', -40]]);
  const c = t1.txn('2025-01-11T10:00:00', [['Expenses:Supplies', 30], ['Assets:Cash', -30]]);
  const d = t1.txn('2025-01-12T10:00:00', [['Assets:Cash', 5], ['Income:Sales', -5]]);
  const e = t1.txn('2025-01-12T11:00:00', [['Assets:Card', 60], ['Assets:Cash', -60]]);
  return { ledger: fold([genesis, owner.join('T1'), a, b, c, d, e]), a, b, c, d, e };
}

describe('balancesAsOf', () => {
  it('sums postings in effect by the end of the day, in account order, zero omitted', () => {
    const { ledger } = books();
    expect(balancesAsOf(ledger, '2025-01-09')).toEqual(new Map());
    expect([...balancesAsOf(ledger, '2025-01-10')]).toEqual([
      ['Assets:Card', 40n],
      ['Assets:Cash', 100n],
      ['Income:Sales', -140n],
    ]);
    expect([...balancesAsOf(ledger, '2025-01-12')]).toEqual([
      ['Assets:Card', 100n],
      ['Assets:Cash', 15n],
      ['Expenses:Supplies', 30n],
      ['Income:Sales', -145n],
    ]);
  });
});

describe('trialBalance', () => {
  it('puts positive balances in debit and negative in credit, with equal totals', () => {
    const { ledger } = books();
    expect(trialBalance(ledger, '2025-01-11')).toEqual({
      asOf: '2025-01-11',
      lines: [
        { account: 'Assets:Card', debit: 40n, credit: 0n },
        { account: 'Assets:Cash', debit: 70n, credit: 0n },
        { account: 'Expenses:Supplies', debit: 30n, credit: 0n },
        { account: 'Income:Sales', debit: 0n, credit: 140n },
      ],
      debitTotal: 140n,
      creditTotal: 140n,
    });
  });
});

describe('register', () => {
  it('lists the account postings in effective order with a running balance', () => {
    const { ledger, a, c, d, e } = books();
    const page = register(ledger, 'Assets:Cash');
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => [r.entry, r.amount, r.running])).toEqual([
      [a.id, 100n, 100n],
      [c.id, -30n, 70n],
      [d.id, 5n, 75n],
      [e.id, -60n, 15n],
    ]);
    expect(page.rows[0]).toMatchObject({ effectiveDate: '2025-01-10T10:00:00', labelDate: '2025-01-10T10:00:00' });
  });

  it('pages and filters by day, the running balance still counting every earlier row', () => {
    const { ledger, d, e } = books();
    const filtered = register(ledger, 'Assets:Cash', { from: '2025-01-11', to: '2025-01-12', offset: 1, limit: 1 });
    expect(filtered.total).toBe(3);
    expect(filtered.rows.map((r) => [r.entry, r.running])).toEqual([[d.id, 75n]]);
    expect(register(ledger, 'Assets:Cash', { offset: 3 }).rows.map((r) => r.entry)).toEqual([e.id]);
    expect(register(ledger, 'Assets:Cash', { limit: 0 }).rows).toEqual([]);
    expect(register(ledger, 'Nope')).toEqual({ account: 'Nope', rows: [], total: 0 });
  });
});
