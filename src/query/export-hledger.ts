/**
 * The books as an hledger journal, a subset that ledger 3 reads the same way. Each
 * entry that counts is one transaction at its effective date, with its own (label)
 * date as the secondary date when they differ (a late entry, a negation counting at
 * its target's date). The entry's id, author, seq, hlc and exact memo are comments
 * under it, written without "name:" (which both tools read as a tag or metadata),
 * except inside the JSON of a memo, where a tag is harmless; each closed
 * period is a comment with its digest after its last transaction.
 */
import { decimalOf } from './export-money.ts';
import { exportModel, type ExportEntry, type ExportModel, type ExportOptions, type ExportPeriod, type ExportPosting, type ExportSource } from './export-model.ts';
import { journalDescription, jsonComment, oneLine } from './export-text.ts';

/** Characters of an entry id shown as the transaction's code. */
const CODE_CHARS = 12;

/**
 * The hledger (and ledger) journal of `source` (see ExportOptions for `period`):
 * commodity and account declarations first, so `hledger check -s` (strict) passes,
 * then the transactions in the books' order. Pure.
 */
export function exportHledger(source: ExportSource, opts: ExportOptions = {}): string {
  const model = exportModel(source, opts);
  const out: string[] = [...header(model), ''];
  out.push(`commodity ${model.currency}`);
  // hledger wants a decimal mark in a format and ledger refuses "1000." : a currency without decimals gets no format.
  if (model.exponent > 0) out.push(`    format ${decimalOf(1000n * 10n ** BigInt(model.exponent), model.exponent)} ${model.currency}`);
  out.push('');
  for (const { account } of model.accounts) out.push(`account ${account}`);
  out.push('');
  if (model.opening !== undefined) {
    out.push(`${model.opening.day} * Balance carried in`, `    ; the balances at the end of ${model.opening.day}, so this period's figures are cumulative`);
    out.push(...postingLines(model, model.opening.balances), '');
  }
  const periods = [...model.periods];
  for (const entry of model.entries) {
    const day = entry.effectiveDate.slice(0, 10);
    while (periods.length > 0 && periods[0]!.lastDay < day) out.push(...periodComment(periods.shift()!), '');
    out.push(...transaction(model, entry), '');
  }
  for (const p of periods) out.push(...periodComment(p), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function header(model: ExportModel): string[] {
  const lines = [
    `; daybook export of book ${jsonComment(model.bookId)} (${jsonComment(model.bookName)}), currency ${model.currency}, ${model.periodLength === 'day' ? 'daily' : 'monthly'} periods`,
    '; every entry that counts in the books, at the date it counts; its own date second (DATE=LABEL) when that differs',
  ];
  if (model.period !== undefined) lines.push(`; period ${model.period} only, after the balances carried in`);
  const excluded = Object.entries(model.excluded).map(([status, n]) => `${n} ${status}`);
  if (excluded.length > 0) lines.push(`; entries held but not in the books (${excluded.join(', ')})`);
  return lines;
}

function transaction(model: ExportModel, e: ExportEntry): string[] {
  const day = e.effectiveDate.slice(0, 10);
  const label = e.labelDate.slice(0, 10);
  const date = label === day ? day : `${day}=${label}`;
  const what = e.kind === 'negate' ? `Negates ${(e.negates ?? '').slice(0, CODE_CHARS)}, ${e.text}` : e.text;
  const lines = [oneLine(`${date} * (${e.id.slice(0, CODE_CHARS)}) ${journalDescription(what)}`)];
  // Written as "name=value", never "name: value", which hledger and ledger read as tags.
  lines.push(`    ; daybook ${e.kind} entry=${e.id} author=${jsonComment(e.author)} seq=${e.seq} hlc=${e.hlc} date=${e.labelDate.replace(/:/g, '.')}`);
  if (e.negates !== undefined) lines.push(`    ; negates=${e.negates}`);
  if (e.late !== undefined) lines.push(`    ; late from period ${e.late.labelPeriod} into ${e.late.into}${e.late.provisional ? ' (provisional)' : ''}`);
  if (e.text !== '') lines.push(`    ; ${e.kind === 'txn' ? 'memo' : 'reason'} ${jsonComment(e.text)}`);
  if (e.ref !== undefined) lines.push(`    ; ref ${jsonComment(e.ref)}`);
  lines.push(...postingLines(model, e.postings));
  return lines;
}

function postingLines(model: ExportModel, postings: readonly ExportPosting[]): string[] {
  const width = Math.max(...postings.map((p) => p.account.length));
  return postings.map((p) => `    ${p.account.padEnd(width)}  ${decimalOf(p.amount, model.exponent)} ${model.currency}`);
}

function periodComment(p: ExportPeriod): string[] {
  if (p.status === 'final') {
    return [
      `; period ${p.period} final, digest ${p.digest ?? ''}`,
      `;   sealed by ${p.seal ?? ''}${p.sealAgrees === false ? ', and the seal DISAGREES with the books computed here' : ', the seal agrees'}`,
    ];
  }
  if (p.status === 'sealed') return [`; period ${p.period} sealed by ${p.seal ?? ''}, not final here (${p.missingCount ?? 0} entries within the seal's cut are missing)`];
  return [`; period ${p.period} ${p.status}`];
}
