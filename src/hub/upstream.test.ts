import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { BookId, Entry } from '../core/types.ts';
import { peerChain } from '../journal/conformance-kit.ts';
import { localFrontier } from '../sync/held.ts';
import { syncLimits } from '../sync/limits.ts';
import { createBooks, type Books, type HubBook } from './books.ts';
import { memorySource, sqlSource, type JournalSource } from './books-source.ts';
import { openDatabase } from './db.ts';
import { silentLog } from './log.ts';
import { entriesNotCovered, startUpstream, syncUrlOf, upstreamBooksOf, type Upstream } from './upstream.ts';
import { startSyncHub, until, type SyncHub } from './upstream-testing.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function storeHub(source: JournalSource = memorySource({ clock: () => Date.now() })): Books {
  const books = createBooks({ source, clock: () => Date.now(), log: silentLog });
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= books.close());
  cleanups.push(close);
  return { ...books, close };
}

async function mustOpen(books: Books, book: string): Promise<HubBook> {
  const opened = await books.open(book, { create: true });
  if (!opened.ok) throw new Error(opened.reason);
  return opened.book;
}

async function cloudHub(port = 0): Promise<SyncHub> {
  const hub = await startSyncHub(memorySource({ clock: () => Date.now() }), port, 100);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => (closed ??= hub.close());
  cleanups.push(close);
  return { ...hub, close };
}

function upstream(books: Books, url: string): Upstream {
  const up = startUpstream({ books: upstreamBooksOf(books), url, WebSocket, random: () => 0.5 });
  cleanups.push(() => up.close());
  return up;
}

async function post(book: HubBook, entries: Entry[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 2000) await book.journal.ingest(entries.slice(i, i + 2000), 'tablet');
}

/** Ids the journal adds from now on, in order (every id must appear once). */
function recordAdded(book: HubBook): string[] {
  const added: string[] = [];
  book.journal.onEntries((entries) => added.push(...entries.map((e) => e.id)));
  return added;
}

describe('syncUrlOf', () => {
  it('maps http(s) to ws(s) and appends /sync/<book>', () => {
    expect(syncUrlOf('http://cloud:8080', 'corner-shop')).toBe('ws://cloud:8080/sync/corner-shop');
    expect(syncUrlOf('https://cloud.example/daybook/', 'b')).toBe('wss://cloud.example/daybook/sync/b');
    expect(syncUrlOf('ws://127.0.0.1:1', 'a b')).toBe('ws://127.0.0.1:1/sync/a%20b');
    expect(syncUrlOf('ftp://x', 'b')).toBeUndefined();
    expect(syncUrlOf('not a url', 'b')).toBeUndefined();
  });
});

describe('entriesNotCovered', () => {
  it('counts (author, seq) held here and not in the remote frontier', () => {
    const local = [{ peer: 'A', contiguous: 10, highest: 15, gaps: [[12, 13]] as Array<[number, number]> }, { peer: 'B', contiguous: 3, highest: 3, gaps: [] }];
    const remote = [{ peer: 'A', contiguous: 8, highest: 8, gaps: [] }];
    // A: 9, 10, 11, 14, 15 (5); B: 1-3 (3).
    expect(entriesNotCovered(local, remote)).toBe(8);
    expect(entriesNotCovered(local, local)).toBe(0);
  });
});

