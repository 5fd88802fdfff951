/**
 * Reference queries over a folded ledger: balances as of a day, the trial balance,
 * and an account's register. As-of means effective date: a late entry carried into
 * a later period does not count before it lands, whatever its label date says.
 * Plain scans: the query store (src/query) answers the same questions faster and
 * is checked against these.
 */
import { endOfDay } from './dates.ts';
import { compareStrings } from './fold-order.ts';
import type { AccountAmount, Ledger, RegisterPage, RegisterRow, TrialBalance } from './ledger.ts';
import type { Day } from './types.ts';

/**
 * Balance per account of every posting in effect by the end of `day`
 * (effectiveDate <= `${day}T23:59:59`), in account order; zero balances omitted.
 */
export function balancesAsOf(ledger: Ledger, day: Day): Map<string, bigint> {
  const end = endOfDay(day);
  const sums = new Map<string, bigint>();
  for (const p of ledger.postings) {
    // Postings are sorted by effective date, so the first one past the day ends the scan.
    if (p.effectiveDate > end) break;
    sums.set(p.account, (sums.get(p.account) ?? 0n) + p.amount);
  }
  const accounts = [...sums.keys()].filter((a) => sums.get(a) !== 0n).sort(compareStrings);
  return new Map(accounts.map((a) => [a, sums.get(a)!]));
}

/**
 * The trial balance at the end of `day`: one line per account with a balance, in
 * account order; debit = positive balance, credit = minus a negative one. The totals
 * are equal whenever the books balance (every txn sums to zero).
 */
export function trialBalance(ledger: Ledger, day: Day): TrialBalance {
  return trialBalanceOf(day, [...balancesAsOf(ledger, day)].map(([account, amount]) => ({ account, amount })));
}

/**
 * The trial balance of balances already computed (in account order, zeros omitted):
 * shared with the query store, so both lay out lines and totals the same way.
 */
export function trialBalanceOf(day: Day, balances: Iterable<AccountAmount>): TrialBalance {
  const lines: TrialBalance['lines'] = [];
  let debitTotal = 0n;
  let creditTotal = 0n;
  for (const { account, amount } of balances) {
    const debit = amount > 0n ? amount : 0n;
    const credit = amount < 0n ? -amount : 0n;
    lines.push({ account, debit, credit });
    debitTotal += debit;
    creditTotal += credit;
  }
  return { asOf: day, lines, debitTotal, creditTotal };
}

/**
 * The register of `account`: its postings in (effectiveDate, hlc, entry) order, each
 * with the balance after it. `from`/`to` keep rows whose effective day lies in that
 * range (inclusive); `offset`/`limit` page through the kept rows; `total` counts the
 * kept rows. The running balance always includes every earlier posting of the
 * account, kept or not, so a page shows true balances.
 */
export function register(ledger: Ledger, account: string, opts: { from?: Day; to?: Day; offset?: number; limit?: number } = {}): RegisterPage {
  const fromDate = opts.from === undefined ? undefined : `${opts.from}T00:00:00`;
  const toDate = opts.to === undefined ? undefined : endOfDay(opts.to);
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const limit = opts.limit === undefined ? Infinity : Math.max(0, Math.floor(opts.limit));
  const rows: RegisterRow[] = [];
  let running = 0n;
  let total = 0;
  for (const p of ledger.postings) {
    if (p.account !== account) continue;
    running += p.amount;
    if (fromDate !== undefined && p.effectiveDate < fromDate) continue;
    if (toDate !== undefined && p.effectiveDate > toDate) continue;
    if (total >= offset && rows.length < limit) {
      rows.push({ entry: p.entry, effectiveDate: p.effectiveDate, labelDate: p.labelDate, amount: p.amount, running });
    }
    total++;
  }
  return { account, rows, total };
}
