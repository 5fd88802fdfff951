/**
 * The IndexedDB schema of the journal (through Dexie), one database per book on a
 * device. Rows keep entries as canonical text: structured-cloning one string is
 * much cheaper than cloning the object tree, and the text is what gossip sends.
 *
 * Every transaction is opened with durability 'strict': on Chromium the commit
 * event then fires only after the data is flushed to disk, which is what "resolved
 * means saved" needs.
 */
import { Dexie, type Table } from 'dexie';
import type { EntryId, PeerId } from '../core/types.ts';
import type { AuthorRow } from './authors.ts';
import type { StoredState } from './device-state.ts';
import type { Draft, QuarantineRecord } from './journal.ts';

export interface EntryRow {
  id: EntryId;
  /** Local arrival number, from 0, no gaps. */
  lsn: number;
  peer: PeerId;
  seq: number;
  text: string;
}

export interface BlockRow {
  no: number;
  /** JSON array of the block's canonical entry texts (see blocks.ts). */
  text: string;
}

export interface StateRow extends StoredState {
  key: 'state';
}

export type JournalDb = Dexie & {
  entries: Table<EntryRow, EntryId>;
  blocks: Table<BlockRow, number>;
  state: Table<StateRow, 'state'>;
  authors: Table<AuthorRow, PeerId>;
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
  db.version(1).stores({
    entries: 'id, &lsn, [peer+seq]',
    blocks: 'no',
    state: 'key',
    authors: 'peer',
    drafts: 'id',
    quarantine: 'no',
  });
  return db;
}
