/**
 * The journal on IndexedDB (through Dexie): the contract of journal.ts, stored.
 *
 * Writes are prepared outside any transaction (signing may be asynchronous), then
 * committed in one strict-durability transaction that first checks the device
 * state is still the one they were prepared from. If another tab wrote in between,
 * the write is prepared again from the new state; if the connection closed (WebKit
 * closes IndexedDB connections of backgrounded pages), it is reopened and the write
 * retried, after checking whether the lost attempt committed after all.
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { Entry } from '../core/types.ts';
import { prepareEntry, screen } from './author.ts';
import { authorHeld } from './authors.ts';
import { checkIdentity, deviceStateOf, initialState, mergeSettings, type StoredState } from './device-state.ts';
import { JournalAbortError, JournalClosedError, toJournalError, type JournalError } from './errors.ts';
import { STALE, type IdbContext, type Stale } from './idb-context.ts';
import { idbDrafts } from './idb-drafts.ts';
import { scanJournal } from './idb-scan.ts';
import { journalDb, journalDbName, type JournalDb, type JournalDbOptions, type StateRow } from './idb-schema.ts';
import { ingestBatch, readState, storeEntries, WRITE_STORES } from './idb-writes.ts';
import type { IngestReport, Journal, JournalDeps, StorageStatus } from './journal.ts';
import { createListeners } from './listeners.ts';
import { storageStatusOf, requestPersistence } from './storage.ts';
import { createWriteQueue } from './write-queue.ts';

export interface IdbJournalOptions extends JournalDbOptions {
  /** Database name (default: journalDbName(book)). */
  name?: string;
  /** Entries per sealed block (default journalLimits.blockEntries); fixed once the journal holds a block. */
  blockEntries?: number;
  /** The platform's StorageManager (default navigator.storage when there is one). */
  storage?: StorageManager;
}

/**
 * Open (creating if needed) the journal of `deps.book` on this device. Rejects with
 * JournalIdentityError if the database belongs to another book or device, and with
 * a JournalError (JournalVersionError, ...) if it cannot be opened.
 */
export async function openIdbJournal(deps: JournalDeps, options: IdbJournalOptions = {}): Promise<Journal> {
  const db = journalDb(options.name ?? journalDbName(deps.book), options);
  const storage = options.storage ?? (typeof navigator === 'undefined' ? undefined : navigator.storage);
  let state: StoredState;
  try {
    await db.open();
    state = await db.transaction('rw', db.state, async () => {
      const found = await readState(db);
      if (found !== undefined) return found;
      const created = initialState(deps.book, deps.peer);
      await db.state.put({ key: 'state', ...created });
      return created;
    });
  } catch (error) {
    db.close();
    throw toJournalError(error);
  }
  try {
    checkIdentity(state, deps.book, deps.peer);
  } catch (error) {
    db.close();
    throw error;
  }
  return makeJournal(db, deps, state, options.blockEntries ?? journalLimits.blockEntries, storage);
}

