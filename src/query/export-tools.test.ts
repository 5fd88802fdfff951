/**
 * The exports loaded by the real tools: every file must pass `bean-check`,
 * `hledger check -s` (strict: declared accounts and commodity) and `ledger
 * --pedantic bal`, and each tool's balances must equal the query store's, to the
 * minor unit, including sums past 2^53. The books: the demo store's day (a negation,
 * a sealed final day, a late entry), the hostile book (export-fixtures.ts) and
 * generated store histories (seals, late and held entries, twin negations).
 *
 * A missing tool fails these tests under CI (process.env.CI set). Elsewhere they are
 * skipped, with the reason in the test's name, so a developer without the Debian
 * packages `hledger`, `ledger` and `beancount` can still run the rest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { lastDayOf } from '../core/fold-periods.ts';
import { storeHistory } from '../core/testing/arbitraries.ts';
import type { Entry } from '../core/types.ts';
import { exportBeancount } from './export-beancount.ts';
import { hostileBook, monthlyBook, storeDay } from './testing/export-fixtures.ts';
import { exportHledger } from './export-hledger.ts';
import { dayAfter } from './export-model.ts';
import { currencyExponent, minorOf } from './export-money.ts';
import { QueryStore } from './store.ts';

const CI = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false';
/** Generated histories checked by the tools (each costs three tool runs per export). */
const HISTORIES = 12;

function installed(tool: string): boolean {
  return spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
}

/** `it`, or a skip that says why; under CI always `it`, so a missing tool fails. */
function withTool(tool: string): typeof it {
  if (CI || installed(tool)) return it;
  return ((name: string, fn: () => void) => it.skip(`${name} (skipped: ${tool} is not installed; under CI this fails)`, fn)) as typeof it;
}

const dir = mkdtempSync(join(tmpdir(), 'daybook-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

function fileOf(text: string, extension: string): string {
  const path = join(dir, `export-${files++}.${extension}`);
  writeFileSync(path, text);
  return path;
}

function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`${tool} could not run: ${result.error.message}`);
  expect(result.status, `${tool} ${args.join(' ')}\n${result.stderr}`).toBe(0);
  return result.stdout;
}

function storeOf(entries: Entry[]): QueryStore {
  const store = new QueryStore();
  store.load(entries);
  return store;
}

/** The store's balances at the end of `day`, as minor units by account (zeros left out). */
function storeBalances(store: QueryStore, day: string): Map<string, bigint> {
  return new Map(store.balancesAsOf(day).map((b) => [b.account, b.amount]));
}

/**
 * What ledger --flat shows at the end of `day`: each account posted to by then, with
 * the balance of it and its sub-accounts; zeros left out.
 */
function inclusive(store: QueryStore, day: string): Map<string, bigint> {
  const balances = storeBalances(store, day);
  const out = new Map<string, bigint>();
  for (const { account } of store.totalsByAccount({ to: day })) {
    let sum = 0n;
    for (const [a, v] of balances) if (a === account || a.startsWith(`${account}:`)) sum += v;
    if (sum !== 0n) out.set(account, sum);
  }
  return out;
}

/** The currency of the book under test: amounts are read back with its exponent. */
let currency = 'EUR';

function money(text: string): bigint {
  const value = minorOf(text.replace(/ [A-Z]{3}$/, ''), currencyExponent(currency));
  if (value === undefined) throw new Error(`not an amount: ${JSON.stringify(text)}`);
  return value;
}

