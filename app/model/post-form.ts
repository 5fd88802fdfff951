/**
 * The free double-entry form: lines of account, debit and credit as typed, checked
 * live. The balance check speaks money ("still off by 3.50 on the credit side"), and
 * checking a whole form gives either the txn body to append or every problem, each
 * tied to the field a person must fix. Nothing here touches a journal: a refused form
 * saves nothing because there is nothing to save.
 */
import { checkAccount } from '../../src/core/accounts.ts';
import { limits } from '../../src/core/limits.ts';
import type { Posting, TxnBody } from '../../src/core/types.ts';
import { formatMinor, parseMoney } from './money.ts';

export interface FormLine {
  account: string;
  debit: string;
  credit: string;
}

export interface PostFormInput {
  lines: FormLine[];
  memo: string;
  ref: string;
}

/** A problem of one field: `field` is `line-<i>-account|debit|credit`, `lines`, `memo` or `ref`. */
export interface FieldProblem {
  field: string;
  message: string;
}

export interface BalanceState {
  /** Sum of the debits and of the credits that parse, in minor units. */
  debit: bigint;
  credit: bigint;
  balanced: boolean;
  /** What a person reads next to the form. */
  message: string;
}

export type FormCheck = { ok: true; body: TxnBody } | { ok: false; problems: FieldProblem[] };

/** An empty line. */
export function emptyLine(): FormLine {
  return { account: '', debit: '', credit: '' };
}

function isBlank(line: FormLine): boolean {
  return line.account.trim() === '' && line.debit.trim() === '' && line.credit.trim() === '';
}

/** The live balance of what is typed so far: unreadable amounts are left out until fixed. */
export function balanceOf(lines: readonly FormLine[], decimals: number): BalanceState {
  let debit = 0n;
  let credit = 0n;
  for (const line of lines) {
    const d = parseMoney(line.debit, decimals);
    const c = parseMoney(line.credit, decimals);
    if (d.ok) debit += BigInt(d.minor);
    if (c.ok) credit += BigInt(c.minor);
  }
  const off = debit - credit;
  if (debit === 0n && credit === 0n) return { debit, credit, balanced: false, message: 'Enter amounts: debits on one side, credits on the other.' };
  if (off > 0n) return { debit, credit, balanced: false, message: `Still off by ${formatMinor(off, decimals)} on the credit side.` };
  if (off < 0n) return { debit, credit, balanced: false, message: `Still off by ${formatMinor(-off, decimals)} on the debit side.` };
  return { debit, credit, balanced: true, message: `Balanced: ${formatMinor(debit, decimals)} debit, ${formatMinor(credit, decimals)} credit.` };
}

/**
 * Check the whole form. On success, the txn body (debits positive, credits negative,
 * blank lines dropped, memo and ref only when given). Otherwise every problem found.
 */
export function checkPostForm(input: PostFormInput, decimals: number): FormCheck {
  const problems: FieldProblem[] = [];
  const postings: Posting[] = [];
  input.lines.forEach((line, i) => {
    if (isBlank(line)) return;
    const posting = checkLine(line, i, decimals, problems);
    if (posting !== undefined) postings.push(posting);
  });
  const used = input.lines.filter((l) => !isBlank(l)).length;
  if (used < 2) problems.push({ field: 'lines', message: 'An entry needs at least two lines: where the money comes from and where it goes.' });
  if (used > limits.postingsPerEntryMax) problems.push({ field: 'lines', message: `An entry holds at most ${limits.postingsPerEntryMax} lines.` });
  if (problems.length === 0) {
    const balance = balanceOf(input.lines, decimals);
    if (!balance.balanced) problems.push({ field: 'lines', message: `Debits and credits must be equal. ${balance.message}` });
  }
  const memo = input.memo.trim();
  const ref = input.ref.trim();
  if ([...memo].length > limits.memoCharsMax) problems.push({ field: 'memo', message: `The memo is too long: at most ${limits.memoCharsMax} characters.` });
  if ([...ref].length > limits.refCharsMax) problems.push({ field: 'ref', message: `The reference is too long: at most ${limits.refCharsMax} characters.` });
  if (problems.length > 0) return { ok: false, problems };
  const body: TxnBody = { postings };
  if (memo !== '') body.memo = memo;
  if (ref !== '') body.ref = ref;
  return { ok: true, body };
}

function checkLine(line: FormLine, i: number, decimals: number, problems: FieldProblem[]): Posting | undefined {
  const at = (part: string): string => `line-${i}-${part}`;
  const account = line.account.trim();
  let ok = true;
  if (account === '') {
    problems.push({ field: at('account'), message: `Line ${i + 1}: choose an account.` });
    ok = false;
  } else {
    const refusal = checkAccount(account);
    if (refusal !== undefined) {
      problems.push({ field: at('account'), message: `Line ${i + 1}: ${refusal.message}` });
      ok = false;
    }
  }
  const hasDebit = line.debit.trim() !== '';
  const hasCredit = line.credit.trim() !== '';
  if (hasDebit === hasCredit) {
    problems.push({ field: at(hasDebit ? 'credit' : 'debit'), message: `Line ${i + 1}: enter an amount as either a debit or a credit${hasDebit ? ', not both' : ''}.` });
    return undefined;
  }
  const side = hasDebit ? 'debit' : 'credit';
  const amount = parseMoney(hasDebit ? line.debit : line.credit, decimals);
  if (!amount.ok) {
    problems.push({ field: at(side), message: `Line ${i + 1}: ${amount.refusal.message}` });
    return undefined;
  }
  return ok ? { account, amount: hasDebit ? amount.minor : -amount.minor } : undefined;
}

/** Form lines showing `postings` (to edit a draft or a template's result). */
export function linesOf(postings: readonly Posting[], decimals: number): FormLine[] {
  return postings.map((p) => ({
    account: p.account,
    debit: p.amount > 0 ? formatMinor(p.amount, decimals) : '',
    credit: p.amount < 0 ? formatMinor(-p.amount, decimals) : '',
  }));
}
