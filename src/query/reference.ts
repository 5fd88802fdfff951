/**
 * Reference answers computed the plain way from a folded Ledger, for the tests: the
 * store's search, totals and entry lists must equal these (its balances, trial balance
 * and register are checked against the core's own queries).
 */
import { endOfDay } from '../core/dates.ts';
import type { EntryView, Ledger } from '../core/ledger.ts';
import type { EntryId } from '../core/types.ts';
import type { AccountTotal, DayTotal, RangeOptions } from './answers.ts';
import type { SearchFilter } from './search.ts';
import type { EntryInfo, NegationRow } from './entry-lists.ts';

function infoOf(view: EntryView): EntryInfo {
  const { entry, ...rest } = view;
  const info: EntryInfo = { id: entry.id, kind: entry.kind, peer: entry.peer, seq: entry.seq, date: entry.date, hlc: entry.hlc, ...rest };
  if (entry.kind === 'txn' && entry.body.memo !== undefined) info.memo = entry.body.memo;
  return info;
}

const byId = (a: EntryInfo, b: EntryInfo): number => (a.id < b.id ? -1 : 1);

export function refSearch(ledger: Ledger, f: SearchFilter): { rows: EntryInfo[]; total: number } {
  const views = [...ledger.entries.values()].filter((v) => {
    const e = v.entry;
    if (f.from !== undefined && e.date < `${f.from}T00:00:00`) return false;
    if (f.to !== undefined && e.date > endOfDay(f.to)) return false;
    if (f.kinds !== undefined && !f.kinds.includes(e.kind)) return false;
    if (f.author !== undefined && e.peer !== f.author) return false;
    if (f.status !== undefined && v.state.status !== f.status) return false;
    if (f.memo !== undefined && !(e.kind === 'txn' && (e.body.memo ?? '\u0000').toLowerCase().includes(f.memo.toLowerCase()))) return false;
    if (f.account !== undefined || f.amount !== undefined) {
      const source = e.kind === 'negate' ? ledger.entries.get(e.body.target.id)?.entry : e;
      if (source?.kind !== 'txn') return false;
      const ok = source.body.postings.some(
        (p) => (f.account === undefined || p.account === f.account) && Math.abs(p.amount) >= (f.amount?.min ?? 0) && Math.abs(p.amount) <= (f.amount?.max ?? Infinity),
      );
      if (!ok) return false;
    }
    return true;
  });
  views.sort((a, b) => {
    const x = a.entry;
    const y = b.entry;
    return x.date < y.date ? -1 : x.date > y.date ? 1 : x.hlc < y.hlc ? -1 : x.hlc > y.hlc ? 1 : x.id < y.id ? -1 : 1;
  });
  const offset = f.offset ?? 0;
  const limit = f.limit ?? 50;
  return { rows: views.slice(offset, offset + limit).map(infoOf), total: views.length };
}

function inRange(effectiveDate: string, r: RangeOptions): boolean {
  return (r.from === undefined || effectiveDate >= `${r.from}T00:00:00`) && (r.to === undefined || effectiveDate <= endOfDay(r.to));
}

export function refTotalsByDay(ledger: Ledger, r: RangeOptions & { account?: string }): DayTotal[] {
  const days = new Map<string, DayTotal>();
  for (const p of ledger.postings) {
    if (!inRange(p.effectiveDate, r) || (r.account !== undefined && p.account !== r.account)) continue;
    const day = p.effectiveDate.slice(0, 10);
    const t = days.get(day) ?? { day, debit: 0n, credit: 0n };
    if (p.amount > 0n) t.debit += p.amount;
    else t.credit -= p.amount;
    days.set(day, t);
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

export function refTotalsByAccount(ledger: Ledger, r: RangeOptions): AccountTotal[] {
  const accounts = new Map<string, AccountTotal>();
  for (const p of ledger.postings) {
    if (!inRange(p.effectiveDate, r)) continue;
    const t = accounts.get(p.account) ?? { account: p.account, debit: 0n, credit: 0n, net: 0n };
    if (p.amount > 0n) t.debit += p.amount;
    else t.credit -= p.amount;
    t.net = t.debit - t.credit;
    accounts.set(p.account, t);
  }
  return [...accounts.values()].sort((a, b) => (a.account < b.account ? -1 : 1));
}

export function refNegations(ledger: Ledger): NegationRow[] {
  const rows: NegationRow[] = [];
  for (const v of ledger.entries.values()) {
    if (v.negatedBy === undefined && v.duplicateNegations === undefined) continue;
    const row: NegationRow = { target: v.entry.id, duplicates: v.duplicateNegations ?? [] };
    if (v.negatedBy !== undefined) row.negatedBy = v.negatedBy;
    rows.push(row);
  }
  return rows.sort((a, b) => (a.target < b.target ? -1 : 1));
}

export function refLate(ledger: Ledger): EntryInfo[] {
  return [...ledger.entries.values()].filter((v) => v.late !== undefined).map(infoOf).sort(byId);
}

export function refWithStatus(ledger: Ledger, status: string): EntryInfo[] {
  return [...ledger.entries.values()].filter((v) => v.state.status === status).map(infoOf).sort(byId);
}

export function refEntry(ledger: Ledger, id: EntryId): EntryInfo | undefined {
  const v = ledger.entries.get(id);
  return v === undefined ? undefined : infoOf(v);
}
