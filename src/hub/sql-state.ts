/**
 * Rows of the SQL journal and what they mean: the device state row, author rows,
 * entry rows. Every function here runs inside the caller's transaction and states
 * which rows it locks. Numbers come back from `pg` as strings for bigint columns,
 * so every read converts.
 */
import type { HlcState } from '../core/hlc.ts';
import type { BookId, Entry, EntryId, PeerId } from '../core/types.ts';
import type { Counters } from '../journal/author.ts';
import { addSeqs, emptyAuthor, seqsByAuthor, type AuthorRow } from '../journal/authors.ts';
import { deviceStateOf } from '../journal/device-state.ts';
import type { DeviceState, Json } from '../journal/journal.ts';
import type { SqlTx } from './db.ts';
import type { Tables } from './schema.ts';

/** The device state as stored: counters, settings, quarantine numbering, version. */
export interface SqlState extends Counters {
  book: BookId;
  peer: PeerId;
  settings: { [key: string]: Json };
  quarantined: number;
  nextQuarantineNo: number;
  quarantineRows: number;
  /** Grows with every write of the row: a write prepared from an older version is prepared again. */
  version: number;
}

interface DeviceRow {
  book: string;
  peer: string;
  seq: number | string;
  head: string | null;
  hlc_wall_ms: number | string;
  hlc_counter: number | string;
  settings: string;
  quarantined: number | string;
  next_quarantine_no: number | string;
  quarantine_rows: number | string;
  version: number | string;
}

function stateOf(row: DeviceRow): SqlState {
  const hlc: HlcState = { wallMs: Number(row.hlc_wall_ms), counter: Number(row.hlc_counter) };
  return {
    book: row.book as BookId,
    peer: row.peer as PeerId,
    seq: Number(row.seq),
    head: row.head as EntryId | null,
    hlc,
    settings: JSON.parse(row.settings) as { [key: string]: Json },
    quarantined: Number(row.quarantined),
    nextQuarantineNo: Number(row.next_quarantine_no),
    quarantineRows: Number(row.quarantine_rows),
    version: Number(row.version),
  };
}

/** The public view of a state. */
export function publicState(state: SqlState): DeviceState {
  return deviceStateOf({ ...state, nextLsn: 0 });
}

/** The device row of (book, peer), or undefined; with `lock`, locked FOR UPDATE until the transaction ends. */
export async function readState(tx: SqlTx, t: Tables, book: BookId, peer: PeerId, lock = false): Promise<SqlState | undefined> {
  const { rows } = await tx.query<DeviceRow>(
    `SELECT * FROM ${t.devices} WHERE book = $1 AND peer = $2${lock ? ' FOR UPDATE' : ''}`,
    [book, peer],
  );
  return rows[0] === undefined ? undefined : stateOf(rows[0]);
}

/** Write every field of `state` and bump the version. The caller holds the row's lock. */
export async function writeState(tx: SqlTx, t: Tables, state: SqlState): Promise<void> {
  await tx.query(
    `UPDATE ${t.devices} SET seq = $3, head = $4, hlc_wall_ms = $5, hlc_counter = $6, settings = $7,
       quarantined = $8, next_quarantine_no = $9, quarantine_rows = $10, version = version + 1
     WHERE book = $1 AND peer = $2`,
    [
      state.book,
      state.peer,
      state.seq,
      state.head,
      state.hlc.wallMs,
      state.hlc.counter,
      JSON.stringify(state.settings),
      state.quarantined,
      state.nextQuarantineNo,
      state.quarantineRows,
    ],
  );
}

/** Create the device row of (book, peer) as empty unless it exists. */
export async function createState(tx: SqlTx, t: Tables, book: BookId, peer: PeerId): Promise<void> {
  await tx.query(
    `INSERT INTO ${t.devices} (book, peer, seq, head, hlc_wall_ms, hlc_counter, settings, quarantined, next_quarantine_no, quarantine_rows, version)
     VALUES ($1, $2, 0, NULL, 0, 0, '{}', 0, 1, 0, 0) ON CONFLICT (book, peer) DO NOTHING`,
    [book, peer],
  );
}

