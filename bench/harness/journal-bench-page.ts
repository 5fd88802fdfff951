/**
 * The journal benchmark page, driven by bench/journal.browser.bench.ts through
 * `window.bench`. Every figure of the journal is taken beside a baseline measured
 * in the same page and run: raw IndexedDB writes of the same bytes with the same
 * durability, or the same entries read back row by row.
 */
import { Dexie } from 'dexie';
import { nanoid } from 'nanoid';
import { devSigner, devVerifier, encodeEntry, makeDevEntry } from '../../src/core/entry.ts';
import { formatHlc, initialHlcState } from '../../src/core/hlc.ts';
import type { BookId, BusinessDate, Entry, EntryId, PeerId, Posting, TxnBody } from '../../src/core/types.ts';
import { prepareEntry, type Counters } from '../../src/journal/author.ts';
import { openIdbJournal } from '../../src/journal/idb-journal.ts';
import type { Journal, JournalDeps } from '../../src/journal/journal.ts';
import { newBook } from '../../src/core/testing/build.ts';
import { QueryStore } from '../../src/query/store.ts';

const BOOK = 'B1' as BookId;
const START_MS = 1_740_819_600_000;
const SALES = ['Income:Sales:Coffee', 'Income:Sales:Pastry', 'Income:Sales:Sandwiches', 'Income:Sales:Groceries'];
const TENDER = ['Assets:Cash:Till-1', 'Assets:Cash:Till-2', 'Assets:Card-Clearing', 'Assets:Vouchers'];
const MEMOS = ['Counter sale', 'Two coffees and a croissant', 'Lunch menu, table 4', 'Weekly groceries, loyalty card', 'Café crème ×2'];

function deps(peer = 'T1'): JournalDeps {
  return { book: BOOK, peer: peer as PeerId, signer: devSigner, verify: devVerifier, clock: () => Date.now(), nonce: () => nanoid() };
}

/** A realistic sale: 2-4 postings, a memo. Deterministic in `i`. */
function saleBody(i: number): TxnBody {
  const lines = 1 + (i % 3);
  const postings: Posting[] = [];
  let total = 0;
  for (let k = 0; k < lines; k++) {
    const amount = 150 + ((i * 7919 + k * 104729) % 9000);
    postings.push({ account: SALES[(i + k) % SALES.length]!, amount: -amount });
    total += amount;
  }
  postings.push({ account: TENDER[i % TENDER.length]!, amount: total });
  return { postings, memo: MEMOS[i % MEMOS.length]! };
}

/** Another device's chain of entries from seq `from`, as the wire texts and ids a peer would send. */
function peerEntries(peer: string, from: number, count: number, prev: EntryId | null): { texts: string[]; ids: EntryId[]; last: EntryId | null } {
  const texts: string[] = [];
  const ids: EntryId[] = [];
  let head = prev;
  for (let seq = from; seq < from + count; seq++) {
    const ms = START_MS + seq * 1000;
    const entry: Entry = makeDevEntry({
      nonce: `n${peer}${seq.toString(36)}`.padEnd(21, '0').slice(0, 21),
      book: BOOK,
      kind: 'txn',
      peer: peer as PeerId,
      seq,
      prev: head,
      hlc: formatHlc(ms, 0),
      date: new Date(ms).toISOString().slice(0, 19) as BusinessDate,
      body: saleBody(seq),
    });
    texts.push(encodeEntry(entry));
    ids.push(entry.id);
    head = entry.id;
  }
  return { texts, ids, last: head };
}

/**
 * The book's genesis (by the owner, O) and the owner's join of T2, as wire texts:
 * without them every T2 entry is pending in the books and the balances are empty.
 */
function bookHead(): string[] {
  const { owner, genesis } = newBook({ book: BOOK });
  return [encodeEntry(genesis), encodeEntry(owner.join('T2'))];
}

/** `count` wire texts: the book head, then T2's chain filling the rest. */
function bookEntries(count: number): { texts: string[]; ids: EntryId[] } {
  const head = bookHead();
  const chain = peerEntries('T2', 1, count - head.length, null);
  return { texts: [...head, ...chain.texts], ids: [...head.map((t) => (JSON.parse(t) as Entry).id), ...chain.ids] };
}

/** A raw IndexedDB database with one store keyed by `id`: the baseline's storage. */
function openRaw(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('rows', { keyPath: 'id' });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('open failed'));
  });
}

