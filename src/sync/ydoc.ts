/**
 * The Yjs bridge: one Yjs document per book and period, a Y.Map from entry id to the
 * entry's canonical text, kept in step with the journal both ways.
 *
 * - A new journal entry is set in its period's document (local origin); the
 *   document's update goes out through `onUpdate` (the mesh sends it in chunks).
 * - A remote update is applied with the sending peer as origin; every key it adds or
 *   changes is checked for shape and id only: the value must be a well-formed entry
 *   of this book whose id is the key (the id is the hash of the bytes, so no other
 *   value can be right). Good values go to `journal.ingest(texts, from = peer)`;
 *   wrong ones are ignored and counted. Signatures are NOT checked here: ingest
 *   checks them in batches (src/journal/verify-screen.ts) and quarantines a forgery
 *   with its sender; checking them here one by one with the synchronous verifier
 *   cost ~1.5 ms per entry in Chromium with Ed25519 keys, for nothing.
 *   Deletes and overwrites change nothing in the journal: the journal is the truth,
 *   the document a transport, and the frontier exchange recovers anything a document
 *   lost or hid.
 * - `reconcile()` at start fills the documents from the journal and ingests what a
 *   (persisted) document holds that the journal lacks, so a crash between the two
 *   writes heals itself.
 * - A retired period's document is dropped from live sync (its entries stay in the
 *   journal and still travel by the frontier exchange).
 *
 * Whether sync needs Yjs at all beside the frontier protocol is measured in
 * bench/sync.bench.ts; see the note in src/sync/README.md.
 */
import * as Y from 'yjs';
import { isPeriodId, periodOf } from '../core/dates.ts';
import { encodeEntry, type Verifier } from '../core/entry.ts';
import type { Entry, PeriodId, PeriodLength } from '../core/types.ts';
import { validate } from '../core/validate.ts';
import type { Journal } from '../journal/journal.ts';
import { syncLimits } from './limits.ts';

const LOCAL = Symbol('local');

/** The bridge checks shape and id; journal.ingest checks signatures, in batches. */
const signatureLeftToIngest: Verifier = () => true;
const MAP = 'entries';

export interface YBridgeOptions {
  journal: Journal;
  /**
   * Ignored: signatures are checked by `journal.ingest`, in batches (see above).
   * Still accepted so that callers written before need no change.
   */
  verify?: Verifier;
  /** The book's period length (from its genesis entry). */
  period: PeriodLength;
  /** Periods whose documents are retired from live sync (final periods). */
  isRetired?: (period: PeriodId) => boolean;
  /** A local change of a document, to send to peers. */
  onUpdate?: (doc: string, update: Uint8Array) => void;
}

export interface YBridgeStats {
  /** Values set from the journal into documents. */
  set: number;
  /** Remote values of the right shape and id that went to the journal (whose ingest checks the signature). */
  forwarded: number;
  /** Remote values ignored: not a well-formed entry of this book, or not the entry its key names. */
  ignored: number;
  /** Remote deletes and overwrites of a key already held (ignored). */
  overwrites: number;
  /** Remote updates that Yjs could not apply, or for unknown or retired documents. */
  rejectedUpdates: number;
}

export interface YBridge {
  readonly stats: Readonly<YBridgeStats>;
  /** The document name of a period: `book/period`. */
  docName(period: PeriodId): string;
  /** The live document of a period (created on first use), or undefined when retired. */
  doc(period: PeriodId): Y.Doc | undefined;
  /** Apply a peer's update to a document; waits for its entries to be ingested. Never throws. */
  apply(doc: string, update: Uint8Array, from: string): Promise<void>;
  /** Load a period's document from storage (a saved Y.encodeStateAsUpdate); nothing reaches the journal until `reconcile`. */
  load(period: PeriodId, state: Uint8Array): void;
  /** Fill documents from the journal, and the journal from documents. Resolves to entries ingested from documents. */
  reconcile(): Promise<number>;
  /** Drop a period's document from live sync. */
  retire(period: PeriodId): void;
  /** Stop listening to the journal; destroy the documents. */
  close(): void;
}

