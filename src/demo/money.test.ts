import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { formatMinor } from './money.ts';

describe('formatMinor', () => {
  it('places the decimal point by digits', () => {
    expect(formatMinor(0n)).toBe('0.00');
    expect(formatMinor(5n)).toBe('0.05');
    expect(formatMinor(-1250n)).toBe('-12.50');
    expect(formatMinor(123456789012345678901n)).toBe('1234567890123456789.01');
    expect(formatMinor(-7n, 0)).toBe('-7');
    expect(formatMinor(1n, 3)).toBe('0.001');
  });

  it('reads back to the same integer for any amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 6 }), (amount, decimals) => {
        const text = formatMinor(amount, decimals);
        expect(BigInt(text.replace('.', ''))).toBe(amount);
        expect(text.includes('.') ? text.split('.')[1]!.length : 0).toBe(decimals);
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('refuses a fraction width it cannot print', () => {
    expect(() => formatMinor(1n, -1)).toThrow(RangeError);
    expect(() => formatMinor(1n, 1.5)).toThrow(RangeError);
  });
});
