/**
 * What every export writes, gathered once from the books: the entries that count
 * (effective txns and negations, a negation being an entry of its own with the
 * opposite of its target's postings), each at its effective day, the periods with
 * their seals and digests, the accounts, and for a one-period export the balances
 * carried in. The CSV, Beancount and hledger writers only format this model.
 *
 * It reads the query store, which both the hub and the tablet have, so the PWA
 * offers exactly the hub's exports (export-store.ts reads its columns), or a core
 * Ledger (the fold's output), giving the same model.
 */
import { balancesAsOf } from '../core/queries.ts';
import { isPeriodId, periodOf, periodStart } from '../core/dates.ts';
import { lastDayOf } from '../core/fold-periods.ts';
import type { AccountAmount, EntryState, LateInfo, Ledger, PeriodStatus, PeriodView } from '../core/ledger.ts';
import type { Refusal } from '../core/result.ts';
import type { BusinessDate, Day, EntryId, PeerId, PeriodId, PeriodLength } from '../core/types.ts';
import { currencyExponent } from './export-money.ts';
import { storeEntries, storeExcluded } from './export-store.ts';
import type { QueryStore } from './store.ts';

/** What the exports read: the query store (hub, tablet; read from its columns) or a folded core Ledger. */
export type ExportSource = QueryStore | Ledger;

export interface ExportOptions {
  /**
   * Only the entries whose effective date falls in this period (`YYYY-MM-DD` for a
   * daily book, `YYYY-MM` for a monthly one), after one transaction carrying in the
   * balances at the end of the previous day. Absent: the whole books.
   */
  period?: PeriodId;
}

export interface ExportPosting {
  account: string;
  /** Integer minor units, debit positive. */
  amount: bigint;
}

/** One entry that counts in the books, as the exports write it. */
export interface ExportEntry {
  id: EntryId;
  kind: 'txn' | 'negate';
  author: PeerId;
  seq: number;
  hlc: string;
  /** The entry's own business date (its label). */
  labelDate: BusinessDate;
  /** The date it counts at in the books (differs for late entries and negations). */
  effectiveDate: BusinessDate;
  /** The memo of a txn, the reason of a negation ('' when none). */
  text: string;
  ref?: string;
  /** For a negation: the txn it negates. */
  negates?: EntryId;
  late?: LateInfo;
  postings: ExportPosting[];
}

export interface ExportPeriod {
  period: PeriodId;
  lastDay: Day;
  status: PeriodStatus;
  seal?: EntryId;
  /** When final: the digest computed here, and whether the seal's claim agrees with it. */
  digest?: string;
  sealAgrees?: boolean;
  /** When final: cumulative balances at the period's end, as computed here. */
  closingBalances?: AccountAmount[];
  /** When sealed but not final: how many entries within the seal's cut are missing here. */
  missingCount?: number;
}

export interface ExportModel {
  bookName: string;
  bookId: string;
  currency: string;
  /** Decimals of the currency's minor unit. */
  exponent: number;
  periodLength: PeriodLength;
  /** The period asked for, when one was. */
  period?: PeriodId;
  /** For a one-period export: the balances at the end of the day before it, non-zero only. */
  opening?: { day: Day; balances: AccountAmount[] };
  /** In (effectiveDate, hlc, id) order: the books' own posting order. */
  entries: ExportEntry[];
  /** Closing, sealed and final periods within the export, in period order. */
  periods: ExportPeriod[];
  /** Every account the export posts to, sorted, with the first day it is used. */
  accounts: Array<{ account: string; firstDay: Day }>;
  /** Entries held but not in the books, by status (held, pending, invalid, duplicate). */
  excluded: Record<string, number>;
}

/**
 * Why `opts` cannot be exported from these books (code 'shape': a period id that is
 * not one of the book's period length, or a book without a genesis), or undefined.
 * The HTTP border calls this first; the writers given a bad period export nothing.
 */
export function checkExportOptions(source: ExportSource, opts: ExportOptions): Refusal | undefined {
  // The settings only: cheap, where the export itself builds the whole Ledger.
  const settings = 'toLedger' in source ? source.structure.settings : source.settings;
  if (settings === undefined) return { code: 'shape', message: 'This book has no genesis entry yet, so it has no currency to export in.' };
  if (opts.period !== undefined && !isPeriodId(opts.period, settings.period)) {
    const like = settings.period === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
    return { code: 'shape', message: `The period must be written ${like} for this ${settings.period === 'day' ? 'daily' : 'monthly'} book.`, path: 'period' };
  }
  return undefined;
}

/**
 * The export model of `source`. Pure; never throws on what the fold produced. A book
 * without a genesis exports in EUR with daily periods and no entries' currency claim;
 * a bad period (see checkExportOptions) yields a model with no entries.
 */
