/**
 * The sync harness page: one tablet in a browser context, driven by e2e/sync.spec.ts
 * and bench/sync.browser.bench.ts through `window.syncTablet`. Real dependencies: the
 * wall clock, nanoid nonces, y-webrtc over real WebRTC data channels, the dev
 * signature scheme. The journal is in memory (fast set-up of large books) or in
 * IndexedDB (restarts).
 *
 * It can also play a misbehaving peer (`evil`) and run y-webrtc's own document sync
 * as the baseline of the benchmarks (`baseline*`).
 */
import { nanoid } from 'nanoid';
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { businessDateFromUtcMs } from '../src/core/dates.ts';
import { stateDigest } from '../src/core/digest.ts';
import { devSigner, devVerifier, encodeEntry, makeDevEntry } from '../src/core/entry.ts';
import { fold } from '../src/core/fold.ts';
import { sha256Hex } from '../src/core/hash.ts';
import { formatHlc } from '../src/core/hlc.ts';
import { trialBalance } from '../src/core/queries.ts';
import type { BookId, BusinessDate, Entry, EntryId, PeerId, TxnBody } from '../src/core/types.ts';
import { openIdbJournal } from '../src/journal/idb-journal.ts';
import type { Journal, JournalDeps } from '../src/journal/journal.ts';
import { openMemoryJournal } from '../src/journal/memory-journal.ts';
import { encodeFrame, FRAME_VERSION } from '../src/sync/frame.ts';
import type { Mesh, MeshLogLine } from '../src/sync/mesh.ts';
import { describeMissing } from '../src/sync/presence.ts';
import { startTabletSync, type TabletSync } from '../src/sync/tablet.ts';
import { startWebrtcSync } from '../src/sync/webrtc-transport.ts';
import { syncLimits } from '../src/sync/limits.ts';

export interface OpenOptions {
  peer: string;
  book: string;
  secret: string;
  signaling: string[];
  storage: 'memory' | 'idb';
}

export interface Summary {
  count: number;
  /** SHA-256 of the sorted ids: equal sets give equal hashes. */
  idsHash: string;
  /** The fold's state digest and trial balance (bigints as strings), when asked. */
  digest?: string;
  trial?: string;
  quarantined: number;
}

let journal: Journal | undefined;
let sync: TabletSync | undefined;
let options: OpenOptions | undefined;
const logs: MeshLogLine[] = [];
let evilAttempt = 0;
/** Entries this tab heard of from other tabs of the same browser (BroadcastChannel). */
let fromOtherTabs = 0;

function must(): Journal {
  if (journal === undefined) throw new Error('call open() first');
  return journal;
}

function deps(o: OpenOptions): JournalDeps {
  return { book: o.book as BookId, peer: o.peer as PeerId, signer: devSigner, verify: devVerifier, clock: () => Date.now(), nonce: () => nanoid() };
}

function sale(amount: number): { kind: 'txn'; body: TxnBody } {
  return { kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount }, { account: 'Income:Sales', amount: -amount }] } };
}

/** Entries of another device, seq from..from+count-1, dev-signed, deterministic (two tablets seeding the same chain hold the same entries). */
function chain(book: string, peer: string, from: number, count: number, prev: EntryId | null): Entry[] {
  const out: Entry[] = [];
  const startMs = Date.UTC(2025, 2, 1, 8);
  for (let seq = from; seq < from + count; seq++) {
    const atMs = startMs + seq * 1000;
    const entry = makeDevEntry({
      nonce: `s${peer}x${seq}`.padEnd(21, '0').slice(0, 21),
      book: book as BookId,
      kind: 'txn',
      peer: peer as PeerId,
      seq,
      prev,
      hlc: formatHlc(atMs, 0),
      date: businessDateFromUtcMs(atMs, 0),
      body: { postings: [{ account: 'Assets:Cash', amount: seq }, { account: 'Income:Sales', amount: -seq }], memo: `seeded sale ${seq}` },
    });
    out.push(entry);
    prev = entry.id;
  }
  return out;
}

function startSync(): void {
  sync = startTabletSync({
    journal: must(),
    secret: options!.secret,
    signaling: options!.signaling,
    onOtherTab: (entries) => {
      fromOtherTabs += entries.length;
    },
    onLog: (line) => {
      logs.push(line);
      if (logs.length > 2000) logs.splice(0, 1000);
    },
  });
}

