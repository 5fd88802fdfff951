/**
 * The journal in memory: the reference implementation of the contract in
 * journal.ts, for tests, the simulator and the Node tools. It keeps each entry as
 * its canonical text and parses it on every read, like the stored journals do, so a
 * caller that mutates what it read changes nothing held.
 *
 * Every write computes everything first and then changes the store in one
 * synchronous step, so a failure (a refused input, a signer that throws) leaves the
 * store exactly as it was: the in-memory form of a transaction.
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { Entry, EntryId, PeerId } from '../core/types.ts';
import { countersAfterIngest, prepareEntry, type Counters, type EntryInput, type Screened } from './author.ts';
import { addSeqs, authorHeld, emptyAuthor, seqsByAuthor, type AuthorRow } from './authors.ts';
import { checkIdentity, deviceStateOf, initialState, mergeSettings, type StoredState } from './device-state.ts';
import { editedDraft, mustDraft, newDraft } from './draft-rules.ts';
import { JournalClosedError, TooManyDraftsError } from './errors.ts';
import type { Draft, Drafts, IngestReport, Journal, JournalDeps, QuarantineRecord } from './journal.ts';
import { createListeners } from './listeners.ts';
import { screenVerified } from './verify-screen.ts';
import { createWriteQueue } from './write-queue.ts';

/** What a memory journal holds; open several journals on one store to model a reopen or a second tab. */
export interface MemoryJournalStore {
  /** Canonical entry texts by lsn. */
  texts: string[];
  byId: Map<EntryId, number>;
  /** peer -> seq -> lsns (more than one means equivocation). */
  bySeq: Map<PeerId, Map<number, number[]>>;
  authors: Map<PeerId, AuthorRow>;
  state: StoredState | undefined;
  drafts: Map<string, Draft>;
  quarantine: QuarantineRecord[];
}

/** An empty store. */
export function createMemoryStore(): MemoryJournalStore {
  return { texts: [], byId: new Map(), bySeq: new Map(), authors: new Map(), state: undefined, drafts: new Map(), quarantine: [] };
}

/**
 * Open a journal over `store` (a fresh one by default). Throws JournalIdentityError
 * when the store belongs to another book or device.
 */
export function openMemoryJournal(deps: JournalDeps, store: MemoryJournalStore = createMemoryStore()): Journal {
  if (store.state === undefined) store.state = initialState(deps.book, deps.peer);
  checkIdentity(store.state, deps.book, deps.peer);
  const queue = createWriteQueue();
  const listeners = createListeners();
  let closed = false;

  const state = (): StoredState => {
    if (closed) throw new JournalClosedError('the journal is closed');
    return store.state!;
  };
  const read = (lsn: number): Entry => JSON.parse(store.texts[lsn]!) as Entry;

  /** Prepare from the current counters, then commit only if nobody wrote in between. */
  const appendWith = async (input: EntryInput, commit: (entry: Entry, counters: Counters) => void): Promise<Entry> => {
    for (;;) {
      const before = state();
      const prepared = await prepareEntry(input, before, deps);
      if (state().version !== before.version) continue;
      commit(prepared.entry, prepared.counters);
      listeners.emit([prepared.entry]);
      return prepared.entry;
    }
  };
  const commitEntry = (entry: Entry, counters: Counters): void => {
    addEntries(store, [{ entry, text: encodeEntry(entry) }]);
    store.state = { ...state(), ...counters, nextLsn: store.texts.length, version: state().version + 1 };
  };

  const drafts: Drafts = {
    create: (input) =>
      queue.run(async () => {
        state();
        if (store.drafts.size >= journalLimits.draftsMax) throw new TooManyDraftsError(`${store.drafts.size} drafts held`);
        const draft = newDraft(deps.nonce(), input, deps.clock());
        store.drafts.set(draft.id, draft);
        return structuredClone(draft);
      }),
    edit: (id, input, expectedVersion) =>
      queue.run(async () => {
        state();
        const draft = editedDraft(store.drafts.get(id), id, input, deps.clock(), expectedVersion);
        store.drafts.set(id, draft);
        return structuredClone(draft);
      }),
    get: async (id) => {
      state();
      const draft = store.drafts.get(id);
      return draft === undefined ? undefined : structuredClone(draft);
    },
    list: async () => {
      state();
      return [...store.drafts.values()].sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : 1)).map((d) => structuredClone(d));
    },
    discard: (id) =>
      queue.run(async () => {
        state();
        store.drafts.delete(id);
      }),
    save: (id, expectedVersion) =>
      queue.run(async () => {
        const draft = mustDraft(store.drafts.get(id), id, expectedVersion);
        return appendWith(draft, (entry, counters) => {
          // Checked again at commit: the draft may have gone while the entry was signed.
          mustDraft(store.drafts.get(id), id, draft.version);
          commitEntry(entry, counters);
          store.drafts.delete(id);
        });
      }),
  };

  const journal: Journal = {
    book: deps.book,
    peer: deps.peer,
    drafts,
    append: (input) => queue.run(() => appendWith(input, commitEntry)),
    ingest: (inputs, from) =>
      queue.run(async () => {
        state();
        // Signatures are verified (in a batch, when the deps can) before anything is stored.
        const screened = await screenVerified(inputs, deps, encodeEntry, (id) => store.byId.has(id));
        state();
        const report = ingestInto(store, screened, from, deps);
        listeners.emit(report.accepted);
        return report;
      }),
    get: async (id) => {
      state();
      const lsn = store.byId.get(id);
      return lsn === undefined ? undefined : read(lsn);
    },
    count: async () => {
      state();
      return store.texts.length;
    },
    all: async () => {
      state();
      return store.texts.map((text) => JSON.parse(text) as Entry);
    },
    scan: async (onChunk) => {
      state();
      const size = journalLimits.blockEntries;
      for (let from = 0; from < store.texts.length; from += size) {
        onChunk(store.texts.slice(from, from + size).map((text) => JSON.parse(text) as Entry));
      }
      return store.texts.length;
    },
    range: async (peer, fromSeq, toSeq) => {
      state();
      const seqs = store.bySeq.get(peer);
      const out: Entry[] = [];
      if (seqs === undefined) return out;
      for (const seq of [...seqs.keys()].filter((s) => s >= fromSeq && s <= toSeq).sort((a, b) => a - b)) {
        const atSeq = seqs.get(seq)!.map(read).sort((a, b) => (a.id < b.id ? -1 : 1));
        out.push(...atSeq);
      }
      return out.slice(0, journalLimits.ingestBatchMax);
    },
    authors: async () => {
      state();
      return [...store.authors.values()].map(authorHeld).sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
    },
    device: async () => deviceStateOf(state()),
    updateSettings: (patch) =>
      queue.run(async () => {
        const settings = mergeSettings(state().settings, patch);
        store.state = { ...state(), settings, version: state().version + 1 };
        return deviceStateOf(store.state);
      }),
    quarantine: async (options = {}) => {
      state();
      const after = options.afterNo ?? 0;
      const limit = options.limit ?? 100;
      return store.quarantine.filter((q) => q.no > after).slice(0, limit).map((q) => structuredClone(q));
    },
    quarantineCount: async () => {
      state();
      return store.quarantine.length;
    },
    onEntries: (listener) => listeners.add(listener),
    persist: async () => false,
    storageStatus: async () => ({ persisted: false }),
    close: async () => {
      await queue.close();
      closed = true;
    },
  };
  return journal;
}

