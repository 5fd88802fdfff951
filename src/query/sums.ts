/**
 * Exact sums of integer amounts held as Float64.
 *
 * Float64 adds integers exactly while every partial result stays within 2^53. So each
 * sum also accumulates the absolute values: when that absolute total stays within
 * 2^53, no partial sum could have left the exact range and the Float64 result is the
 * exact answer. Only an account whose absolute total exceeds it is summed again with
 * BigInt. Postings are capped at 10^12 minor units, so that takes thousands of
 * postings at the cap in one account, which a store never sees in practice.
 */

/** Largest integer every partial sum may reach and still be exact. */
export const EXACT_MAX = Number.MAX_SAFE_INTEGER;

/** The posting columns a sum reads. `day[i]` is the effective day index, or NEVER_DAY. */
export interface PostingColumns {
  account: Int32Array;
  amount: Float64Array;
  day: Int32Array;
  count: number;
}

/** The effective day of a posting that is not in the books: never counted as of any day. */
export const NEVER_DAY = 0x7fffffff;

/**
 * Balances per account index over the postings with `day[i] <= asOfDay`, exact, as
 * bigint (index = account index; length `accounts`).
 */
export function balancesUpTo(cols: PostingColumns, accounts: number, asOfDay: number): bigint[] {
  const sum = new Float64Array(accounts);
  const abs = new Float64Array(accounts);
  const { account, amount, day, count } = cols;
  for (let i = 0; i < count; i++) {
    if (day[i]! <= asOfDay) {
      const a = account[i]!;
      const x = amount[i]!;
      sum[a]! += x;
      abs[a]! += x < 0 ? -x : x;
    }
  }
  const out = new Array<bigint>(accounts);
  let inexact: number[] | undefined;
  for (let a = 0; a < accounts; a++) {
    if (abs[a]! <= EXACT_MAX) out[a] = BigInt(sum[a]!);
    else (inexact ??= []).push(a);
  }
  if (inexact !== undefined) for (const a of inexact) out[a] = bigSum(cols, a, asOfDay);
  return out;
}

/** The exact balance of one account over postings with `day[i] <= asOfDay`, in BigInt. */
export function bigSum(cols: PostingColumns, accountIndex: number, asOfDay: number): bigint {
  let total = 0n;
  const { account, amount, day, count } = cols;
  for (let i = 0; i < count; i++) {
    if (account[i] === accountIndex && day[i]! <= asOfDay) total += BigInt(amount[i]!);
  }
  return total;
}

/**
 * A running exact total kept incrementally: a Float64 value and the Float64 sum of
 * every |amount| ever added or removed. While that stays within 2^53 the value is
 * exact; past it the total switches to BigInt for good.
 */
export class ExactTotal {
  #value = 0;
  #abs = 0;
  #big: bigint | undefined;

  add(amount: number): void {
    if (this.#big !== undefined) {
      this.#big += BigInt(amount);
      return;
    }
    const abs = this.#abs + (amount < 0 ? -amount : amount);
    if (abs > EXACT_MAX) {
      this.#big = BigInt(this.#value) + BigInt(amount);
      return;
    }
    this.#abs = abs;
    this.#value += amount;
  }

  get value(): bigint {
    return this.#big ?? BigInt(this.#value);
  }
}