describe('upstream: a store hub syncs every book with the cloud hub', () => {
  it('uploads while the cloud was unreachable, then up and down once it comes up, new books included', async () => {
    const store = storeHub();
    const shop = await mustOpen(store, 'shop-1');
    await post(shop, peerChain('T1', 300, { book: 'shop-1' }));
    // A port with nothing on it: the cloud is down.
    const probe = await startSyncHub(memorySource({ clock: () => Date.now() }));
    const port = probe.port;
    await probe.close();
    const up = upstream(store, `http://127.0.0.1:${port}`);
    await until(() => up.status().length === 1, 'the book to be dialed');
    await new Promise((r) => setTimeout(r, 300));
    expect(up.status()[0]).toMatchObject({ book: 'shop-1', connected: false, waiting: undefined, lastSyncedMs: undefined });
    await post(shop, peerChain('T2', 200, { book: 'shop-1' }));

    const cloud = await cloudHub(port);
    await until(() => up.status()[0]!.waiting === 0, 'the cloud to hold every entry', 20_000);
    const cloudShop = await mustOpen(cloud.books, 'shop-1');
    expect(await cloudShop.journal.count()).toBe(500);
    expect(up.status()[0]).toMatchObject({ connected: true, waiting: 0 });
    expect(up.status()[0]!.lastSyncedMs).toBeGreaterThan(0);
    expect(up.status()[0]!.cloudPeer).toBe(cloudShop.journal.peer);

    // Down: an entry a tablet posted to the cloud directly reaches the store hub.
    await post(cloudShop, peerChain('T9', 3, { book: 'shop-1' }));
    await until(async () => (await shop.journal.count()) === 503, 'the store to receive the cloud’s entries');

    // A book that appears later is picked up by the next scan.
    const other = await mustOpen(store, 'shop-2');
    await post(other, peerChain('T1', 5, { book: 'shop-2' }));
    await up.scan();
    await until(() => up.status().length === 2 && up.status()[1]!.waiting === 0, 'the second book to be synced');
    expect(await (await mustOpen(cloud.books, 'shop-2')).journal.count()).toBe(5);

    // The cloud goes away again: what the store hub holds beyond the cloud's last word piles up as waiting.
    const syncedAt = up.status()[0]!.lastSyncedMs!;
    await cloud.close();
    await until(() => !up.status()[0]!.connected, 'the upstream to notice');
    await post(shop, peerChain('T3', 7, { book: 'shop-1' }));
    await up.refresh();
    expect(up.status()[0]).toMatchObject({ connected: false, waiting: 7 });
    expect(up.status()[0]!.lastSyncedMs).toBeGreaterThanOrEqual(syncedAt);
  });

  it('a 10k-entry outage cut mid-upload, twice (sockets dropped, then the store hub restarted), PGlite on both hubs: every entry is stored once', async () => {
    const clock = (): number => Date.now();
    const storeDir = mkdtempSync(join(tmpdir(), 'daybook-upstream-'));
    cleanups.push(() => rmSync(storeDir, { recursive: true, force: true }));
    // The outage's entries go straight into the store hub's journal (faster than through its query store), then the hub starts on it.
    const source = await sqlSource(await openDatabase({ dataDir: storeDir }), { clock });
    const seeded = await source.open('shop-1' as BookId);
    const outage = [...peerChain('T1', 6000, { book: 'shop-1' }), ...peerChain('T2', 4000, { book: 'shop-1' })];
    for (let i = 0; i < outage.length; i += 2000) await seeded.ingest(outage.slice(i, i + 2000), 'tablet');
    await seeded.close();
    let store = storeHub(source);
    const shop = await mustOpen(store, 'shop-1');
    const cloudDb = await openDatabase({});
    const cloud = await startSyncHub(await sqlSource(cloudDb, { clock }), 0, 100);
    cleanups.push(() => cloud.close());
    const cloudShop = await mustOpen(cloud.books, 'shop-1');
    const added = recordAdded(cloudShop);

    let up = upstream(store, cloud.url);
    // 1. The connection drops (the cloud side's sockets are cut) part-way.
    await until(() => added.length >= 2000, 'part of the upload');
    cloud.terminateSockets();
    const afterCut = added.length;
    // 2. The store hub stops part-way through the rest (no bye is waited for), and starts again on the same database.
    await until(() => added.length >= afterCut + 2000, 'more of the upload');
    up.close();
    await store.close();
    const beforeRestart = added.length;
    expect(beforeRestart).toBeLessThan(10_000);
    store = storeHub(await sqlSource(await openDatabase({ dataDir: storeDir }), { clock }));
    const again = await mustOpen(store, 'shop-1');
    expect(again.journal.peer).toBe(shop.journal.peer);
    expect(await again.journal.count()).toBe(10_000);
    up = upstream(store, cloud.url);

    await until(() => up.status()[0]?.waiting === 0, 'the upload to finish', 90_000);
    expect(added.length).toBe(10_000);
    expect(new Set(added).size).toBe(10_000);
    const { rows } = await cloudDb.query<{ rows: string; ids: string }>(`SELECT count(*)::text AS rows, count(DISTINCT id)::text AS ids FROM ${cloudDb.tables.entries} WHERE book = 'shop-1'`);
    expect(rows[0]).toEqual({ rows: '10000', ids: '10000' });
    expect(await localFrontier(cloudShop.journal)).toEqual(await localFrontier(again.journal));
    // Resumed, not restarted: the last session carried about what was missing (plus at most a credit window in flight), not all 10k again.
    const last = cloudShop.mesh.sessions().find((s) => s.remotePeer === again.journal.peer)!;
    expect(last.stats.entriesIn).toBeLessThan(10_000 - beforeRestart + syncLimits.creditWindowFrames * syncLimits.entriesPerFrameMax);
    console.log(`upstream resume: ${afterCut} entries before the cut, ${beforeRestart} before the restart, the last session received ${last.stats.entriesIn} (${last.stats.duplicates} duplicates)`);
  }, 300_000);
});
