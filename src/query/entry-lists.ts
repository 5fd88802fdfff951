/**
 * Entries as screens list them (EntryInfo: the envelope and what became of the
 * entry), the lists built from them, and the whole books as a core Ledger for checks.
 */
import type { Ledger } from '../core/ledger.ts';
import type { BusinessDate, Entry, EntryId, PeerId } from '../core/types.ts';
import { allSkeletons } from './skeleton.ts';
import { EFFECTIVE, RECORDED, type StateView, type Status } from './state.ts';
import type { QueryStore } from './store.ts';

/** An entry as the store shows it: its envelope and what became of it. */
export interface EntryInfo extends StateView {
  id: EntryId;
  kind: Entry['kind'];
  peer: PeerId;
  seq: number;
  date: BusinessDate;
  hlc: string;
  memo?: string;
}

export interface NegationRow {
  target: EntryId;
  negatedBy?: EntryId;
  duplicates: EntryId[];
}

/** The entry at `row` as shown. */
export function entryInfo(store: QueryStore, row: number): EntryInfo {
  const e = store.entries;
  const info: EntryInfo = {
    id: e.ids.idAt(row) as EntryId,
    kind: e.kindOf(row),
    peer: e.peers.name(e.peer.data[row]!) as PeerId,
    seq: e.seq.data[row]!,
    date: e.dateOf(row),
    hlc: e.hlcOf(row),
    ...store.states.view(row, e.ids),
  };
  const memo = e.memo[row];
  if (memo !== undefined) info.memo = memo;
  return info;
}

/** The entries at `rows`, in id order. */
export function infosOf(store: QueryStore, rows: number[]): EntryInfo[] {
  return rows.map((r) => entryInfo(store, r)).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The entries with `status`, in id order. */
export function withStatus(store: QueryStore, status: Status): EntryInfo[] {
  const states = store.states;
  if (status === 'effective' || status === 'recorded') {
    const code = status === 'effective' ? EFFECTIVE : RECORDED;
    const rows: number[] = [];
    for (let r = 0; r < store.entries.size; r++) if (states.status.data[r] === code) rows.push(r);
    return infosOf(store, rows);
  }
  return infosOf(store, [...states.details.keys()].filter((r) => states.statusOf(r) === status));
}

/** Every negated txn with its negation in effect and its duplicates, by target id. */
export function negationRows(store: QueryStore): NegationRow[] {
  const { negatedBy, duplicates } = store.states;
  const ids = store.entries.ids;
  const targets = new Set([...negatedBy.keys(), ...duplicates.keys()]);
  const rows = [...targets].map((t): NegationRow => {
    const row: NegationRow = { target: ids.idAt(t) as EntryId, duplicates: (duplicates.get(t) ?? []).map((r) => ids.idAt(r) as EntryId) };
    const by = negatedBy.get(t);
    if (by !== undefined) row.negatedBy = ids.idAt(by) as EntryId;
    return row;
  });
  return rows.sort((a, b) => (a.target < b.target ? -1 : 1));
}

/** The books as the core's Ledger (every entry rebuilt): for stateDigest and tests. */
export function ledgerOf(store: QueryStore): Ledger {
  const { entries, states, books, structure } = store;
  const skeletons = allSkeletons(entries, books);
  const views = new Map(skeletons.map((entry, row) => [entry.id, { ...states.view(row, entries.ids), entry }]));
  const p = books.postings;
  const postings = [...books.orderedRows()].map((r) => {
    const e = p.entry.data[r]!;
    return {
      entry: skeletons[e]!.id,
      account: books.accounts.name(p.account.data[r]!),
      amount: BigInt(p.amount.data[r]!),
      effectiveDate: states.view(e, entries.ids).effectiveDate!,
      labelDate: skeletons[e]!.date,
      hlc: skeletons[e]!.hlc,
    };
  });
  return {
    settings: structure.settings,
    entries: views,
    postings,
    frontier: new Map(store.frontier().map((f) => [f.peer, f])),
    roster: structure.roster,
    summaries: structure.summaries,
    periods: store.periods({ content: true }),
    firstOpenPeriod: structure.firstOpenPeriod,
    alarms: store.alarms(),
  };
}
