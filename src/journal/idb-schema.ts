/**
 * The IndexedDB schema of the journal (opened through Dexie), one database per
 * book on a device:
 *
 * - `blocks`: sealed blocks, key = block number, value = the JSON array text of
 *   `blockEntries` canonical entries (blocks.ts). Written once, never changed.
 * - `log`: the unsealed tail, key = lsn, value = one entry's canonical text; and
 *   the device state, key = ['s', version] (array keys sort after numbers, so tail
 *   ranges never meet it). A write adds the state at version + 1 and removes the
 *   old one: if another tab wrote first, the add fails (ConstraintError) and the
 *   write is prepared again. That compare-and-set needs no read in the transaction.
 * - `drafts` and `quarantine`: one row each.
 *
 * Entries live only in blocks and the tail, so an ingest of thousands of entries
 * is a handful of requests; which ids are held is known from the keydir
 * (keydir.ts), rebuilt from the cold-start scan.
 */
import { Dexie, type Table } from 'dexie';
import type { AuthorRow } from './authors.ts';
import type { StoredState } from './device-state.ts';
import type { Draft, QuarantineRecord } from './journal.ts';

/** The device state as stored: the shared state plus what only the stored journal keeps. */
export interface IdbState extends StoredState {
  /** One row per author held (the frontier's inputs). */
  authors: AuthorRow[];
  /** Quarantine rows stored (at most journalLimits.quarantineRowsMax). */
  quarantineRows: number;
}

export type StateKey = ['s', number];

/** The key of the state at `version`. */
export function stateKey(version: number): StateKey {
  return ['s', version];
}

/** All state keys, newest last. */
export function stateKeys(keyRange: typeof IDBKeyRange): IDBKeyRange {
  return keyRange.bound(['s', 0], ['s', Infinity]);
}

export type JournalDb = Dexie & {
  log: Table<string | IdbState, number | StateKey>;
  blocks: Table<string, number>;
  drafts: Table<Draft, string>;
  quarantine: Table<QuarantineRecord, number>;
};

export interface JournalDbOptions {
  /** The IndexedDB factory (default: the global one; fake-indexeddb in Node tests). */
  indexedDB?: IDBFactory;
  IDBKeyRange?: typeof IDBKeyRange;
}

/** The database name of a book's journal. */
export function journalDbName(book: string): string {
  return `daybook-journal-${book}`;
}

/** A Dexie handle on the journal database (not opened yet). */
export function journalDb(name: string, options: JournalDbOptions = {}): JournalDb {
  const db = new Dexie(name, {
    chromeTransactionDurability: 'strict',
    // The journal never runs live queries; Dexie's query cache would only cost time.
    cache: 'disabled',
    ...(options.indexedDB === undefined ? {} : { indexedDB: options.indexedDB }),
    ...(options.IDBKeyRange === undefined ? {} : { IDBKeyRange: options.IDBKeyRange }),
  }) as JournalDb;
  db.version(1).stores({ log: '', blocks: '', drafts: 'id', quarantine: 'no' });
  return db;
}
