/**
 * Printing money for the terminal demo. Amounts are integers in minor units and
 * stay integers: the decimal point is placed by string arithmetic, never by
 * dividing a float.
 */

/**
 * `amount` minor units as a decimal string with `decimals` fraction digits:
 * formatMinor(-1250n) is "-12.50", formatMinor(5n) is "0.05". `decimals` must be
 * an integer from 0 to 6.
 */
export function formatMinor(amount: bigint, decimals = 2): string {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 6) throw new RangeError(`decimals ${decimals} is not 0..6`);
  const sign = amount < 0n ? '-' : '';
  const digits = (amount < 0n ? -amount : amount).toString().padStart(decimals + 1, '0');
  if (decimals === 0) return sign + digits;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/** Left-pad `text` to `width` (for right-aligned columns of figures). */
export function padLeft(text: string, width: number): string {
  return text.padStart(width, ' ');
}
