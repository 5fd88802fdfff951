import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { Interner } from './accounts.ts';
import { dateToSeconds, dayIndexOf, dayOfSeconds, hlcCounter, hlcMs, hlcText, secondsToDate } from './codec.ts';
import { int32Column } from './columns.ts';
import { IdTable } from './ids.ts';
import { balancesUpTo, EXACT_MAX, ExactTotal, NEVER_DAY } from './sums.ts';

const hex64 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

describe('columns', () => {
  it('keep every pushed value across growth', () => {
    const col = int32Column(2);
    for (let i = 0; i < 5000; i++) col.push(i * 3);
    expect(col.length).toBe(5000);
    expect(col.data[4999]).toBe(4999 * 3);
    expect(col.data[0]).toBe(0);
  });
});

describe('Interner', () => {
  it('gives dense stable indexes', () => {
    const names = new Interner();
    expect(names.intern('cash')).toBe(0);
    expect(names.intern('sales')).toBe(1);
    expect(names.intern('cash')).toBe(0);
    expect(names.get('nope')).toBeUndefined();
    expect(names.name(1)).toBe('sales');
  });
});

describe('IdTable', () => {
  it('finds every id it holds and no other', () => {
    fc.assert(
      fc.property(fc.uniqueArray(hex64, { maxLength: 3000 }), hex64, (ids, other) => {
        const table = new IdTable();
        ids.forEach((id, i) => expect(table.add(id)).toBe(i));
        ids.forEach((id, i) => {
          expect(table.indexOf(id)).toBe(i);
          expect(table.idAt(i)).toBe(id);
        });
        if (!ids.includes(other)) expect(table.indexOf(other)).toBe(-1);
      }),
      { numRuns: Math.max(50, Math.floor(propertyRuns() / 20)) },
    );
  });

  it('orders ids as their strings order', () => {
    fc.assert(
      fc.property(hex64, hex64, (a, b) => {
        fc.pre(a !== b);
        const table = new IdTable();
        table.add(a);
        table.add(b);
        expect(table.compare(0, 1)).toBe(a < b ? -1 : 1);
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('refuses malformed ids on lookup and duplicates on add', () => {
    const table = new IdTable();
    const id = 'a'.repeat(64);
    table.add(id);
    expect(table.indexOf('A'.repeat(64))).toBe(-1);
    expect(table.indexOf('short')).toBe(-1);
    expect(() => table.add(id)).toThrow();
  });
});

describe('codec', () => {
  const date = fc
    .record({
      y: fc.integer({ min: 2000, max: 2999 }),
      mo: fc.integer({ min: 1, max: 12 }),
      d: fc.integer({ min: 1, max: 28 }),
      s: fc.integer({ min: 0, max: 86_399 }),
    })
    .map(({ y, mo, d, s }) => new Date(Date.UTC(y, mo - 1, d, 0, 0, s)).toISOString().slice(0, 19));

  it('round-trips dates and keeps their order', () => {
    fc.assert(
      fc.property(date, date, (a, b) => {
        expect(secondsToDate(dateToSeconds(a))).toBe(a);
        expect(Math.sign(dateToSeconds(a) - dateToSeconds(b))).toBe(a < b ? -1 : a > b ? 1 : 0);
        expect(dayOfSeconds(dateToSeconds(a))).toBe(dayIndexOf(a.slice(0, 10)));
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('round-trips hlc stamps', () => {
    expect(hlcText(hlcMs('1735689600000-0042'), hlcCounter('1735689600000-0042'))).toBe('1735689600000-0042');
  });
});

describe('exact sums', () => {
  it('equal BigInt sums, including past 2^53', () => {
    const amount = fc.oneof(fc.integer({ min: -1e12, max: 1e12 }), fc.constantFrom(1e12, -1e12, 1, -1));
    const posting = fc.record({ account: fc.integer({ min: 0, max: 3 }), amount, day: fc.integer({ min: 0, max: 5 }) });
    fc.assert(
      fc.property(fc.array(posting, { maxLength: 200 }), fc.integer({ min: 0, max: 5 }), (rows, asOf) => {
        const cols = {
          account: Int32Array.from(rows.map((r) => r.account)),
          amount: Float64Array.from(rows.map((r) => r.amount)),
          day: Int32Array.from(rows.map((r) => (r.day === 5 ? NEVER_DAY : r.day))),
          count: rows.length,
        };
        const expected = [0n, 0n, 0n, 0n];
        for (const r of rows) if (r.day !== 5 && r.day <= asOf) expected[r.account]! += BigInt(r.amount);
        expect(balancesUpTo(cols, 4, asOf)).toEqual(expected);
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('switches to BigInt where Float64 would round', () => {
    const rows = 20_000;
    const cols = {
      account: new Int32Array(rows),
      amount: Float64Array.from({ length: rows }, (_, i) => (i === 0 ? 1 : 1e12)),
      day: new Int32Array(rows),
      count: rows,
    };
    const exact = 1n + 1_000_000_000_000n * BigInt(rows - 1);
    expect(exact > BigInt(EXACT_MAX)).toBe(true);
    expect(balancesUpTo(cols, 1, 0)).toEqual([exact]);
    const total = new ExactTotal();
    for (let i = 0; i < rows; i++) total.add(cols.amount[i]!);
    total.add(-1e12);
    expect(total.value).toBe(exact - 1_000_000_000_000n);
  });
});