/** Put rows in one strict transaction; resolves on commit. */
function rawPut(db: IDBDatabase, rows: ReadonlyArray<{ id: string; text: string }>): Promise<void> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('rows', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('rows');
    for (const row of rows) store.put(row);
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('aborted'));
  });
}

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onblocked = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('delete failed'));
  });
}

/** The simple balance sum standing in for the query store: bigint per account. */
function sumInto(balances: Map<string, bigint>, entries: readonly Entry[]): void {
  for (const entry of entries) {
    if (entry.kind !== 'txn') continue;
    for (const p of entry.body.postings) balances.set(p.account, (balances.get(p.account) ?? 0n) + BigInt(p.amount));
  }
}

let pending: { texts: string[]; ids: EntryId[] } = { texts: [], ids: [] };

const bench = {
  /**
   * Append latency: `rounds` rounds of `perRound` journal appends, each followed by
   * as many raw strict puts (own transaction each) of the entries just appended,
   * alternating so both see the same disk. Returns each call's milliseconds.
   */
  async appendLatency(rounds: number, perRound: number, blockEntries: number): Promise<{ journal: number[]; raw: number[] }> {
    const name = `latency-${Date.now()}`;
    const journal = await openIdbJournal(deps(), { name, blockEntries });
    const raw = await openRaw(`${name}-raw`);
    const times = { journal: [] as number[], raw: [] as number[] };
    for (let r = 0; r < rounds + 1; r++) {
      const made: Array<{ id: string; text: string }> = [];
      for (let i = 0; i < perRound; i++) {
        const start = performance.now();
        const entry = await journal.append({ kind: 'txn', body: saleBody(r * perRound + i) });
        if (r > 0) times.journal.push(performance.now() - start); // round 0 warms up
        made.push({ id: entry.id, text: encodeEntry(entry) });
      }
      for (const row of made) {
        const start = performance.now();
        await rawPut(raw, [row]);
        if (r > 0) times.raw.push(performance.now() - start);
      }
    }
    await journal.close();
    raw.close();
    await Promise.all([deleteDb(`daybook-journal-${name}`).catch(() => undefined), deleteDb(name), deleteDb(`${name}-raw`)]);
    return times;
  },

  /** Milliseconds per entry to make, sign and validate this device's next entry (the CPU part of an append). */
  async prepareCost(count: number): Promise<number> {
    const d = deps();
    let counters: Counters = { seq: 0, head: null, hlc: initialHlcState };
    const start = performance.now();
    for (let i = 0; i < count; i++) counters = (await prepareEntry({ kind: 'txn', body: saleBody(i) }, counters, d)).counters;
    return (performance.now() - start) / count;
  },

  /** Make `count` entries of device T2 (wire texts), kept for the next ingest or raw write; returns ms. */
  prepare(count: number): number {
    const start = performance.now();
    pending = bookEntries(count);
    return performance.now() - start;
  },

  /** Ingest the prepared entries into a fresh journal `name`; returns ms and what was accepted. */
  async ingest(name: string, blockEntries: number): Promise<{ ms: number; accepted: number }> {
    await deleteDb(name);
    const journal = await openIdbJournal(deps(), { name, blockEntries });
    const start = performance.now();
    const report = await journal.ingest(pending.texts, 'T2');
    const ms = performance.now() - start;
    await journal.close();
    return { ms, accepted: report.accepted.length };
  },

  /** Write the prepared entries' bytes raw, one row each, in strict transactions of `batch`; returns ms. The database stays, for rowsColdStart. */
  async rawBulk(name: string, batch: number): Promise<number> {
    await deleteDb(name);
    const db = await openRaw(name);
    const rows = pending.texts.map((text, i) => ({ id: pending.ids[i]!, text }));
    const start = performance.now();
    for (let i = 0; i < rows.length; i += batch) await rawPut(db, rows.slice(i, i + batch));
    const ms = performance.now() - start;
    db.close();
    return ms;
  },

  /** Fill journal `name` with `count` entries of T2, generated and ingested in chunks (for the 1M cold start). */
  async fill(name: string, count: number, blockEntries: number): Promise<number> {
    await deleteDb(name);
    const journal = await openIdbJournal(deps(), { name, blockEntries });
    const start = performance.now();
    const head = bookHead();
    await journal.ingest(head, 'O');
    let prev: EntryId | null = null;
    const chainCount = count - head.length;
    for (let from = 1; from <= chainCount; from += 20_000) {
      const chunk = peerEntries('T2', from, Math.min(20_000, chainCount - from + 1), prev);
      prev = chunk.last;
      await journal.ingest(chunk.texts, 'T2');
    }
    await journal.close();
    return performance.now() - start;
  },

  /**
   * Cold start through the query store: open journal `name`, load every entry into
   * the QueryStore (one fold of the whole set), answer the trial balance as of the
   * last day. Call on a freshly loaded page.
   */
  async coldStartBooks(name: string, blockEntries: number): Promise<{ ms: number; sinceNavigationMs: number; entries: number; accounts: number; scanMs: number; fast: boolean }> {
    const start = performance.now();
    const journal: Journal = await openIdbJournal(deps(), { name, blockEntries });
    const all: Entry[] = [];
    const entries = await journal.scan((chunk) => {
      for (const entry of chunk) all.push(entry);
    });
    const scanned = performance.now();
    const store = new QueryStore();
    store.load(all);
    const tb = store.trialBalance('2999-12-31');
    const end = performance.now();
    await journal.close();
    if (tb.debitTotal !== tb.creditTotal) throw new Error('trial balance does not balance');
    return { ms: end - start, sinceNavigationMs: end, entries, accounts: tb.lines.length, scanMs: scanned - start, fast: store.lastApply.fast };
  },

  /** Cold start: open journal `name`, load every entry, answer the balances. Call on a freshly loaded page. */
  async coldStart(name: string, blockEntries: number): Promise<{ ms: number; sinceNavigationMs: number; entries: number; accounts: number }> {
    const start = performance.now();
    const journal: Journal = await openIdbJournal(deps(), { name, blockEntries });
    const balances = new Map<string, bigint>();
    const entries = await journal.scan((chunk) => sumInto(balances, chunk));
    const end = performance.now();
    await journal.close();
    return { ms: end - start, sinceNavigationMs: end, entries, accounts: balances.size };
  },

  /** Baseline: the rows rawBulk wrote (one canonical text per entry) read back, parsed and summed. Call on a freshly loaded page. */
  async rowsColdStart(name: string): Promise<{ ms: number; entries: number }> {
    const start = performance.now();
    const db = await openRaw(name);
    const rows = await new Promise<Array<{ text: string }>>((resolve, reject) => {
      const request = db.transaction('rows', 'readonly').objectStore('rows').getAll();
      request.onsuccess = () => resolve(request.result as Array<{ text: string }>);
      request.onerror = () => reject(request.error ?? new Error('read failed'));
    });
    const balances = new Map<string, bigint>();
    sumInto(balances, rows.map((row) => JSON.parse(row.text) as Entry));
    const ms = performance.now() - start;
    db.close();
    return { ms, entries: rows.length };
  },

  /** Baseline: a naive layout, one entry object per row (Dexie bulkAdd), to read back below. */
  async naiveFill(name: string, count: number): Promise<{ ms: number; entries: number }> {
    if (pending.texts.length !== count) bench.prepare(count);
    await deleteDb(name);
    const db = new Dexie(name, { chromeTransactionDurability: 'strict' });
    db.version(1).stores({ entries: 'id' });
    const entries = pending.texts.map((t) => JSON.parse(t) as Entry);
    const start = performance.now();
    for (let i = 0; i < entries.length; i += 2000) await db.table('entries').bulkAdd(entries.slice(i, i + 2000));
    const ms = performance.now() - start;
    const held = await db.table('entries').count();
    db.close();
    return { ms, entries: held };
  },

  /** Baseline: read the naive layout back row by row and sum. Call on a freshly loaded page. */
  async naiveColdStart(name: string): Promise<{ ms: number; entries: number }> {
    const start = performance.now();
    const db = new Dexie(name);
    db.version(1).stores({ entries: 'id' });
    const entries = (await db.table('entries').toArray()) as Entry[];
    const balances = new Map<string, bigint>();
    sumInto(balances, entries);
    const ms = performance.now() - start;
    db.close();
    return { ms, entries: entries.length };
  },

  async usage(): Promise<number> {
    return (await navigator.storage.estimate()).usage ?? 0;
  },

  deleteDb,
};

export type JournalBench = typeof bench;
declare global {
  interface Window {
    bench: JournalBench;
  }
}
window.bench = bench;
document.title = 'bench harness ready';
