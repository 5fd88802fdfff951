/**
 * What the parts of the stored journal share: the database handle, the injected
 * dependencies, and the write and read disciplines of idb-journal.ts (one write at
 * a time, retried after a lost race or a lost connection).
 */
import type { Entry } from '../core/types.ts';
import type { StoredState } from './device-state.ts';
import type { JournalDb } from './idb-schema.ts';
import type { EntryInput } from './author.ts';
import type { JournalDeps } from './journal.ts';

/** A marker a write step returns when the state changed under it: it is prepared again. */
export const STALE: unique symbol = Symbol('stale');
export type Stale = typeof STALE;

export interface IdbContext {
  db: JournalDb;
  deps: JournalDeps;
  blockSize: number;
  /**
   * Run a write through the journal's queue. `step` gets the latest known state and
   * returns STALE if that state changed under it; `recover`, after a lost
   * connection, says whether the lost attempt committed after all (its result).
   */
  write<T>(step: (state: StoredState) => Promise<T | Stale>, recover?: () => Promise<T | undefined>): Promise<T>;
  /** Run a read, reopening a closed connection once. Errors are JournalErrors. */
  read<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Append the entry made from `input`. `extra` runs first inside the entry's
   * transaction, over the entry stores plus `extraStores` (drafts); if it throws,
   * nothing is written.
   */
  appendWith(input: EntryInput, extra?: () => Promise<void>, extraStores?: readonly string[]): Promise<Entry>;
}
