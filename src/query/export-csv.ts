/**
 * The books as CSV (RFC 4180, CRLF line ends, a header row): one row per posting of
 * every entry that counts, in the books' order. Each row names its entry, author and
 * seq, its effective and label dates, and the period it counts in with that period's
 * status and, once final, its digest, so a spreadsheet can check a closed day
 * against its seal.
 */
import type { Day } from '../core/types.ts';
import { decimalOf } from './export-money.ts';
import { exportModel, periodOfDate, type ExportModel, type ExportOptions, type ExportSource } from './export-model.ts';
import { csvField } from './export-text.ts';

export const CSV_COLUMNS = [
  'date',
  'label_date',
  'entry',
  'kind',
  'author',
  'seq',
  'hlc',
  'account',
  'amount',
  'currency',
  'memo',
  'ref',
  'negates',
  'period',
  'period_status',
  'period_digest',
] as const;

/**
 * The CSV export of `source` (see ExportOptions for `period`). `date` is the
 * effective business date-time (when the posting counts), `label_date` the entry's
 * own; `amount` a plain decimal in the book's currency (never a float); `kind` is
 * txn, negate, or opening for the balances carried into a one-period export. Pure.
 */
export function exportCsv(source: ExportSource, opts: ExportOptions = {}): string {
  const model = exportModel(source, opts);
  const lines = [CSV_COLUMNS.join(',')];
  const periodInfo = periodLookup(model);
  const money = (amount: bigint): string => `${decimalOf(amount, model.exponent)},${model.currency}`;
  if (model.opening !== undefined) {
    const date = `${model.opening.day}T23:59:59`;
    // Balances carried in belong to no period of the export: their period columns stay empty.
    const [head, tail] = [`${date},${date},,opening,,,`, 'Balance carried in,,,,,'];
    for (const b of model.opening.balances) lines.push(`${head},${csvField(b.account)},${money(b.amount)},${tail}`);
  }
  for (const e of model.entries) {
    // Everything but the account and amount is the same on each of an entry's rows: made once.
    const period = periodOfDate(e.effectiveDate, model.periodLength);
    const info = periodInfo(e.effectiveDate.slice(0, 10));
    const head = [e.effectiveDate, e.labelDate, e.id, e.kind].map((f) => csvField(f)).join(',') + `,${csvField(e.author, true)},${e.seq},${csvField(e.hlc)}`;
    const tail = [csvField(e.text, true), csvField(e.ref ?? '', true), csvField(e.negates ?? ''), csvField(period), csvField(info.status), csvField(info.digest)].join(',');
    for (const p of e.postings) lines.push(`${head},${csvField(p.account)},${money(p.amount)},${tail}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Status and digest of the period a day falls in ('open' when it has no close yet). */
function periodLookup(model: ExportModel): (day: Day) => { status: string; digest: string } {
  const byPeriod = new Map(model.periods.map((p) => [p.period, p]));
  return (day) => {
    const p = byPeriod.get(periodOfDate(day, model.periodLength));
    return { status: p?.status ?? 'open', digest: p?.digest ?? '' };
  };
}