function makeJournal(db: JournalDb, deps: JournalDeps, initial: StoredState, blockSize: number, storage: StorageManager | undefined): Journal {
  const queue = createWriteQueue();
  const listeners = createListeners();
  let cached = initial;
  let closed = false;

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
    if (error instanceof JournalClosedError) return true;
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
      await reconnect().catch((again: unknown) => {
        throw toJournalError(again);
      });
      return fn().catch((again: unknown) => {
        throw toJournalError(again);
      });
    }
  };

  /**
   * Run `step` until it commits. STALE (another tab wrote) re-reads the state and
   * runs it again; a lost connection reconnects, asks `recover` whether the lost
   * attempt committed after all, and runs it again if not.
   */
  const writeLoop = async <T>(step: (state: StoredState) => Promise<T | Stale>, recover?: () => Promise<T | undefined>): Promise<T> => {
    let losses = 0;
    let races = 0;
    for (;;) {
      let failure: JournalError | undefined;
      try {
        const result = await step(cached);
        if (result !== STALE) return result;
        if (++races > journalLimits.raceRetriesMax) throw new JournalAbortError(`lost ${races - 1} races to other writers`);
      } catch (error) {
        failure = toJournalError(error);
        if (!(await lostConnection(failure)) || ++losses >= journalLimits.writeAttemptsMax) throw failure;
      }
      try {
        if (failure !== undefined) await reconnect();
        cached = (await readState(db)) ?? cached;
        const done = failure !== undefined && recover !== undefined ? await recover() : undefined;
        if (done !== undefined) return done;
      } catch (error) {
        throw toJournalError(error);
      }
    }
  };

  const ctx: IdbContext = {
    db,
    deps,
    blockSize,
    read,
    write: (step, recover) => {
      if (closed) return Promise.reject(new JournalClosedError('the journal is closed'));
      return queue.run(() => writeLoop(step, recover));
    },
    appendWith: (input, extra, extraStores = []) => {
      let last: Entry | undefined;
      const step = async (before: StoredState): Promise<Entry | Stale> => {
        const prepared = await prepareEntry(input, before, deps);
        last = prepared.entry;
        const text = encodeEntry(prepared.entry);
        const stores = [...WRITE_STORES, ...extraStores];
        const written = await db.transaction('rw', stores, async () => {
          const current = await readState(db);
          if (current === undefined || current.version !== before.version) return undefined;
          if (extra !== undefined) await extra();
          return storeEntries(db, [{ entry: prepared.entry, text }], { ...current, ...prepared.counters }, blockSize);
        });
        if (written === undefined) return STALE;
        cached = written;
        listeners.emit([prepared.entry]);
        return prepared.entry;
      };
      // After a lost connection: if the last attempt's entry is stored, it committed.
      const recover = async (): Promise<Entry | undefined> => {
        if (last === undefined || (await db.entries.get(last.id)) === undefined) return undefined;
        listeners.emit([last]);
        return last;
      };
      return ctx.write(step, recover);
    },
  };

  return {
    book: deps.book,
    peer: deps.peer,
    drafts: idbDrafts(ctx),
    append: (input) => ctx.appendWith(input),
    ingest: (inputs, from) => ingestAll(ctx, inputs, from, (report) => listeners.emit(report.accepted), (s) => (cached = s)),
    get: (id) => read(async () => parseRow(await db.entries.get(id))),
    count: () => read(async () => (await readState(db))?.nextLsn ?? 0),
    all: async () => {
      const out: Entry[] = [];
      await read(() => scanJournal(db, blockSize, (chunk) => void out.push(...chunk)));
      return out;
    },
    scan: (onChunk) => read(() => scanJournal(db, blockSize, onChunk)),
    range: (peer, fromSeq, toSeq) =>
      read(async () => {
        const rows = await db.entries.where('[peer+seq]').between([peer, fromSeq], [peer, toSeq], true, true).limit(journalLimits.ingestBatchMax).toArray();
        return rows.map((row) => JSON.parse(row.text) as Entry).sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
      }),
    authors: () => read(async () => (await db.authors.toArray()).map(authorHeld)),
    device: () => read(async () => deviceStateOf((await readState(db)) ?? cached)),
    updateSettings: (patch) =>
      ctx.write(async () => {
        const written = await db.transaction('rw', db.state, async () => {
          const current = (await readState(db))!;
          const next: StateRow = { key: 'state', ...current, settings: mergeSettings(current.settings, patch), version: current.version + 1 };
          await db.state.put(next);
          return next;
        });
        const { key: _key, ...state } = written;
        cached = state;
        return deviceStateOf(state);
      }),
    quarantine: (options = {}) =>
      read(() => db.quarantine.where('no').above(options.afterNo ?? 0).limit(options.limit ?? 100).toArray()),
    quarantineCount: () => read(() => db.quarantine.count()),
    onEntries: (listener) => listeners.add(listener),
    persist: () => requestPersistence(storage),
    storageStatus: (): Promise<StorageStatus> => storageStatusOf(storage),
    close: async () => {
      await queue.close();
      closed = true;
      db.close();
    },
  };
}

function parseRow(row: { text: string } | undefined): Entry | undefined {
  return row === undefined ? undefined : (JSON.parse(row.text) as Entry);
}

/** Ingest in batches of journalLimits.ingestBatchMax, one transaction each, merging the reports. */
async function ingestAll(
  ctx: IdbContext,
  inputs: readonly unknown[],
  from: string,
  emit: (report: IngestReport) => void,
  setState: (state: StoredState) => void,
): Promise<IngestReport> {
  const total: IngestReport = { accepted: [], duplicates: 0, refused: [], alarms: [] };
  for (let start = 0; start < inputs.length || start === 0; start += journalLimits.ingestBatchMax) {
    const { screened, duplicates } = screen(inputs.slice(start, start + journalLimits.ingestBatchMax), ctx.deps, encodeEntry);
    const step = async (): Promise<IngestReport> => {
      const done = await ctx.db.transaction('rw', [...WRITE_STORES, 'quarantine'], () =>
        ingestBatch(ctx.db, screened, from, { self: ctx.deps.peer, nowMs: ctx.deps.clock(), blockSize: ctx.blockSize }),
      );
      setState(done.state);
      emit(done.report);
      return done.report;
    };
    // A batch is idempotent, so after a lost connection it is simply run again.
    const report = await ctx.write(step);
    total.accepted.push(...report.accepted);
    total.duplicates += report.duplicates + duplicates;
    total.refused.push(...report.refused);
    total.alarms.push(...report.alarms);
    if (inputs.length === 0) break;
  }
  return total;
}
