import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastDayOf } from '../core/fold-periods.ts';
import { storeHistory } from '../core/testing/arbitraries.ts';
import type { Entry } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { CSV_COLUMNS, exportCsv } from './export-csv.ts';
import { HOSTILE_MEMOS, hostileBook, storeDay } from './testing/export-fixtures.ts';
import { exportHledger } from './export-hledger.ts';
import { checkExportOptions } from './export-model.ts';
import { minorOf } from './export-money.ts';
import { QueryStore } from './store.ts';

/** RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function readCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      field = '';
      record = [];
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  const [header, ...rows] = records;
  expect(header).toEqual([...CSV_COLUMNS]);
  return rows.map((r) => {
    expect(r.length).toBe(CSV_COLUMNS.length);
    return Object.fromEntries(CSV_COLUMNS.map((c, k) => [c, r[k]!]));
  });
}

function storeOf(entries: Entry[]): QueryStore {
  const store = new QueryStore();
  store.load(entries);
  return store;
}

function sums(rows: Array<Record<string, string>>): Array<[string, string]> {
  const out = new Map<string, bigint>();
  for (const r of rows) out.set(r['account']!, (out.get(r['account']!) ?? 0n) + minorOf(r['amount']!, 2)!);
  return [...out].filter(([, v]) => v !== 0n).map(([a, v]): [string, string] => [a, v.toString()]).sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

function balances(store: QueryStore, day: string): Array<[string, string]> {
  return store.balancesAsOf(day).map((b): [string, string] => [b.account, b.amount.toString()]);
}

describe('CSV export', () => {
  it("any history: the rows sum to the store's balances, hold exactly the entries that count, and carry each final period's digest", () => {
    fc.assert(
      fc.property(storeHistory({ opsMax: 40 }), (history) => {
        const store = storeOf(history.entries);
        const rows = readCsv(exportCsv(store));
        expect(sums(rows)).toEqual(balances(store, '2999-12-31'));
        const counting = [...store.toLedger().entries.values()].filter((v) => v.state.status === 'effective' && (v.entry.kind === 'txn' || v.entry.kind === 'negate'));
        expect(new Set(rows.map((r) => r['entry']))).toEqual(new Set(counting.map((v) => v.entry.id)));
        const digests = new Map(store.periods().map((p) => [p.period, p.digest ?? '']));
        for (const r of rows) expect(r['period_digest']).toBe(digests.get(r['period']!) ?? '');
        const final = store.periods().filter((p) => p.status === 'final').pop();
        if (final !== undefined) {
          const one = readCsv(exportCsv(store, { period: final.period }));
          expect(sums(one)).toEqual(balances(store, lastDayOf(final.period)));
          for (const r of one) if (r['kind'] !== 'opening') expect(r['period']).toBe(final.period);
        }
      }),
      // 200 by default, not 1,000: every case folds a whole history and writes two exports (about 25 ms).
      { numRuns: propertyRuns(200) },
    );
  });

  it("the demo day: the negation is a row of its own, the late sale counts the next day with its label kept", () => {
    const day = storeDay();
    const rows = readCsv(exportCsv(storeOf(day.entries)));
    const negation = rows.filter((r) => r['kind'] === 'negate');
    expect(negation.map((r) => r['amount'])).toEqual(['-119.00', '100.00', '19.00']);
    const late = rows.filter((r) => r['entry'] === day.lateSale.id);
    expect(late[0]).toMatchObject({ date: '2025-03-15T00:00:00', label_date: '2025-03-14T19:10:00', period: '2025-03-15', period_status: 'open' });
    expect(rows.find((r) => r['period'] === '2025-03-14')!['period_status']).toBe('final');
  });

  it('the hostile book: every memo comes back exactly (formulas defused with one apostrophe), sums past 2^53 exactly', () => {
    const store = storeOf(hostileBook());
    const rows = readCsv(exportCsv(store));
    const memos = new Set(rows.map((r) => r['memo']!.replace(/^'(?=[=+\-@])/, '')));
    for (const memo of HOSTILE_MEMOS) expect(memos.has(memo), memo).toBe(true);
    for (const r of rows) expect(r['memo']).not.toMatch(/^[=+@]/);
    expect(sums(rows)).toEqual(balances(store, '2999-12-31'));
    expect(BigInt(balances(store, '2999-12-31').find(([a]) => a === 'Assets:Cash')![1]) > 2n ** 53n).toBe(true);
  });

  it('the hostile book: the hledger comments carry every memo exactly as JSON', () => {
    const text = exportHledger(storeOf(hostileBook()));
    const memos = [...text.matchAll(/^ {4}; memo (".*")$/gm)].map((m) => JSON.parse(m[1]!) as string);
    for (const memo of HOSTILE_MEMOS) expect(memos).toContain(memo);
  });

  it('refuses a period of the wrong shape with a reason, and exports nothing for it', () => {
    const store = storeOf(storeDay().entries);
    expect(checkExportOptions(store, { period: '2025-03' })).toMatchObject({ code: 'shape', path: 'period' });
    expect(checkExportOptions(store, { period: '2025-03-14' })).toBeUndefined();
    expect(checkExportOptions(new QueryStore(), {})).toMatchObject({ code: 'shape' });
    expect(readCsv(exportCsv(store, { period: 'nonsense' }))).toEqual([]);
  });
});
