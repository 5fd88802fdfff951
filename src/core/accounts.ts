/**
 * Account names. They follow Beancount's rules (a subset hledger and ledger also
 * read), so every export of the books loads in those tools as it is: a root group,
 * then `:`-separated parts, each starting with a capital letter or a digit.
 */
import { limits } from './limits.ts';
import type { Refusal } from './result.ts';
import { quote } from './validate-fields.ts';

/** Beancount's five root groups. */
export const ACCOUNT_ROOTS = ['Assets', 'Liabilities', 'Equity', 'Income', 'Expenses'] as const;

const SEGMENT = /^[A-Z0-9][A-Za-z0-9-]*$/;
const EXAMPLE = 'like Assets:Cash';

/**
 * Why `name` is not a valid account name, in words a store manager can act on
 * (code 'bad-account', no path: the caller knows where the name sits), or undefined
 * when it is valid. Rules: 2..accountSegmentsMax parts joined by ':', the first one
 * of ACCOUNT_ROOTS, every other matching /^[A-Z0-9][A-Za-z0-9-]*$/, at most
 * accountCharsMax characters in all. Never throws, whatever it is given.
 */
export function checkAccount(name: string): Refusal | undefined {
  if (typeof name !== 'string') return bad('An account name must be text.');
  if (name.length === 0) return bad(`The account name is empty; write one ${EXAMPLE}.`);
  if (name.length > limits.accountCharsMax) {
    return bad(`Account ${quote(name)} is ${name.length} characters long; at most ${limits.accountCharsMax} are allowed.`);
  }
  const parts = name.split(':');
  const root = parts[0] ?? '';
  if (!(ACCOUNT_ROOTS as readonly string[]).includes(root)) {
    return bad(`Account ${quote(name)} must start with Assets, Liabilities, Equity, Income or Expenses, ${EXAMPLE}.`);
  }
  if (parts.length < 2) return bad(`Account ${quote(name)} is only a group; add a name after a colon, ${EXAMPLE}.`);
  if (parts.length > limits.accountSegmentsMax) {
    return bad(`Account ${quote(name)} has ${parts.length} parts; at most ${limits.accountSegmentsMax} are allowed.`);
  }
  for (const part of parts.slice(1)) {
    if (part === '') return bad(`Account ${quote(name)} has an empty part; remove the extra colon.`);
    if (!SEGMENT.test(part)) {
      return bad(
        `In account ${quote(name)}, the part ${quote(part)} must start with a capital letter or a digit ` +
          `and use only letters, digits and "-".`,
      );
    }
  }
  return undefined;
}

function bad(message: string): Refusal {
  return { code: 'bad-account', message };
}
