/**
 * What the parts of the stored journal share: the log, the injected dependencies,
 * and the write and read disciplines of idb-journal.ts (one write at a time,
 * prepared again after a lost race, retried after a lost connection).
 */
import type { Entry } from '../core/types.ts';
import type { EntryInput } from './author.ts';
import type { Fail } from './idb-raw.ts';
import type { IdbLog } from './idb-log.ts';
import type { JournalDeps } from './journal.ts';

/** A marker a write step returns when another tab wrote first: it runs again on the fresh state. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

export interface IdbContext {
  log: IdbLog;
  deps: JournalDeps;
  /**
   * Run a write through the journal's queue. `step` plans from log.state and
   * returns STALE if its commit lost the race; `recover`, after a lost connection,
   * says whether the lost attempt committed after all (its result).
   */
  write<T>(step: () => Promise<T | Stale>, recover?: () => Promise<T | undefined>): Promise<T>;
  /** Run a read, reopening a closed connection once. Errors are JournalErrors. */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Append the entry made from `input`. `extra` issues more requests in the entry's
   * transaction, over `extraStores` (drafts), and may fail it: then nothing is written.
   */
  appendWith(input: EntryInput, extraStores?: readonly string[], extra?: (tx: IDBTransaction, fail: Fail) => void): Promise<Entry>;
}
