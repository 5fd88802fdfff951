/** Amounts on screen: minor units printed with the book's decimals, negatives marked. */
import { formatMinor } from '../model/money.ts';

export function Money({ amount, decimals }: { amount: bigint | number; decimals: number }) {
  const negative = typeof amount === 'bigint' ? amount < 0n : amount < 0;
  return <span class={negative ? 'money neg' : 'money'}>{formatMinor(amount, decimals)}</span>;
}
