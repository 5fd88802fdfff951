/**
 * Money for the exports: integer minor units written as decimal strings by string
 * arithmetic (never by dividing a float), with the currency's ISO 4217 exponent.
 */

/**
 * ISO 4217 currencies whose minor unit is not 1/100. Every other three-letter code
 * has two decimals, which is what a book in an unknown code gets too (the book's
 * validator only checks the code's shape, not that it exists).
 */
const EXPONENTS: Readonly<Record<string, number>> = {
  // No minor unit.
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0,
  UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  // Thousandths.
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  // Ten-thousandths (units of account).
  CLF: 4, UYW: 4,
};

/** The number of decimals of `currency`'s minor unit: 0, 2, 3 or 4 (2 when unknown). */
export function currencyExponent(currency: string): number {
  return Object.hasOwn(EXPONENTS, currency) ? EXPONENTS[currency]! : 2;
}

/**
 * `amount` minor units as a plain decimal string with exactly `exponent` fraction
 * digits and no grouping: decimalOf(-1250n, 2) is "-12.50", decimalOf(5n, 3) is
 * "0.005", decimalOf(7n, 0) is "7". `exponent` is an integer 0..18 (a programmer's
 * value, from currencyExponent); outside that it is clamped into range.
 */
export function decimalOf(amount: bigint, exponent: number): string {
  const places = Math.min(18, Math.max(0, Math.floor(exponent)));
  const sign = amount < 0n ? '-' : '';
  const digits = (amount < 0n ? -amount : amount).toString().padStart(places + 1, '0');
  if (places === 0) return sign + digits;
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/**
 * The minor units a decimal string written by decimalOf stands for, or undefined
 * when `text` is not such a string (optional '-', digits, optional '.' and exactly
 * `exponent` digits). Used by the tests to read the tools' balances back exactly.
 */
export function minorOf(text: string, exponent: number): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return undefined;
  const fraction = (m[3] ?? '').padEnd(exponent, '0');
  if (fraction.length !== exponent) return undefined;
  const value = BigInt(`${m[2] ?? ''}${fraction}`);
  return m[1] === '-' ? -value : value;
}
