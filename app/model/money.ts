/**
 * Money as a person types and reads it. Amounts stay integers in minor units from
 * the keyboard to the entry: "12.50" becomes 1250 by reading digits, never by
 * multiplying a float, and printing places the decimal point by string arithmetic.
 */
import { limits } from '../../src/core/limits.ts';

export type MoneyRefusalCode = 'empty' | 'not-a-number' | 'too-many-decimals' | 'negative' | 'zero' | 'too-large';

export interface MoneyRefusal {
  code: MoneyRefusalCode;
  message: string;
}

export type MoneyResult = { ok: true; minor: number } | { ok: false; refusal: MoneyRefusal };

/** Fraction digits of a currency's minor unit (EUR 2, JPY 0, BHD 3); 2 when the platform does not know it. */
export function currencyDecimals(currency: string): number {
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    return digits !== undefined && Number.isInteger(digits) && digits >= 0 && digits <= 6 ? digits : 2;
  } catch {
    return 2;
  }
}

const AMOUNT = /^(-?)(\d+)(?:[.,](\d*))?$/;

/**
 * Read `text` as an amount of money with `decimals` fraction digits and return it in
 * minor units. A comma may stand for the decimal point ("12,50"). Refused, with a
 * message for the person who typed it: empty, not a number, more decimals than the
 * currency has, negative (unless `allowNegative`), zero (unless `allowZero`), and more
 * than limits.amountAbsMax minor units. Never throws.
 */
export function parseMoney(text: string, decimals: number, opts: { allowNegative?: boolean; allowZero?: boolean } = {}): MoneyResult {
  const trimmed = text.trim().replace(/[\s\u00a0']/g, '');
  if (trimmed === '') return refuse('empty', 'Enter an amount.');
  const match = AMOUNT.exec(trimmed);
  if (match === null) return refuse('not-a-number', `“${text.trim().slice(0, 20)}” is not an amount: use digits and one decimal point, like 12.50.`);
  const [, sign, whole, fraction = ''] = match as unknown as [string, string, string, string | undefined];
  if (fraction.length > decimals) {
    return refuse('too-many-decimals', decimals === 0 ? 'This currency has no cents: enter a whole amount.' : `At most ${decimals} digits after the decimal point.`);
  }
  if (sign === '-' && opts.allowNegative !== true) return refuse('negative', 'Enter the amount without a minus sign.');
  // Digits only from here: the length check keeps the integer far inside 2^53 before it is built.
  const digits = (whole + fraction.padEnd(decimals, '0')).replace(/^0+(?=\d)/, '');
  const maxDigits = String(limits.amountAbsMax).length;
  const magnitude = digits.length > maxDigits ? Infinity : Number(digits);
  if (magnitude > limits.amountAbsMax) return refuse('too-large', `That is more than ${formatMinor(BigInt(limits.amountAbsMax), decimals)}, the largest amount one line may hold.`);
  if (magnitude === 0 && opts.allowZero !== true) return refuse('zero', 'The amount must be more than zero.');
  return { ok: true, minor: sign === '-' ? -magnitude : magnitude };
}

/**
 * `amount` minor units as a decimal string with `decimals` fraction digits:
 * formatMinor(-1250n, 2) is "-12.50", formatMinor(5n, 2) is "0.05".
 */
export function formatMinor(amount: bigint | number, decimals = 2): string {
  const value = typeof amount === 'bigint' ? amount : BigInt(amount);
  const places = Number.isInteger(decimals) && decimals >= 0 && decimals <= 6 ? decimals : 2;
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString().padStart(places + 1, '0');
  if (places === 0) return sign + digits;
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

function refuse(code: MoneyRefusalCode, message: string): MoneyResult {
  return { ok: false, refusal: { code, message } };
}