/** Add entries not held yet, with their lsns and author rows. The caller has checked ids. */
function addEntries(store: MemoryJournalStore, items: ReadonlyArray<{ entry: Entry; text: string }>): void {
  for (const { entry, text } of items) {
    const lsn = store.texts.length;
    store.texts.push(text);
    store.byId.set(entry.id, lsn);
    let seqs = store.bySeq.get(entry.peer);
    if (seqs === undefined) store.bySeq.set(entry.peer, (seqs = new Map<number, number[]>()));
    seqs.set(entry.seq, [...(seqs.get(entry.seq) ?? []), lsn]);
  }
  for (const [peer, seqs] of seqsByAuthor(items.map((i) => i.entry))) {
    store.authors.set(peer, addSeqs(store.authors.get(peer) ?? emptyAuthor(peer), seqs));
  }
}

/** Deduplicate a screened ingest call against the store, and commit it. */
function ingestInto(
  store: MemoryJournalStore,
  { screened, duplicates }: { screened: readonly Screened[]; duplicates: number },
  from: string,
  deps: JournalDeps,
): IngestReport {
  const fresh: Array<{ entry: Entry; text: string }> = [];
  const report: IngestReport = { accepted: [], duplicates, refused: [], alarms: [] };
  const atMs = deps.clock();
  let state = store.state!;
  let nextNo = state.nextQuarantineNo;
  const quarantined: QuarantineRecord[] = [];
  for (const item of screened) {
    if (item.ok) {
      if (store.byId.has(item.entry.id)) report.duplicates++;
      else fresh.push(item);
      continue;
    }
    report.refused.push({ reason: item.reason, from });
    if (store.quarantine.length + quarantined.length < journalLimits.quarantineRowsMax) {
      quarantined.push({ no: nextNo++, raw: item.raw, truncated: item.truncated, reason: item.reason, from, atMs });
    }
  }
  report.accepted = fresh.map((f) => JSON.parse(f.text) as Entry);
  const moved = countersAfterIngest(state, report.accepted, deps.peer, atMs);
  report.alarms = moved.alarms;
  addEntries(store, fresh);
  store.quarantine.push(...quarantined);
  state = {
    ...state,
    ...moved.counters,
    quarantined: state.quarantined + report.refused.length,
    nextQuarantineNo: nextNo,
    nextLsn: store.texts.length,
    version: state.version + 1,
  };
  store.state = state;
  return report;
}