function mesh(): Mesh | undefined {
  return sync?.mesh();
}

const api = {
  async open(o: OpenOptions): Promise<void> {
    options = o;
    journal = o.storage === 'idb' ? await openIdbJournal(deps(o), { name: `sync-${o.book}-${o.peer}` }) : openMemoryJournal(deps(o));
    startSync();
  },
  /** Create the book on this tablet (it becomes the owner) and enrol `devices`, so the fold counts their entries. */
  async genesis(devices: string[]): Promise<void> {
    await must().append({ kind: 'book', body: { name: 'Corner shop', currency: 'EUR', timezone: 'Europe/Paris', period: 'month', windowDays: 28 }, date: '2025-03-01T00:00:00' as BusinessDate });
    for (const device of devices) {
      await must().append({ kind: 'join', body: { device: device as PeerId, name: `Till ${device}`, key: '', roles: [] }, date: '2025-03-01T00:00:00' as BusinessDate });
    }
  },
  /** Hold `count` entries of author `peer` (made here, in journal batches). Resolves to the time taken. */
  async seed(peer: string, count: number): Promise<number> {
    const start = performance.now();
    let prev: EntryId | null = null;
    for (let from = 1; from <= count; from += 2000) {
      const batch = chain(options!.book, peer, from, Math.min(2000, count - from + 1), prev);
      prev = batch[batch.length - 1]!.id;
      await must().ingest(batch, 'seed');
    }
    return performance.now() - start;
  },
  /** Baseline for benchmarks: the time to ingest `count` entries straight into a fresh journal of this kind (made beforehand, not timed). */
  async ingestAlone(count: number, storage: OpenOptions['storage']): Promise<number> {
    const o = { ...options!, peer: 'X1', book: `${options!.book}-alone` };
    const entries = chain(o.book, 'S1', 1, count, null);
    const j = storage === 'idb' ? await openIdbJournal(deps(o), { name: `alone-${o.book}` }) : openMemoryJournal(deps(o));
    const start = performance.now();
    for (let i = 0; i < entries.length; i += 2000) await j.ingest(entries.slice(i, i + 2000), 'bench');
    const ms = performance.now() - start;
    await j.close();
    return ms;
  },
  async post(count: number, amount = 100): Promise<void> {
    for (let i = 0; i < count; i++) await must().append(sale(amount + i));
  },
  count: (): Promise<number> => must().count(),
  /** Poll until the journal holds `count` entries; resolves to the ms it took from the call, or -1 on timeout. */
  async waitCount(count: number, timeoutMs: number): Promise<number> {
    const start = performance.now();
    while (performance.now() - start < timeoutMs) {
      if ((await must().count()) >= count) return performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return -1;
  },
  async summary(withBooks = true): Promise<Summary> {
    const all = await must().all();
    const summary: Summary = { count: all.length, idsHash: sha256Hex(all.map((e) => e.id).sort().join('\n')), quarantined: await must().quarantineCount() };
    if (withBooks) {
      const ledger = fold(all);
      summary.digest = stateDigest(ledger);
      summary.trial = JSON.stringify(trialBalance(ledger, '2030-01-01'), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    }
    return summary;
  },
  /** Whether this tab leads the book's sync (holds the Web Lock and runs the mesh). */
  leading: (): boolean => sync?.mesh() !== undefined,
  /** Entries other tabs of this browser announced over BroadcastChannel. */
  fromOtherTabs: (): number => fromOtherTabs,
  /** Connected peers (y-webrtc ids) with a session. */
  peers: (): number => sync?.webrtc()?.peers().length ?? 0,
  async presence(): Promise<{ online: string[]; missing: string[] }> {
    const p = await mesh()?.presence();
    return { online: p?.online ?? [], missing: (p?.missing ?? []).map((m) => describeMissing(m)) };
  },
  logs: (): Array<{ event: string; level: string; peer: string | undefined; detail: string }> => logs.map(({ event, level, peer, detail }) => ({ event, level, peer, detail })),
  async quarantine(): Promise<Array<{ from: string; code: string }>> {
    return (await must().quarantine()).map((q) => ({ from: q.from, code: q.reason.code }));
  },
  stats: () => mesh()?.sessions().map((s) => ({ peer: s.remotePeer, ...s.stats })) ?? [],
  /** Stop syncing (a tablet cut off from the others), and start again. */
  offline(): void {
    sync?.stop();
    sync = undefined;
  },
  online(): void {
    if (sync === undefined) startSync();
  },
  async close(): Promise<void> {
    sync?.stop();
    sync = undefined;
    await journal?.close();
    journal = undefined;
  },

  /**
   * Play a misbehaving peer: on its first connection it sends hello, an unbalanced
   * (validly signed) entry and then a garbage frame; on the next, an oversized frame.
   * Resolves at once; `evilAttempts()` says how far it got.
   */
  evil(o: Omit<OpenOptions, 'peer' | 'storage'>): void {
    const unbalanced = makeDevEntry({
      nonce: 'evil-unbalanced-00001',
      book: o.book as BookId,
      kind: 'txn',
      peer: 'EVIL' as PeerId,
      seq: 1,
      prev: null,
      hlc: formatHlc(Date.UTC(2025, 2, 1, 9), 0),
      date: businessDateFromUtcMs(Date.UTC(2025, 2, 1, 9), 0),
      body: { postings: [{ account: 'Assets:Cash', amount: 1000 }, { account: 'Income:Sales', amount: -999 }] },
    });
    const scripted = {
      connect(transport: { send(b: Uint8Array): void }) {
        const attempt = ++evilAttempt;
        const hello = encodeFrame({ type: 'hello', book: o.book, peer: 'EVIL', credit: 64 });
        const script =
          attempt === 1
            ? [hello, encodeFrame({ type: 'entries', want: 0, end: false, items: [encodeEntry(unbalanced)] }), Uint8Array.of(FRAME_VERSION, 0x63, 1, 2, 3)]
            : [hello, new Uint8Array(syncLimits.frameBytesMax + 4096).fill(FRAME_VERSION)];
        // Give the honest side a moment to read each one.
        script.forEach((bytes, i) => setTimeout(() => {
          try {
            transport.send(bytes);
          } catch {
            // Cut off already.
          }
        }, 200 * (i + 1)));
        return { session: { close: () => undefined }, receive: () => undefined, closed: () => undefined };
      },
    } as unknown as Mesh;
    startWebrtcSync({ mesh: scripted, room: `daybook:${o.book}`, secret: o.secret, signaling: o.signaling, clock: () => Date.now(), random: Math.random });
  },
  evilAttempts: (): number => evilAttempt,

  /** Baseline: y-webrtc's own document sync, the writer side. Writes `count` entry texts in transactions of `perTransaction`. */
  baselineWriter(o: { room: string; signaling: string[]; count: number; perTransaction: number; startAfterPeers: number }): Promise<void> {
    return baseline(o, async (map, doc) => {
      const entries = chain('BASE', 'W1', 1, o.count, null).map(encodeEntry);
      for (let i = 0; i < entries.length; i += o.perTransaction) {
        doc.transact(() => {
          for (const text of entries.slice(i, i + o.perTransaction)) map.set(sha256Hex(text), text);
        });
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    });
  },
  /** Baseline reader: resolves to the ms from joining until the map holds `count` entries (-1 on timeout). */
  async baselineReader(o: { room: string; signaling: string[]; count: number; timeoutMs: number }): Promise<number> {
    const doc = new Y.Doc();
    const map = doc.getMap<string>('entries');
    const start = performance.now();
    const provider = new WebrtcProvider(o.room, doc, { signaling: o.signaling, peerOpts: { config: { iceServers: [] } } });
    while (performance.now() - start < o.timeoutMs && map.size < o.count) await new Promise((resolve) => setTimeout(resolve, 20));
    const took = map.size >= o.count ? performance.now() - start : -1;
    provider.destroy();
    return took;
  },
};

const baselineProviders: WebrtcProvider[] = [];
async function baseline(
  o: { room: string; signaling: string[]; startAfterPeers: number },
  write: (map: Y.Map<string>, doc: Y.Doc) => Promise<void>,
): Promise<void> {
  const doc = new Y.Doc();
  const map = doc.getMap<string>('entries');
  const provider = new WebrtcProvider(o.room, doc, { signaling: o.signaling, peerOpts: { config: { iceServers: [] } } });
  baselineProviders.push(provider);
  if (o.startAfterPeers > 0) {
    while (provider.room === null || [...provider.room.webrtcConns.values()].filter((c) => c.connected).length < o.startAfterPeers) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await write(map, doc);
}

declare global {
  interface Window {
    syncTablet: typeof api;
  }
}

window.syncTablet = api;
document.title = 'sync harness ready';
