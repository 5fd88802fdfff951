/**
 * Test books for the export tests (not used by the app): a store's day like the
 * demo's (a negation, a refund, a sealed final day, a sale arriving after the seal),
 * and a hostile book whose memos, reasons, ids and accounts try to break every
 * export format, and whose balances pass 2^53 so a float anywhere would show.
 */
import { businessDateFromUtcMs } from '../../core/dates.ts';
import { fold } from '../../core/fold.ts';
import { limits } from '../../core/limits.ts';
import { sealBody } from '../../core/reconcile.ts';
import { device, newBook } from '../../core/testing/build.ts';
import type { Entry } from '../../core/types.ts';

/**
 * One day of a corner shop in EUR with daily periods (the shape of src/demo's day,
 * rebuilt here because the query layer may not import the demo): sales, a typo
 * negated and keyed again, a partial refund, supplies, banking; the day closed,
 * acked and sealed next morning; then till 2's evening sale arrives, late.
 */
export function storeDay(): { entries: Entry[]; lateSale: Entry } {
  const opening = Date.UTC(2025, 2, 14, 7);
  const [manager, till1, till2] = ['manager', 'till-1', 'till-2'].map((p) => device('corner-shop', p, opening)) as [ReturnType<typeof device>, ReturnType<typeof device>, ReturnType<typeof device>];
  const at = (time: string): string => `2025-03-14T${time}`;
  const entries: Entry[] = [manager.raw('book', { name: 'Corner shop', currency: 'EUR', timezone: 'Europe/Berlin', period: 'day', windowDays: 28 }, businessDateFromUtcMs(opening, 0))];
  entries.push(manager.join('till-1', [], at('07:05:00')), manager.join('till-2', [], at('07:05:30')));
  entries.push(manager.txn(at('07:30:00'), [['Assets:Cash:Till-1', 15000], ['Assets:Bank', -15000]], 'Opening float'));
  entries.push(till1.txn(at('09:12:00'), [['Assets:Cash:Till-1', 1190], ['Income:Sales', -1000], ['Liabilities:VAT', -190]], 'Bread and coffee'));
  entries.push(till2.txn(at('09:40:00'), [['Assets:Card-Clearing', 2380], ['Income:Sales', -2000], ['Liabilities:VAT', -380]], 'Flowers, card'));
  const typo = till1.txn(at('10:05:00'), [['Assets:Cash:Till-1', 11900], ['Income:Sales', -10000], ['Liabilities:VAT', -1900]], 'Cheese');
  entries.push(typo, till1.negate(typo, at('10:06:00'), 'Typed 119.00 for 11.90'));
  entries.push(till1.txn(at('10:06:30'), [['Assets:Cash:Till-1', 1190], ['Income:Sales', -1000], ['Liabilities:VAT', -190]], 'Cheese'));
  entries.push(till2.txn(at('11:30:00'), [['Income:Sales', 1000], ['Liabilities:VAT', 190], ['Assets:Card-Clearing', -1190]], 'Refund: half the flowers'));
  entries.push(till1.txn(at('14:00:00'), [['Expenses:Supplies', 850], ['Assets:Cash:Till-1', -850]], 'Milk from the shop next door'));
  entries.push(manager.txn(at('18:30:00'), [['Assets:Bank', 16000], ['Assets:Cash:Till-1', -16000]], 'Banked the takings'));
  const lateSale = till2.txn(at('19:10:00'), [['Assets:Card-Clearing', 595], ['Income:Sales', -500], ['Liabilities:VAT', -95]], 'Candles, card');
  entries.push(manager.close('2025-03-14', '2025-03-15T07:00:00'), till1.ack('2025-03-14', '2025-03-15T07:01:00'));
  entries.push(manager.seal(sealBody(fold(entries), '2025-03-14', manager.peer), '2025-03-15T07:05:00'), lateSale);
  return { entries, lateSale };
}

/** Memos a store's staff (or an attacker with a till) could type; all pass the validator. */
export const HOSTILE_MEMOS: readonly string[] = [
  'He said "hi" \\ back; then | left (x) *star* !bang',
  '=HYPERLINK("http://evil.example","click")',
  '+1-2',
  '@SUM(A1:A9)',
  '-starts with a minus',
  '  leading and trailing spaces  ',
  'emoji 🍞🥐, ünïcödé, 中文, עברית',
  'RTL \u202Eevil\u202C and zero\u200Bwidth',
  'line\u2028separator\u2029paragraph',
  ':tag1:tag2: and key: value',
  '; comment start',
  '"',
  '\\',
  '\\n is not a newline',
  '# hash, {curly}, it\'s \'quoted\', %s %d ${x}',
  '2025-01-01 * "fake transaction"',
  'x'.repeat(limits.memoCharsMax),
];

/** Accounts at the edges of the naming rules: parent and child both posted to, digits, six parts, 64 characters. */
export const HOSTILE_ACCOUNTS = [
  'Assets:Cash',
  'Assets:Cash:Till-1',
  'Assets:2025:0-Zero',
  'Liabilities:A-B-C:D1:E2:F3',
  'Income:X',
  `Expenses:${'A'.repeat(limits.accountCharsMax - 'Expenses:'.length)}`,
  'Equity:Float',
] as const;

