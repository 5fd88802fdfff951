/**
 * The books as a Beancount ledger: options, the currency, an `open` per account on
 * the first day it is used, then each entry that counts as one transaction at its
 * effective date, with its id, author, seq, hlc and own date as metadata. After each
 * final period: a `custom "daybook-period"` directive carrying its digest, and a
 * `balance` assertion per account open by then, at the start of the next day, so
 * bean-check proves the exported postings give the period's closing balances.
 */
import type { AccountAmount } from '../core/ledger.ts';
import { decimalOf } from './export-money.ts';
import { dayAfter, exportModel, type ExportEntry, type ExportModel, type ExportOptions, type ExportPeriod, type ExportPosting, type ExportSource } from './export-model.ts';
import { beancountString } from './export-text.ts';

/**
 * The Beancount export of `source` (see ExportOptions for `period`). Every account
 * name is already valid Beancount (src/core/accounts.ts); every string is escaped
 * by beancountString. Pure.
 */
export function exportBeancount(source: ExportSource, opts: ExportOptions = {}): string {
  const model = exportModel(source, opts);
  const out: string[] = [...header(model), ''];
  const firstDay = model.accounts.reduce<string | undefined>((min, a) => (min === undefined || a.firstDay < min ? a.firstDay : min), undefined);
  if (firstDay !== undefined) out.push(`${firstDay} commodity ${model.currency}`, '');
  for (const { account, firstDay: day } of model.accounts) out.push(`${day} open ${account} ${model.currency}`);
  out.push('');
  if (model.opening !== undefined) {
    out.push(`${model.opening.day} * "Balance carried in"`, `  daybook-kind: "opening"`, ...postingLines(model, model.opening.balances), '');
  }
  const periods = [...model.periods];
  for (const entry of model.entries) {
    const day = entry.effectiveDate.slice(0, 10);
    while (periods.length > 0 && periods[0]!.lastDay < day) out.push(...periodLines(model, periods.shift()!), '');
    out.push(...transaction(model, entry), '');
  }
  for (const p of periods) out.push(...periodLines(model, p), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function header(model: ExportModel): string[] {
  const lines = [
    `; daybook export of book ${model.bookId.replace(/[^\x20-\x7e]/g, '?')}: every entry that counts in the books, at the date it counts`,
    `option "title" ${beancountString(model.bookName === '' ? model.bookId : model.bookName)}`,
    `option "operating_currency" "${model.currency}"`,
  ];
  if (model.period !== undefined) lines.push(`; period ${model.period} only, after the balances carried in`);
  const excluded = Object.entries(model.excluded).map(([status, n]) => `${n} ${status}`);
  if (excluded.length > 0) lines.push(`; entries held but not in the books: ${excluded.join(', ')}`);
  return lines;
}

function transaction(model: ExportModel, e: ExportEntry): string[] {
  const narration = e.kind === 'negate' ? `Negates ${(e.negates ?? '').slice(0, 12)}: ${e.text}` : e.text;
  const lines = [
    `${e.effectiveDate.slice(0, 10)} * ${beancountString(narration)}`,
    `  daybook-kind: "${e.kind}"`,
    `  entry: "${e.id}"`,
    `  author: ${beancountString(e.author)}`,
    `  seq: ${e.seq}`,
    `  hlc: "${e.hlc}"`,
    `  label-date: "${e.labelDate}"`,
  ];
  if (e.negates !== undefined) lines.push(`  negates: "${e.negates}"`);
  if (e.ref !== undefined) lines.push(`  ref: ${beancountString(e.ref)}`);
  if (e.late !== undefined) lines.push(`  late-from: "${e.late.labelPeriod}"`, `  provisional: ${e.late.provisional ? 'TRUE' : 'FALSE'}`);
  lines.push(...postingLines(model, e.postings));
  return lines;
}

function postingLines(model: ExportModel, postings: readonly ExportPosting[]): string[] {
  const width = Math.max(...postings.map((p) => p.account.length));
  return postings.map((p) => `  ${p.account.padEnd(width)}  ${decimalOf(p.amount, model.exponent)} ${model.currency}`);
}

function periodLines(model: ExportModel, p: ExportPeriod): string[] {
  if (p.status !== 'final') {
    const missing = p.status === 'sealed' ? `, not final here (${p.missingCount ?? 0} entries within the seal's cut are missing)` : '';
    return [`; period ${p.period} ${p.status}${p.seal === undefined ? '' : ` by seal ${p.seal}`}${missing}`];
  }
  const lines = [
    `; period ${p.period} final: its content and closing balances hash to the digest below`,
    `${p.lastDay} custom "daybook-period" "${p.period}" "final" "${p.digest ?? ''}"`,
    `  seal: "${p.seal ?? ''}"`,
    `  seal-agrees: ${p.sealAgrees === false ? 'FALSE' : 'TRUE'}`,
  ];
  const next = dayAfter(p.lastDay);
  for (const { account, firstDay } of model.accounts) {
    if (firstDay > p.lastDay) continue;
    // "~ 0": an exact assertion. Beancount's default tolerance lets a balance one minor unit off pass.
    lines.push(`${next} balance ${account}  ${decimalOf(subtreeSum(p.closingBalances ?? [], account), model.exponent)} ~ 0 ${model.currency}`);
  }
  return lines;
}

/** Beancount's balance assertion covers an account and its sub-accounts: sum them alike. */
function subtreeSum(balances: readonly AccountAmount[], account: string): bigint {
  const prefix = `${account}:`;
  let sum = 0n;
  for (const b of balances) if (b.account === account || b.account.startsWith(prefix)) sum += b.amount;
  return sum;
}
