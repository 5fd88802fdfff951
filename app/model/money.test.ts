import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limits } from '../../src/core/limits.ts';
import { propertyRuns } from '../../src/testing/runs.ts';
import { currencyDecimals, formatMinor, parseMoney } from './money.ts';

describe('parseMoney', () => {
  it('reads amounts into minor units without floats', () => {
    expect(parseMoney('12.50', 2)).toEqual({ ok: true, minor: 1250 });
    expect(parseMoney('12,5', 2)).toEqual({ ok: true, minor: 1250 });
    expect(parseMoney(' 0.07 ', 2)).toEqual({ ok: true, minor: 7 });
    expect(parseMoney('3', 2)).toEqual({ ok: true, minor: 300 });
    expect(parseMoney('3.', 2)).toEqual({ ok: true, minor: 300 });
    expect(parseMoney('1 234.56', 2)).toEqual({ ok: true, minor: 123456 });
    expect(parseMoney('0.1', 2)).toEqual({ ok: true, minor: 10 });
    expect(parseMoney('1.005', 3)).toEqual({ ok: true, minor: 1005 });
    expect(parseMoney('500', 0)).toEqual({ ok: true, minor: 500 });
    expect(parseMoney('-4.20', 2, { allowNegative: true })).toEqual({ ok: true, minor: -420 });
    expect(parseMoney('10000000000.00', 2)).toEqual({ ok: true, minor: limits.amountAbsMax });
  });

  it('refuses bad amounts with a reason', () => {
    const code = (text: string, decimals = 2): string | undefined => {
      const r = parseMoney(text, decimals);
      return r.ok ? undefined : r.refusal.code;
    };
    expect(code('')).toBe('empty');
    expect(code('   ')).toBe('empty');
    expect(code('abc')).toBe('not-a-number');
    expect(code('1e3')).toBe('not-a-number');
    expect(code('1.2.3')).toBe('not-a-number');
    expect(code('.5')).toBe('not-a-number');
    expect(code('NaN')).toBe('not-a-number');
    expect(code('12.505')).toBe('too-many-decimals');
    expect(code('1.5', 0)).toBe('too-many-decimals');
    expect(code('-3')).toBe('negative');
    expect(code('0.00')).toBe('zero');
    expect(code('10000000000.01')).toBe('too-large');
    expect(code('9'.repeat(400))).toBe('too-large');
  });

  it('round-trips every amount within the cap through its printed form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: limits.amountAbsMax }), fc.integer({ min: 0, max: 3 }), (minor, decimals) => {
        expect(parseMoney(formatMinor(minor, decimals), decimals)).toEqual({ ok: true, minor });
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(typeof parseMoney(text, 2).ok).toBe('boolean');
      }),
      { numRuns: propertyRuns() },
    );
  });
});

describe('formatMinor and currencyDecimals', () => {
  it('places the point by string arithmetic', () => {
    expect(formatMinor(-1250n)).toBe('-12.50');
    expect(formatMinor(5)).toBe('0.05');
    expect(formatMinor(123n, 0)).toBe('123');
    expect(formatMinor(2n ** 70n)).toBe('11805916207174113034.24');
  });
  it('knows the minor unit of common currencies', () => {
    expect(currencyDecimals('EUR')).toBe(2);
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('not a currency')).toBe(2);
  });
});
