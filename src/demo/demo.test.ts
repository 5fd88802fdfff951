/**
 * The demo tells the truth: it says it is not the app, its books balance, the
 * cash the books show is the cash counted by hand from the day's story, the
 * mistake is negated, and the books do not depend on arrival order.
 */
import { describe, expect, it } from 'vitest';
import { fold } from '../core/fold.ts';
import { balancesAsOf, trialBalance } from '../core/queries.ts';
import { NOT_THE_APP, runDemo } from './demo.ts';
import { buildStoreDay, DEMO_DAY, NEXT_DAY } from './store-day.ts';

describe('the store-day demo', () => {
  const demo = runDemo();
  const text = demo.lines.join('\n');

  it('says plainly that it is not the app, and where the app is', () => {
    expect(demo.lines).toContain(NOT_THE_APP);
    expect(NOT_THE_APP).toMatch(/npm start/);
  });

  it('prints a trial balance that balances, with the figures worked by hand', () => {
    const tb = trialBalance(demo.ledger, DEMO_DAY);
    expect(tb.debitTotal).toBe(tb.creditTotal);
    expect(tb.debitTotal).toBe(3570n);
    expect(text).toMatch(/total\s+35\.70\s+35\.70/);
    // Sales: 10.00 + 20.00 + 10.00 (the cheese, once) - 10.00 refunded.
    expect(balancesAsOf(demo.ledger, DEMO_DAY).get('Income:Sales')).toBe(-3000n);
  });

  it("shows the till's cash as counted by hand from the day", () => {
    const day = buildStoreDay();
    expect(balancesAsOf(demo.ledger, DEMO_DAY).get('Assets:Cash:Till-1')).toBe(day.expectedCashInTill);
    expect(day.expectedCashInTill).toBe(530n);
  });

  it('keeps the mistaken entry in the journal, negated, and every other money entry in effect', () => {
    const views = [...demo.ledger.entries.values()];
    expect(views).toHaveLength(buildStoreDay().entries.length);
    const mistake = views.find((v) => v.entry.kind === 'txn' && v.entry.body.postings.some((p) => p.amount === 11900));
    expect(mistake?.negatedBy).toBeDefined();
    expect(text).toContain('[negated by till-1 #3]');
    expect(views.filter((v) => v.state.status !== 'effective' && v.state.status !== 'recorded')).toEqual([]);
  });

  it('seals the day, and carries the sale that arrived after the seal into the next day', () => {
    const day = buildStoreDay();
    const period = demo.ledger.periods.find((p) => p.period === DEMO_DAY);
    expect(period?.status).toBe('final');
    expect(period?.sealAgrees).toBe(true);
    const late = demo.ledger.entries.get(day.lateSale.id);
    expect(late?.late).toEqual({ labelPeriod: DEMO_DAY, into: NEXT_DAY, provisional: true });
    expect(late?.effectiveDate).toBe(`${NEXT_DAY}T00:00:00`);
    expect(balancesAsOf(demo.ledger, DEMO_DAY).get('Income:Sales')).toBe(-3000n);
    expect(balancesAsOf(demo.ledger, NEXT_DAY).get('Income:Sales')).toBe(-3500n);
    expect(text).toContain('late: carried into 2025-03-15');
  });

  it('gets the same books from the entries in reverse order, duplicated', () => {
    expect(demo.sameBooksInAnyOrder).toBe(true);
    const reversed = fold([...buildStoreDay().entries].reverse());
    expect(trialBalance(reversed, DEMO_DAY)).toEqual(trialBalance(demo.ledger, DEMO_DAY));
  });

  it('is deterministic: the same lines on every run', () => {
    expect(runDemo().lines).toEqual(demo.lines);
  });
});
