/**
 * Upload of an outage: the time for a store hub holding 10k entries the cloud hub
 * lacks to bring the cloud up to date (src/hub/upstream.ts), both hubs in this
 * process, each on its own PGlite, over real WebSocket sockets on 127.0.0.1; timed
 * from the upstream's start to the cloud's journal holding every entry. Beside it,
 * in the same run:
 *   - the raw time to send the same canonical entry bytes over one ws socket, in
 *     16 KiB binary messages, with no protocol, no validation and no storage (the
 *     floor the network and `ws` give);
 *   - the time for the cloud's journal alone to ingest the same entries in batches of
 *     2000 (validation and SQL: the floor storage gives);
 *   - the same upload between two hubs on memory journals (sync, validation and the
 *     hubs' query stores, no SQL).
 *
 *   npx tsx --expose-gc bench/hub-upload.bench.ts   (alone)
 *   npm run bench -- hub-upload                      (through the runner)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeEntry } from '../src/core/entry.ts';
import type { BookId, Entry } from '../src/core/types.ts';
import { devEntry, peerChain, START_MS } from '../src/journal/conformance-kit.ts';
import { createBooks } from '../src/hub/books.ts';
import { memorySource, sqlSource, type JournalSource } from '../src/hub/books-source.ts';
import { openDatabase } from '../src/hub/db.ts';
import { silentLog } from '../src/hub/log.ts';
import { startUpstream, upstreamBooksOf } from '../src/hub/upstream.ts';
import { startSyncHub, until } from '../src/hub/upstream-testing.ts';
import { heading, median, report, type Measured } from './lib.ts';

const BOOK = 'B1';
const COUNT = Number(process.env['HUB_UPLOAD_COUNT'] ?? 10_000);
const RUNS = 3;
const clock = (): number => Date.now();

/**
 * A store's outage: the book's genesis and two tills enrolled (so the hubs' query
 * stores take the entries on their fast path, as in a real store), then the tills'
 * sales. COUNT entries in all.
 */
function outage(): Entry[] {
  const atMs = START_MS - 7_200_000;
  const book = devEntry('book', 'O1', 1, { name: 'Corner shop', currency: 'EUR', timezone: 'Europe/Paris', period: 'month', windowDays: 28 }, null, atMs);
  const join1 = devEntry('join', 'O1', 2, { device: 'T1', name: 'Till 1', key: '', roles: [] }, book.id, atMs + 1000);
  const join2 = devEntry('join', 'O1', 3, { device: 'T2', name: 'Till 2', key: '', roles: [] }, join1.id, atMs + 2000);
  const sales = COUNT - 3;
  return [book, join1, join2, ...peerChain('T1', Math.floor(sales * 0.6)), ...peerChain('T2', sales - Math.floor(sales * 0.6))];
}

/** One upload: a store hub holding `entries`, a fresh cloud hub, timed from dial to the last entry stored. */
async function upload(entries: readonly Entry[], storage: 'pglite' | 'memory'): Promise<{ ms: number; duplicates: number }> {
  const source = async (): Promise<JournalSource> => (storage === 'memory' ? memorySource({ clock }) : sqlSource(await openDatabase({}), { clock }));
  const store = createBooks({ source: await source(), clock, log: silentLog });
  const opened = await store.open(BOOK, { create: true });
  if (!opened.ok) throw new Error(opened.reason);
  for (let i = 0; i < entries.length; i += 2000) await opened.book.journal.ingest(entries.slice(i, i + 2000), 'tablet');
  const cloud = await startSyncHub(await source());
  const cloudBook = await cloud.books.open(BOOK, { create: true });
  if (!cloudBook.ok) throw new Error(cloudBook.reason);
  let stored = 0;
  cloudBook.book.journal.onEntries((added) => (stored += added.length));
  globalThis.gc?.();
  const start = performance.now();
  const up = startUpstream({ books: upstreamBooksOf(store), url: cloud.url, WebSocket });
  await until(() => stored >= entries.length, 'the upload', 600_000);
  const ms = performance.now() - start;
  const duplicates = cloudBook.book.mesh.sessions().reduce((n, s) => n + s.stats.duplicates, 0);
  if ((await cloudBook.book.journal.count()) !== entries.length) throw new Error('the cloud does not hold every entry once');
  up.close();
  await cloud.close();
  await store.close();
  return { ms, duplicates };
}

/** The same canonical bytes over one ws socket in 16 KiB messages, timed until the server has them all. */
async function rawSocket(entries: readonly Entry[]): Promise<number> {
  const messages: Uint8Array[] = [];
  let current: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    messages.push(new TextEncoder().encode(current.join('\n')));
    current = [];
    size = 0;
  };
  for (const e of entries) {
    const text = encodeEntry(e);
    if (size + text.length + 1 > 16 * 1024) flush();
    current.push(text);
    size += text.length + 1;
  }
  flush();
  const total = messages.reduce((n, m) => n + m.byteLength, 0);
  const server = createServer();
  const wss = new WebSocketServer({ server });
  let received = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  wss.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      received += data.byteLength;
      if (received >= total) done();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await new Promise((resolve) => client.once('open', resolve));
  const start = performance.now();
  for (const m of messages) client.send(m);
  await all;
  const ms = performance.now() - start;
  client.terminate();
  await new Promise((resolve) => wss.close(resolve));
  await new Promise((resolve) => server.close(resolve));
  return ms;
}

/** The cloud's journal alone ingesting the entries (fresh PGlite), in batches of 2000. */
async function ingestAlone(entries: readonly Entry[]): Promise<number> {
  const source = await sqlSource(await openDatabase({}), { clock });
  const journal = await source.open(BOOK as BookId);
  const start = performance.now();
  for (let i = 0; i < entries.length; i += 2000) await journal.ingest(entries.slice(i, i + 2000), 'bench');
  const ms = performance.now() - start;
  await journal.close();
  await source.close();
  return ms;
}

export async function run(): Promise<void> {
  heading(`upload of a ${COUNT}-entry outage, store hub to cloud hub (PGlite each, real sockets on 127.0.0.1)`);
  const entries = outage();
  const raw: number[] = [];
  const alone: number[] = [];
  const up: number[] = [];
  const upMemory: number[] = [];
  let duplicates = 0;
  for (let i = 0; i < RUNS; i++) {
    raw.push(await rawSocket(entries));
    alone.push(await ingestAlone(entries));
    const result = await upload(entries, 'pglite');
    up.push(result.ms);
    duplicates += result.duplicates;
    const inMemory = await upload(entries, 'memory');
    upMemory.push(inMemory.ms);
    duplicates += inMemory.duplicates;
    globalThis.gc?.();
  }
  const m = (name: string, times: number[]): Measured => ({ name, medianMs: median(times), runs: times.length, items: COUNT });
  const rawM = m('raw: the same bytes over one ws socket', raw);
  const aloneM = m('baseline: the cloud journal ingests them alone', alone);
  report(rawM);
  report(aloneM, rawM);
  const upM = m('upload: store hub → cloud hub (upstream.ts)', up);
  report(upM, rawM);
  report(upM, aloneM);
  report(m('upload, both hubs on memory journals', upMemory), rawM);
  console.log(`  duplicates received by the cloud over ${2 * RUNS} uploads: ${duplicates}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
