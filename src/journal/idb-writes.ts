/**
 * The writes of the stored journal, each meant to run inside one read-write Dexie
 * transaction over WRITE_STORES: the entry rows, the blocks they seal, the author
 * rows and the device state, all or nothing. Nothing here awaits anything but the
 * transaction's own requests (an IndexedDB transaction commits as soon as it is
 * left waiting on something else).
 */
import { journalLimits } from '../core/limits.ts';
import type { Entry } from '../core/types.ts';
import { countersAfterIngest, type Screened } from './author.ts';
import { addSeqs, emptyAuthor, seqsByAuthor } from './authors.ts';
import { blockStart, blockText, blocksSealedBy } from './blocks.ts';
import type { StoredState } from './device-state.ts';
import type { BlockRow, EntryRow, JournalDb, StateRow } from './idb-schema.ts';
import type { IngestReport, QuarantineRecord } from './journal.ts';

/** The stores an entry write touches. */
export const WRITE_STORES = ['entries', 'blocks', 'state', 'authors'] as const;

/** A new entry and its canonical text. */
export interface NewEntry {
  entry: Entry;
  text: string;
}

/** The stored state, or undefined before the journal was created. */
export async function readState(db: JournalDb): Promise<StoredState | undefined> {
  const row = await db.state.get('state');
  if (row === undefined) return undefined;
  const { key: _key, ...state } = row;
  return state;
}

/**
 * Store entries that are not held yet (the caller checked their ids in this same
 * transaction), seal the blocks they fill, update their authors, and write `next`
 * as the state with nextLsn moved past them. Returns the state written.
 */
export async function storeEntries(
  db: JournalDb,
  items: readonly NewEntry[],
  next: StoredState,
  blockSize: number,
): Promise<StoredState> {
  const from = next.nextLsn;
  const to = from + items.length;
  const rows: EntryRow[] = items.map(({ entry, text }, i) => ({ id: entry.id, lsn: from + i, peer: entry.peer, seq: entry.seq, text }));
  const written: StoredState = { ...next, nextLsn: to, version: next.version + 1 };
  const stateRow: StateRow = { key: 'state', ...written };
  await Promise.all([
    rows.length === 1 ? db.entries.add(rows[0]!) : db.entries.bulkAdd(rows),
    sealBlocks(db, from, items, blockSize),
    updateAuthors(db, items),
    db.state.put(stateRow),
  ]);
  return written;
}

async function sealBlocks(db: JournalDb, from: number, items: readonly NewEntry[], size: number): Promise<void> {
  const sealed = blocksSealedBy(from, from + items.length, size);
  const first = sealed[0];
  if (first === undefined) return;
  const firstStart = blockStart(first, size);
  // The block's earlier entries were stored by earlier transactions: read them here.
  const stored = firstStart < from ? await db.entries.where('lsn').between(firstStart, from, true, false).toArray() : [];
  const texts = [...stored.map((row) => row.text), ...items.map((item) => item.text)];
  const blocks: BlockRow[] = sealed.map((no) => {
    const start = blockStart(no, size) - firstStart;
    return { no, text: blockText(texts.slice(start, start + size)) };
  });
  await db.blocks.bulkAdd(blocks);
}

async function updateAuthors(db: JournalDb, items: readonly NewEntry[]): Promise<void> {
  const byAuthor = seqsByAuthor(items.map((item) => item.entry));
  const peers = [...byAuthor.keys()];
  const rows = await db.authors.bulkGet(peers);
  const next = peers.map((peer, i) => addSeqs(rows[i] ?? emptyAuthor(peer), byAuthor.get(peer)!));
  await db.authors.bulkPut(next);
}

/**
 * One ingest batch, inside a transaction over WRITE_STORES and 'quarantine': drop
 * entries already held, quarantine refusals (up to the row limit; all are counted),
 * store the rest, and move the counters. Returns the batch's report and the state.
 */
export async function ingestBatch(
  db: JournalDb,
  screened: readonly Screened[],
  from: string,
  ctx: { self: string; nowMs: number; blockSize: number },
): Promise<{ report: IngestReport; state: StoredState }> {
  const current = (await readState(db))!;
  const valid = screened.filter((s): s is Extract<Screened, { ok: true }> => s.ok);
  const held = await db.entries.bulkGet(valid.map((v) => v.entry.id));
  const fresh = valid.filter((_, i) => held[i] === undefined);
  const refused = screened.filter((s): s is Extract<Screened, { ok: false }> => !s.ok);
  const quarantine = await quarantineRows(db, refused, from, current, ctx.nowMs);
  const accepted = fresh.map((f) => f.entry);
  const moved = countersAfterIngest(current, accepted, ctx.self, ctx.nowMs);
  const next: StoredState = {
    ...current,
    ...moved.counters,
    quarantined: current.quarantined + refused.length,
    nextQuarantineNo: current.nextQuarantineNo + quarantine.length,
  };
  const [state] = await Promise.all([storeEntries(db, fresh, next, ctx.blockSize), db.quarantine.bulkAdd(quarantine)]);
  const report: IngestReport = {
    accepted,
    duplicates: valid.length - fresh.length,
    refused: refused.map((r) => ({ reason: r.reason, from })),
    alarms: moved.alarms,
  };
  return { report, state };
}

async function quarantineRows(
  db: JournalDb,
  refused: ReadonlyArray<Extract<Screened, { ok: false }>>,
  from: string,
  current: StoredState,
  atMs: number,
): Promise<QuarantineRecord[]> {
  if (refused.length === 0) return [];
  const room = Math.max(0, journalLimits.quarantineRowsMax - (await db.quarantine.count()));
  return refused.slice(0, room).map((r, i) => ({
    no: current.nextQuarantineNo + i,
    raw: r.raw,
    truncated: r.truncated,
    reason: r.reason,
    from,
    atMs,
  }));
}