function sorted(map: Map<string, bigint>): Array<[string, string]> {
  return [...map].map(([a, v]): [string, string] => [a, v.toString()]).sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

/** hledger's balance per account (exclusive) at the end of `day`, and its total. */
function hledgerBalances(path: string, day: string): { balances: Map<string, bigint>; total: bigint } {
  const out = run('hledger', ['-f', path, 'bal', '--flat', '-O', 'csv', '-e', dayAfter(day)]);
  const balances = new Map<string, bigint>();
  let total = -1n;
  for (const line of out.trim().split('\n').slice(1)) {
    const [account, amount] = JSON.parse(`[${line}]`) as [string, string];
    if (account === 'total') total = money(amount);
    else if (money(amount) !== 0n) balances.set(account, money(amount));
  }
  return { balances, total };
}

/** ledger's balance per account (inclusive of sub-accounts) at the end of `day`. */
function ledgerBalances(path: string, day: string): Map<string, bigint> {
  const format = '%(account)\\t%(quantity(scrub(display_total)))\\n';
  const out = run('ledger', ['-f', path, '--pedantic', 'bal', '--flat', '--no-total', '--balance-format', format, '-e', dayAfter(day)]);
  const balances = new Map<string, bigint>();
  for (const line of out.split('\n').filter((l) => l !== '')) {
    const [account, amount] = line.split('\t') as [string, string];
    if (money(amount) !== 0n) balances.set(account, money(amount));
  }
  return balances;
}

/** Beancount's balance per account over the whole file, read back with bean-query. */
function beancountBalances(path: string): Map<string, bigint> {
  const out = run('bean-query', ['-f', 'csv', path, 'select account, sum(number) as total group by account']);
  const balances = new Map<string, bigint>();
  for (const line of out.trim().split('\n').slice(1)) {
    const [account, amount] = line.split(',').map((s) => s.trim()) as [string, string];
    if (money(amount) !== 0n) balances.set(account, money(amount));
  }
  return balances;
}

/** The last effective day of the books (where the whole file's balances stand). */
function lastDay(store: QueryStore): string {
  const days = store.totalsByDay();
  return days.length === 0 ? '2025-01-01' : days[days.length - 1]!.day;
}

interface Books {
  name: string;
  currency: string;
  entries: () => Entry[];
}

const BOOKS: Books[] = [
  { name: "the demo store's day", currency: 'EUR', entries: () => storeDay().entries },
  { name: 'the hostile book', currency: 'EUR', entries: hostileBook },
  { name: 'a monthly book in BHD (3 decimals)', currency: 'BHD', entries: () => monthlyBook('BHD') },
  { name: 'a monthly book in JPY (no decimals)', currency: 'JPY', entries: () => monthlyBook('JPY') },
];

describe('hledger reads the hledger export', () => {
  const hit = withTool('hledger');
  for (const book of BOOKS) {
    hit(`${book.name}: hledger check -s passes and hledger bal equals the store's balances`, () => {
      currency = book.currency;
      const store = storeOf(book.entries());
      const path = fileOf(exportHledger(store), 'journal');
      run('hledger', ['-f', path, 'check', '-s']);
      const first = store.periods()[0]?.period;
      // At the end of the first closed period and at the end of the books.
      for (const day of new Set([...(first === undefined ? [] : [lastDayOf(first)]), lastDay(store)])) {
        const { balances, total } = hledgerBalances(path, day);
        expect(total).toBe(0n);
        expect(sorted(balances)).toEqual(sorted(storeBalances(store, day)));
      }
    });
  }

  hit('the hostile book passes 2^53 in hledger without losing a cent', () => {
    currency = 'EUR';
    const store = storeOf(hostileBook());
    const { balances } = hledgerBalances(fileOf(exportHledger(store), 'journal'), lastDay(store));
    const cash = balances.get('Assets:Cash')!;
    expect(cash > 2n ** 53n).toBe(true);
    expect(cash).toBe(storeBalances(store, lastDay(store)).get('Assets:Cash'));
  });
});

describe('ledger reads the hledger export', () => {
  const lit = withTool('ledger');
  for (const book of BOOKS) {
    lit(`${book.name}: ledger --pedantic bal equals the store's balances`, () => {
      currency = book.currency;
      const store = storeOf(book.entries());
      const path = fileOf(exportHledger(store), 'journal');
      const day = lastDay(store);
      expect(sorted(ledgerBalances(path, day))).toEqual(sorted(inclusive(store, day)));
    });
  }
});

describe('bean-check accepts the Beancount export', () => {
  const bit = withTool('bean-check');
  for (const book of BOOKS) {
    bit(`${book.name}: bean-check passes (balance assertions at each final period's end) and bean-query's sums equal the store's`, () => {
      currency = book.currency;
      const store = storeOf(book.entries());
      const text = exportBeancount(store);
      expect(text).toContain(' balance ');
      const path = fileOf(text, 'beancount');
      expect(run('bean-check', [path])).toBe('');
      expect(sorted(beancountBalances(path))).toEqual(sorted(storeBalances(store, lastDay(store))));
    });
  }

  bit("one cent moved in a final period breaks bean-check: the balance assertions carry the period's closing figures exactly", () => {
    currency = 'EUR';
    const store = storeOf(storeDay().entries);
    const text = exportBeancount(store);
    // Still a balanced transaction, so only the period's balance assertions can catch it.
    const tampered = text.replace('Assets:Cash:Till-1  11.90 EUR', 'Assets:Cash:Till-1  11.91 EUR').replace('Income:Sales        -10.00 EUR', 'Income:Sales        -10.01 EUR');
    expect(tampered).not.toBe(text);
    const result = spawnSync('bean-check', [fileOf(tampered, 'beancount')], { encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/Balance failed for 'Assets:Cash:Till-1'/);
  });
});

describe('generated histories in all three tools', () => {
  const ok = CI || (installed('hledger') && installed('ledger') && installed('bean-check'));
  const git = ok ? it : (name: string, fn: () => void): void => it.skip(`${name} (skipped: hledger, ledger or beancount is not installed; under CI this fails)`, fn);
  git(`${HISTORIES} histories with seals, late, held and twin negations: whole books and one period`, () => {
    currency = 'EUR';
    const histories = fc.sample(storeHistory(), { numRuns: HISTORIES, seed: 5 });
    let finals = 0;
    for (const history of histories) {
      const store = storeOf(history.entries);
      const day = lastDay(store);
      const journal = fileOf(exportHledger(store), 'journal');
      run('hledger', ['-f', journal, 'check', '-s']);
      expect(sorted(hledgerBalances(journal, day).balances)).toEqual(sorted(storeBalances(store, day)));
      expect(sorted(ledgerBalances(journal, day))).toEqual(sorted(inclusive(store, day)));
      expect(run('bean-check', [fileOf(exportBeancount(store), 'beancount')])).toBe('');
      const final = store.periods().filter((p) => p.status === 'final');
      finals += final.length;
      const period = final[final.length - 1]?.period ?? history.days[0]!;
      const end = lastDayOf(period);
      const one = fileOf(exportHledger(store, { period }), 'journal');
      run('hledger', ['-f', one, 'check', '-s']);
      // The balances carried in make a one-period export's figures cumulative.
      expect(sorted(hledgerBalances(one, end).balances)).toEqual(sorted(storeBalances(store, end)));
      expect(run('bean-check', [fileOf(exportBeancount(store, { period }), 'beancount')])).toBe('');
    }
    // The sample is fixed (seed 5): make sure it exercises final periods at all.
    expect(finals).toBeGreaterThan(0);
  });
});
