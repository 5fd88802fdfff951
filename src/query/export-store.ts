/**
 * The export model's entries read straight from the query store's columns, the
 * same list exportModel builds from a core Ledger (export-model.test checks they
 * are equal). toLedger() would rebuild a view of every entry and every final
 * period's content list (one scan of the store per final period); an export needs
 * only the postings in effect and the entries they belong to.
 */
import type { Day, EntryId, PeerId } from '../core/types.ts';
import { secondsToDate } from './codec.ts';
import type { ExportEntry } from './export-model.ts';
import type { QueryStore } from './store.ts';

/**
 * The entries that count, with their postings, in the books' posting order, keeping
 * those whose effective day lies in `range` (all when undefined).
 */
export function storeEntries(store: QueryStore, range: { from: Day; to: Day } | undefined): ExportEntry[] {
  const { books, states } = store;
  const p = books.postings;
  const byRow = new Map<number, ExportEntry>();
  for (const r of books.orderedRows()) {
    const row = p.entry.data[r]!;
    let entry = byRow.get(row);
    if (entry === undefined) {
      const effectiveDate = secondsToDate(states.effSec.data[row]!);
      const day = effectiveDate.slice(0, 10);
      if (range !== undefined && (day < range.from || day > range.to)) continue;
      const made = entryAt(store, row, effectiveDate);
      if (made === undefined) continue;
      entry = made;
      byRow.set(row, entry);
    }
    entry.postings.push({ account: books.accounts.name(p.account.data[r]!), amount: BigInt(p.amount.data[r]!) });
  }
  return [...byRow.values()];
}

function entryAt(store: QueryStore, row: number, effectiveDate: ExportEntry['effectiveDate']): ExportEntry | undefined {
  const t = store.entries;
  const kind = t.kindOf(row);
  if (kind !== 'txn' && kind !== 'negate') return undefined;
  const out: ExportEntry = {
    id: t.ids.idAt(row) as EntryId,
    kind,
    author: t.peers.name(t.peer.data[row]!) as PeerId,
    seq: t.seq.data[row]!,
    hlc: t.hlcOf(row),
    labelDate: t.dateOf(row),
    effectiveDate,
    text: '',
    postings: [],
  };
  if (kind === 'txn') {
    out.text = t.memo[row] ?? '';
    const ref = t.ref[row];
    if (ref !== undefined) out.ref = ref;
  } else {
    // Non-txn entries are kept whole by the store.
    const whole = t.objects.get(row);
    if (whole?.kind === 'negate') {
      out.text = whole.body.reason;
      out.negates = whole.body.target.id;
    }
  }
  const late = store.states.late.get(row);
  if (late !== undefined) out.late = late;
  return out;
}

/** Entries held but not in the books, by status, counting txns and negations only. */
export function storeExcluded(store: QueryStore): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of ['held', 'pending', 'invalid', 'duplicate'] as const) {
    const n = store.withStatus(status).filter((e) => e.kind === 'txn' || e.kind === 'negate').length;
    if (n > 0) counts[status] = n;
  }
  return counts;
}