export function exportModel(source: ExportSource, opts: ExportOptions = {}): ExportModel {
  const store = 'toLedger' in source ? source : undefined;
  const ledger = store === undefined ? (source as Ledger) : undefined;
  const settings = store?.structure.settings ?? ledger?.settings;
  const periodLength = settings?.period ?? 'day';
  const currency = settings?.currency ?? 'EUR';
  const bad = checkExportOptions(source, opts) !== undefined;
  const range = opts.period === undefined || bad ? undefined : { from: periodStart(opts.period).slice(0, 10), to: lastDayOf(opts.period) };
  const model: ExportModel = {
    bookName: settings?.name ?? '',
    bookId: store !== undefined ? storeBookId(store) : firstBookId(ledger!),
    currency,
    exponent: currencyExponent(currency),
    periodLength,
    entries: bad ? [] : store !== undefined ? storeEntries(store, range) : entriesOf(ledger!, range),
    periods: bad ? [] : periodsOf(store !== undefined ? store.periods() : ledger!.periods, range),
    accounts: [],
    excluded: store !== undefined ? storeExcluded(store) : excludedOf(ledger!),
  };
  if (opts.period !== undefined) model.period = opts.period;
  if (range !== undefined) {
    const day = dayBefore(range.from);
    const balances = store !== undefined ? store.balancesAsOf(day) : [...balancesAsOf(ledger!, day)].map(([account, amount]) => ({ account, amount }));
    if (balances.length > 0) model.opening = { day, balances };
  }
  model.accounts = accountsOf(model);
  return model;
}

function storeBookId(store: QueryStore): string {
  return store.size === 0 ? '' : store.entries.books.name(store.entries.book.data[0]!);
}

function firstBookId(ledger: Ledger): string {
  // Every entry of a ledger belongs to one book: any one names it.
  const first = ledger.entries.values().next();
  return first.done === true ? '' : first.value.entry.book;
}

function inRange(day: Day, range: { from: Day; to: Day } | undefined): boolean {
  return range === undefined || (day >= range.from && day <= range.to);
}

/** Effective txns and negations with their postings, in the books' posting order. */
function entriesOf(ledger: Ledger, range: { from: Day; to: Day } | undefined): ExportEntry[] {
  const byId = new Map<EntryId, ExportEntry>();
  for (const p of ledger.postings) {
    if (!inRange(p.effectiveDate.slice(0, 10), range)) continue;
    let entry = byId.get(p.entry);
    if (entry === undefined) {
      const made = exportEntry(ledger, p.entry, p.effectiveDate);
      if (made === undefined) continue;
      entry = made;
      byId.set(p.entry, entry);
    }
    entry.postings.push({ account: p.account, amount: p.amount });
  }
  return [...byId.values()];
}

function exportEntry(ledger: Ledger, id: EntryId, effectiveDate: BusinessDate): ExportEntry | undefined {
  const view = ledger.entries.get(id);
  if (view === undefined) return undefined;
  const e = view.entry;
  if (e.kind !== 'txn' && e.kind !== 'negate') return undefined;
  const out: ExportEntry = {
    id,
    kind: e.kind,
    author: e.peer,
    seq: e.seq,
    hlc: e.hlc,
    labelDate: e.date,
    effectiveDate,
    text: e.kind === 'txn' ? e.body.memo ?? '' : e.body.reason,
    postings: [],
  };
  if (e.kind === 'txn' && e.body.ref !== undefined) out.ref = e.body.ref;
  if (e.kind === 'negate') out.negates = e.body.target.id;
  if (view.late !== undefined) out.late = view.late;
  return out;
}

function periodsOf(periods: readonly PeriodView[], range: { from: Day; to: Day } | undefined): ExportPeriod[] {
  const out: ExportPeriod[] = [];
  for (const p of periods) {
    const lastDay = lastDayOf(p.period);
    if (!inRange(lastDay, range)) continue;
    const row: ExportPeriod = { period: p.period, lastDay, status: p.status };
    if (p.seal !== undefined) row.seal = p.seal;
    if (p.status === 'final') {
      if (p.digest !== undefined) row.digest = p.digest;
      if (p.sealAgrees !== undefined) row.sealAgrees = p.sealAgrees;
      row.closingBalances = p.closingBalances ?? [];
    }
    if (p.status === 'sealed') row.missingCount = p.missing.reduce((n, m) => n + m.to - m.from + 1, 0);
    out.push(row);
  }
  return out;
}

function excludedOf(ledger: Ledger): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const view of ledger.entries.values()) {
    if (view.entry.kind !== 'txn' && view.entry.kind !== 'negate') continue;
    const status: EntryState['status'] = view.state.status;
    if (status === 'effective' || status === 'recorded') continue;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}

function accountsOf(model: ExportModel): Array<{ account: string; firstDay: Day }> {
  const first = new Map<string, Day>();
  const note = (account: string, day: Day): void => {
    const seen = first.get(account);
    if (seen === undefined || day < seen) first.set(account, day);
  };
  for (const b of model.opening?.balances ?? []) note(b.account, model.opening!.day);
  for (const e of model.entries) for (const p of e.postings) note(p.account, e.effectiveDate.slice(0, 10));
  return [...first].map(([account, firstDay]) => ({ account, firstDay })).sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
}

/** The calendar day before `day` (zone-free UTC arithmetic). */
export function dayBefore(day: Day): Day {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - 86_400_000).toISOString().slice(0, 10);
}

/** The calendar day after `day`. */
export function dayAfter(day: Day): Day {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + 86_400_000).toISOString().slice(0, 10);
}

/** The period `date` falls in, for a book of `length`. */
export function periodOfDate(date: BusinessDate | Day, length: PeriodLength): PeriodId {
  return periodOf(date, length);
}
