/**
 * The journal on IndexedDB: the contract of journal.ts, stored (layout in
 * idb-schema.ts). Writes are prepared outside any transaction (signing may be
 * asynchronous), then committed in one strict-durability transaction that adds
 * the next version of the device state: if another tab wrote first, that add
 * fails and the write is prepared again from the new state. If the connection
 * closed (WebKit closes IndexedDB connections of backgrounded pages), it is
 * reopened and the write retried, after checking whether the lost attempt
 * committed after all.
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { Entry } from '../core/types.ts';
import { prepareEntry, type EntryInput } from './author.ts';
import { authorHeld } from './authors.ts';
import { deviceStateOf, mergeSettings } from './device-state.ts';
import { JournalAbortError, JournalClosedError, toJournalError, type JournalError } from './errors.ts';
import { STALE, type IdbContext, type Stale } from './idb-context.ts';
import { idbDrafts } from './idb-drafts.ts';
import { ingestBatches } from './idb-ingest.ts';
import { IdbLog } from './idb-log.ts';
import type { Fail } from './idb-raw.ts';
import { journalDb, journalDbName, type JournalDbOptions } from './idb-schema.ts';
import { planWrite } from './idb-writes.ts';
import type { Journal, JournalDeps, StorageStatus } from './journal.ts';
import { createListeners } from './listeners.ts';
import { requestPersistence, storageStatusOf } from './storage.ts';
import { createWriteQueue } from './write-queue.ts';

export interface IdbJournalOptions extends JournalDbOptions {
  /** Database name (default: journalDbName(book)). */
  name?: string;
  /** Entries per sealed block (default journalLimits.blockEntries); fixed for the life of a database. */
  blockEntries?: number;
  /** The platform's StorageManager (default navigator.storage when there is one). */
  storage?: StorageManager;
}

/**
 * Open (creating if needed) the journal of `deps.book` on this device. Rejects with
 * JournalIdentityError if the database belongs to another book or device, and with
 * another JournalError (JournalVersionError, ...) if it cannot be opened.
 */
export async function openIdbJournal(deps: JournalDeps, options: IdbJournalOptions = {}): Promise<Journal> {
  const db = journalDb(options.name ?? journalDbName(deps.book), options);
  const log = new IdbLog(db, options.blockEntries ?? journalLimits.blockEntries, options.IDBKeyRange ?? globalThis.IDBKeyRange);
  try {
    await db.open();
    await log.load(deps.book, deps.peer);
  } catch (error) {
    db.close();
    throw toJournalError(error);
  }
  const storage = options.storage ?? (typeof navigator === 'undefined' ? undefined : navigator.storage);
  return makeJournal(log, deps, storage);
}