/**
 * Insert entries of `book` not held yet (by id), in the given order (their arrival
 * order), and return the ids actually inserted with their arrival numbers.
 * Concurrent inserts of one id from two transactions insert it once: the second
 * waits for the first and skips it.
 */
export async function insertEntries(
  tx: SqlTx,
  t: Tables,
  book: BookId,
  items: ReadonlyArray<{ entry: Entry; text: string }>,
): Promise<Map<string, number>> {
  if (items.length === 0) return new Map();
  const { rows } = await tx.query<{ id: string; at: string }>(
    `INSERT INTO ${t.entries} (id, book, peer, seq, kind, date, hlc, canonical)
     SELECT u.id, $1, u.peer, u.seq, u.kind, u.date, u.hlc, u.canonical
     FROM unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
       WITH ORDINALITY AS u(id, peer, seq, kind, date, hlc, canonical, ord)
     ORDER BY u.ord
     ON CONFLICT (id) DO NOTHING
     RETURNING id, arrival::text AS at`,
    [
      book,
      items.map((i) => i.entry.id),
      items.map((i) => i.entry.peer),
      items.map((i) => i.entry.seq),
      items.map((i) => i.entry.kind),
      items.map((i) => i.entry.date),
      items.map((i) => i.entry.hlc),
      items.map((i) => i.text),
    ],
  );
  return new Map(rows.map((r) => [r.id, Number(r.at)]));
}

interface AuthorDbRow {
  peer: string;
  contiguous: number | string;
  highest: number | string;
  count: number | string;
  above: string;
}

function authorOf(row: AuthorDbRow): AuthorRow {
  return {
    peer: row.peer as PeerId,
    contiguous: Number(row.contiguous),
    highest: Number(row.highest),
    count: Number(row.count),
    above: JSON.parse(row.above) as Array<[number, number]>,
  };
}

/** Fold newly inserted entries into their authors' rows (locking those rows). */
export async function addToAuthors(tx: SqlTx, t: Tables, book: BookId, added: readonly Entry[]): Promise<void> {
  if (added.length === 0) return;
  const seqs = seqsByAuthor(added);
  const peers = [...seqs.keys()].sort();
  const { rows } = await tx.query<AuthorDbRow>(
    `SELECT peer, contiguous, highest, count, above FROM ${t.authors} WHERE book = $1 AND peer = ANY($2::text[]) ORDER BY peer FOR UPDATE`,
    [book, peers],
  );
  const held = new Map(rows.map((r) => [r.peer, authorOf(r)]));
  const next = peers.map((peer) => addSeqs(held.get(peer) ?? emptyAuthor(peer), seqs.get(peer)!));
  await tx.query(
    `INSERT INTO ${t.authors} (book, peer, contiguous, highest, count, above)
     SELECT $1, u.peer, u.contiguous, u.highest, u.count, u.above
     FROM unnest($2::text[], $3::int[], $4::int[], $5::int[], $6::text[]) AS u(peer, contiguous, highest, count, above)
     ON CONFLICT (book, peer) DO UPDATE SET contiguous = EXCLUDED.contiguous, highest = EXCLUDED.highest,
       count = EXCLUDED.count, above = EXCLUDED.above`,
    [
      book,
      next.map((a) => a.peer),
      next.map((a) => a.contiguous),
      next.map((a) => a.highest),
      next.map((a) => a.count),
      next.map((a) => JSON.stringify(a.above)),
    ],
  );
}

/** Every author of `book`, by peer id (code-unit order, as the other journals sort). */
export async function readAuthors(tx: SqlTx, t: Tables, book: BookId): Promise<AuthorRow[]> {
  const { rows } = await tx.query<AuthorDbRow>(
    `SELECT peer, contiguous, highest, count, above FROM ${t.authors} WHERE book = $1 ORDER BY peer COLLATE "C"`,
    [book],
  );
  return rows.map(authorOf);
}