export function createYBridge(options: YBridgeOptions): YBridge {
  const { journal } = options;
  const docs = new Map<PeriodId, Y.Doc>();
  const retired = new Set<PeriodId>();
  const stats: YBridgeStats = { set: 0, forwarded: 0, ignored: 0, overwrites: 0, rejectedUpdates: 0 };
  const docName = (period: PeriodId): string => `${journal.book}/${period}`;
  const isRetired = (period: PeriodId): boolean => retired.has(period) || (options.isRetired?.(period) ?? false);

  const doc = (period: PeriodId): Y.Doc | undefined => {
    if (isRetired(period)) return undefined;
    let d = docs.get(period);
    if (d === undefined) {
      d = new Y.Doc({ gc: true });
      const name = docName(period);
      d.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === LOCAL) options.onUpdate?.(name, update);
      });
      docs.set(period, d);
    }
    return d;
  };

  /** Set entries into their documents, one transaction per document. */
  const setEntries = (entries: readonly Entry[]): void => {
    const byPeriod = new Map<PeriodId, Entry[]>();
    for (const e of entries) {
      const p = periodOf(e.date, options.period);
      byPeriod.set(p, [...(byPeriod.get(p) ?? []), e]);
    }
    for (const [period, list] of byPeriod) {
      const d = doc(period);
      if (d === undefined) continue;
      const map = d.getMap<string>(MAP);
      d.transact(() => {
        for (const e of list) {
          if (map.has(e.id)) continue;
          map.set(e.id, encodeEntry(e));
          stats.set++;
        }
      }, LOCAL);
    }
  };

  /**
   * The well-formed values among changed keys: each must be an entry of this book
   * whose id is its key. The signature is left to ingest (a verifier that says yes
   * to everything here; ingest verifies every one before storing it).
   */
  const checked = (map: Y.Map<string>, keys: Iterable<string>): string[] => {
    const out: string[] = [];
    for (const key of keys) {
      const value = map.get(key);
      const result = typeof value === 'string' ? validate(value, { verify: signatureLeftToIngest, book: journal.book }) : undefined;
      if (result?.ok === true && result.value.id === key) out.push(value!);
      else stats.ignored++;
    }
    return out;
  };

  const periodOfName = (name: string): PeriodId | undefined => {
    const prefix = `${journal.book}/`;
    const period = name.startsWith(prefix) ? name.slice(prefix.length) : '';
    return isPeriodId(period, options.period) ? period : undefined;
  };

  const apply = async (name: string, update: Uint8Array, from: string): Promise<void> => {
    const period = periodOfName(name);
    const d = period === undefined || update.byteLength > syncLimits.yjsUpdateBytesMax ? undefined : doc(period);
    if (d === undefined) {
      stats.rejectedUpdates++;
      return;
    }
    const map = d.getMap<string>(MAP);
    const added: string[] = [];
    const observer = (event: Y.YMapEvent<string>): void => {
      for (const [key, change] of event.changes.keys) {
        if (change.action === 'add') added.push(key);
        else stats.overwrites++;
      }
    };
    map.observe(observer);
    try {
      Y.applyUpdate(d, update, from);
    } catch {
      stats.rejectedUpdates++;
    } finally {
      map.unobserve(observer);
    }
    const texts = checked(map, added);
    if (texts.length === 0) return;
    stats.forwarded += texts.length;
    await journal.ingest(texts, from);
  };

  const unsubscribe = journal.onEntries((added) => setEntries(added));

  return {
    stats,
    docName,
    doc,
    apply,
    load: (period, state) => {
      const d = doc(period);
      if (d !== undefined) Y.applyUpdate(d, state, 'storage');
    },
    reconcile: async () => {
      const held = new Set<string>();
      await journal.scan((chunk) => {
        setEntries(chunk);
        for (const e of chunk) held.add(e.id);
      });
      let ingested = 0;
      for (const d of docs.values()) {
        const map = d.getMap<string>(MAP);
        const texts = checked(map, [...map.keys()].filter((k) => !held.has(k)));
        if (texts.length > 0) ingested += (await journal.ingest(texts, 'document')).accepted.length;
      }
      return ingested;
    },
    retire: (period) => {
      retired.add(period);
      docs.get(period)?.destroy();
      docs.delete(period);
    },
    close: () => {
      unsubscribe();
      for (const d of docs.values()) d.destroy();
      docs.clear();
    },
  };
}
