import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { currencyExponent, decimalOf, minorOf } from './export-money.ts';

describe('export money', () => {
  it('writes minor units with the currency exponent, by string arithmetic', () => {
    expect(decimalOf(-1250n, 2)).toBe('-12.50');
    expect(decimalOf(5n, 2)).toBe('0.05');
    expect(decimalOf(-5n, 3)).toBe('-0.005');
    expect(decimalOf(7n, 0)).toBe('7');
    expect(decimalOf(0n, 2)).toBe('0.00');
    // Past 2^53, where a float would already round.
    expect(decimalOf(2n ** 53n + 1n, 2)).toBe('90071992547409.93');
    expect([currencyExponent('EUR'), currencyExponent('JPY'), currencyExponent('BHD'), currencyExponent('CLF'), currencyExponent('ZZZ')]).toEqual([2, 0, 3, 4, 2]);
    expect(currencyExponent('constructor')).toBe(2);
  });

  it('reads back exactly what it wrote, for any amount and exponent', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }), (amount, exponent) => {
        const text = decimalOf(amount, exponent);
        expect(text).toMatch(exponent === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${exponent}}$`));
        expect(minorOf(text, exponent)).toBe(amount);
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('refuses what is not a plain decimal', () => {
    for (const bad of ['', '1e3', '1,000.00', '12.345', '--1', 'NaN', '0x10']) expect(minorOf(bad, 2), bad).toBeUndefined();
    expect(minorOf('12.9', 2)).toBe(1290n);
  });
});