function makeJournal(log: IdbLog, deps: JournalDeps, storage: StorageManager | undefined): Journal {
  const queue = createWriteQueue();
  const listeners = createListeners();
  const { db } = log;
  let closed = false;
  // Other tabs' entries reach this instance's listeners when it catches up; a
  // broadcast after every commit makes the other tabs catch up at once.
  log.onDiscovered = (entries) => listeners.emit(entries);
  const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(`daybook-journal:${db.name}`);
  if (channel !== undefined) {
    channel.onmessage = () => {
      if (!closed) log.refresh().catch(() => undefined); // a failed refresh is retried by the next read or write
    };
  }
  const announce = (): void => channel?.postMessage('committed');

  const reconnect = async (): Promise<void> => {
    if (db.isOpen()) db.close({ disableAutoOpen: false });
    await db.open();
  };
  /**
   * Whether a failure came from a connection the browser closed. A forced close
   * aborts the running transactions first and fires 'close' after, so an abort is
   * judged only once the tasks already queued (that event) have run.
   */
  const lostConnection = async (error: JournalError): Promise<boolean> => {
    if (error instanceof JournalClosedError) return !closed;
    if (!(error instanceof JournalAbortError)) return false;
    await new Promise((resolve) => setTimeout(resolve, 0));
    return !db.isOpen();
  };

  const read = async <T>(fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new JournalClosedError('the journal is closed');
    try {
      return await fn();
    } catch (error) {
      const e = toJournalError(error);
      if (!(await lostConnection(e))) throw e;
      try {
        await reconnect();
        return await fn();
      } catch (again) {
        throw toJournalError(again);
      }
    }
  };

  /** Run `step` until it commits, refreshing after a lost race and reconnecting after a lost connection. */
  const writeLoop = async <T>(step: () => Promise<T | Stale>, recover?: () => Promise<T | undefined>): Promise<T> => {
    let losses = 0;
    let races = 0;
    for (;;) {
      let failure: JournalError | undefined;
      try {
        const result = await step();
        if (result !== STALE) return result;
      } catch (error) {
        failure = toJournalError(error);
        if (!(await lostConnection(failure)) || ++losses >= journalLimits.writeAttemptsMax) throw failure;
      }
      if (failure === undefined && ++races > journalLimits.raceRetriesMax) throw new JournalAbortError(`lost ${races - 1} races to other writers`);
      try {
        if (failure !== undefined) await reconnect();
        await log.refresh();
        const done = failure !== undefined && recover !== undefined ? await recover() : undefined;
        if (done !== undefined) return done;
      } catch (error) {
        throw toJournalError(error);
      }
    }
  };

  const write: IdbContext['write'] = (step, recover) => {
    if (closed) return Promise.reject(new JournalClosedError('the journal is closed'));
    return queue.run(() => writeLoop(step, recover));
  };

  const appendWith = (input: EntryInput, extraStores: readonly string[] = [], extra?: (tx: IDBTransaction, fail: Fail) => void): Promise<Entry> => {
    let last: Entry | undefined;
    const step = async (): Promise<Entry | Stale> => {
      const from = log.state;
      const prepared = await prepareEntry(input, from, deps);
      last = prepared.entry;
      // A read may have refreshed the state while the entry was signed: prepare again from it.
      if (log.state !== from) return STALE;
      const item = { entry: prepared.entry, text: encodeEntry(prepared.entry) };
      const plan = planWrite(from, log.tail, [item], { ...from, ...prepared.counters }, log.blockSize);
      if (!(await log.commit(plan, extraStores, extra))) return STALE;
      announce();
      listeners.emit([prepared.entry]);
      return prepared.entry;
    };
    // After a lost connection: if the state's head is the last attempt's entry, it committed.
    const recover = async (): Promise<Entry | undefined> => {
      if (last === undefined || log.state.head !== last.id) return undefined;
      listeners.emit([last]);
      return last;
    };
    return write(step, recover);
  };

  const ctx: IdbContext = { log, deps, read, write, appendWith };
  /** The latest state, after catching up with other tabs. */
  const fresh = async (): Promise<typeof log.state> => {
    await log.refresh();
    return log.state;
  };

  return {
    book: deps.book,
    peer: deps.peer,
    drafts: idbDrafts(ctx),
    append: (input) => appendWith(input),
    ingest: (inputs, from) =>
      ingestBatches(ctx, inputs, from, (accepted) => {
        announce();
        listeners.emit(accepted);
      }),
    get: (id) => read(() => log.get(id)),
    count: () => read(async () => (await fresh()).nextLsn),
    all: async () => {
      const out: Entry[] = [];
      await read(() => log.scan((chunk) => void out.push(...chunk)));
      return out;
    },
    scan: (onChunk) => read(() => log.scan(onChunk)),
    range: (peer, fromSeq, toSeq) => read(() => log.range(peer, fromSeq, toSeq, journalLimits.ingestBatchMax)),
    authors: () => read(async () => (await fresh()).authors.map(authorHeld)),
    device: () => read(async () => deviceStateOf(await fresh())),
    updateSettings: (patch) =>
      write(async () => {
        const from = log.state;
        const next = { ...from, settings: mergeSettings(from.settings, patch) };
        if (!(await log.commit(planWrite(from, log.tail, [], next, log.blockSize)))) return STALE;
        announce();
        return deviceStateOf(log.state);
      }),
    quarantine: (options = {}) =>
      read(() => db.quarantine.where('no').above(options.afterNo ?? 0).limit(options.limit ?? 100).toArray()),
    quarantineCount: () => read(async () => (await fresh()).quarantineRows),
    onEntries: (listener) => listeners.add(listener),
    persist: () => requestPersistence(storage),
    storageStatus: (): Promise<StorageStatus> => storageStatusOf(storage),
    close: async () => {
      await queue.close();
      closed = true;
      channel?.close();
      db.close();
    },
  };
}