/** Entries of the hostile book with so many 10^12 postings that the big accounts pass 2^53. */
export const BIG_ENTRIES = 200;

/**
 * The hostile book: a daily book `hostile:book.1` with devices whose ids hold ':'
 * and '.', one txn per hostile memo, a negation with a hostile reason, twin
 * negations (one duplicate), entries whose sums pass 2^53, day one closed, acked
 * and sealed, then a late entry dated in day one that lands in day two.
 */
export function hostileBook(): Entry[] {
  const { owner, genesis } = newBook({ book: 'hostile:book.1', period: 'day', startMs: Date.UTC(2025, 0, 1, 6) });
  const entries: Entry[] = [genesis];
  const till = { a: 'till:a:b', b: 'T-2.x' };
  entries.push(owner.join(till.a, [], '2025-01-01T06:01:00'), owner.join(till.b, [], '2025-01-01T06:02:00'));
  const [cash, child, digits, deep, income, long, float] = HOSTILE_ACCOUNTS;
  entries.push(owner.txn('2025-01-01T07:00:00', [[cash, 10_000], [float, -10_000]]));
  const tills = [device(owner.book, till.a), device(owner.book, till.b)];
  HOSTILE_MEMOS.forEach((memo, i) => {
    const t = tills[i % 2]!;
    const minute = String(i).padStart(2, '0');
    entries.push(t.txn(`2025-01-01T09:${minute}:00`, [[i % 3 === 0 ? child : cash, 100 + i], [digits, 1], [deep, -1], [long, 7], [income, -(107 + i)]], memo));
  });
  const wrong = tills[0]!.txn('2025-01-01T10:00:00', [[cash, 99_900], [income, -99_900]], 'keyed 999.00 for 9.99');
  entries.push(wrong, tills[0]!.negate(wrong, '2025-01-01T10:01:00', 'He said "oops"; \\ :tag: =1+1'));
  const twice = tills[1]!.txn('2025-01-01T10:30:00', [[cash, 500], [income, -500]], 'rung up twice');
  entries.push(twice, tills[1]!.negate(twice, '2025-01-01T10:31:00', 'twin A'), tills[0]!.negate(twice, '2025-01-01T10:32:00', 'twin B'));
  const big: Array<[string, number]> = [];
  for (let k = 0; k < 50; k++) big.push([cash, limits.amountAbsMax], [income, -limits.amountAbsMax]);
  for (let k = 0; k < BIG_ENTRIES; k++) entries.push(owner.txn(`2025-01-01T11:${String(k % 60).padStart(2, '0')}:00`, big, `big ${k}`));
  const late = tills[1]!.txn('2025-01-01T23:00:00', [[cash, 1], [income, -1]], 'found on the floor; "late"');
  entries.push(owner.close('2025-01-01', '2025-01-02T06:00:00'));
  entries.push(tills[0]!.ack('2025-01-01', '2025-01-02T06:01:00'));
  entries.push(owner.seal(sealBody(fold(entries), '2025-01-01', owner.peer), '2025-01-02T06:05:00'));
  entries.push(late, tills[0]!.txn('2025-01-02T09:00:00', [[child, 250], [income, -250]], 'day two'));
  return entries;
}

/**
 * A monthly book in `currency` (BHD has 3 decimals, JPY none): sales over two
 * months, a negation, the first month closed and sealed, a late entry after it.
 */
export function monthlyBook(currency: string): Entry[] {
  const start = Date.UTC(2025, 0, 2, 8);
  const owner = device(`monthly-${currency.toLowerCase()}`, 'owner', start);
  const till = device(owner.book, 'till', start);
  const entries: Entry[] = [owner.raw('book', { name: `Monthly ${currency}`, currency, timezone: 'UTC', period: 'month', windowDays: 28 }, businessDateFromUtcMs(start, 0))];
  entries.push(owner.join('till', [], '2025-01-02T08:01:00'));
  const wrong = till.txn('2025-01-05T10:00:00', [['Assets:Cash', 123_456], ['Income:Sales', -123_456]], 'wrong');
  entries.push(till.txn('2025-01-03T10:00:00', [['Assets:Cash', 1], ['Income:Sales', -1]], 'one minor unit'), wrong, till.negate(wrong, '2025-01-06T10:00:00'));
  entries.push(till.txn('2025-01-31T23:59:59', [['Assets:Bank', 999_999_999_999], ['Assets:Cash', -999_999_999_999]], 'last second of January'));
  const late = till.txn('2025-01-20T12:00:00', [['Expenses:Rent', 50_000], ['Assets:Bank', -50_000]], 'January rent, found late');
  entries.push(owner.close('2025-01', '2025-02-01T08:00:00'), till.ack('2025-01', '2025-02-01T08:01:00'));
  entries.push(owner.seal(sealBody(fold(entries), '2025-01', owner.peer), '2025-02-01T08:05:00'), late);
  entries.push(till.txn('2025-02-10T10:00:00', [['Assets:Cash', 7], ['Income:Sales', -7]], 'February'));
  return entries;
}
