/**
 * The hub's parts wired together over real sockets: a store hub syncing every book up
 * to a cloud hub (upstream), the outage report after a reconnection, the Beancount
 * and hledger exports, and the change stream to the machine's NATS JetStream.
 */
import { nanoid } from 'nanoid';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Entry } from '../core/types.ts';
import { createMesh } from '../sync/mesh.ts';
import { dialWs } from '../sync/ws-transport.ts';
import { buildDemoStore, DEMO_STORE_BOOK } from './demo-store.ts';
import type { Hub } from './server.ts';
import { getJson, postJson, tabletJournal, testHub, until } from './server-testing.ts';

const hubs: Hub[] = [];
async function hubFor(options: Parameters<typeof testHub>[0] = {}): Promise<Awaited<ReturnType<typeof testHub>>> {
  const hub = await testHub(options);
  hubs.push(hub);
  return hub;
}
afterAll(async () => {
  await Promise.all(hubs.map((h) => h.close()));
});

describe('upstream: a store hub syncs every book up to the cloud hub', () => {
  it('the cloud receives the demo book and a later import, exactly once, with the same trial balance', async () => {
    const cloud = await hubFor({ demo: false });
    const store = await hubFor({ config: { upstream: cloud.url } });
    await until(async () => (await getJson(cloud, `/api/books/${DEMO_STORE_BOOK}/journal?limit=1`)).body?.total === buildDemoStore().length, 30_000, 'the demo book on the cloud');
    const extra = await postJson(store, `/api/books/${DEMO_STORE_BOOK}/entries`, buildDemoStore().slice(0, 3));
    expect(extra.body.duplicates).toBe(3);
    const tb = (path: Hub): Promise<unknown> => getJson(path, `/api/books/${DEMO_STORE_BOOK}/trial-balance?asOf=2025-03-14`).then((r) => r.body);
    expect(await tb(cloud)).toEqual(await tb(store));
    const health = (await getJson(store, '/health')).body;
    expect(health.upstream).toMatchObject([{ book: DEMO_STORE_BOOK, state: 'open' }]);
    const cloudBook = cloud.books.opened().find((b) => b.book === DEMO_STORE_BOOK)!;
    expect(await cloudBook.journal.count()).toBe(buildDemoStore().length);
  });
});

describe('the outage report', () => {
  it('names each device with when it was last heard, and what arrived after a tablet reconnected', async () => {
    const hub = await hubFor({ demo: false });
    const journal = tabletJournal('outage-book', 'tablet-1');
    const date = '2025-03-14T10:00:00' as Entry['date'];
    for (let i = 0; i < 3; i++) await journal.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 100 + i }, { account: 'Income:Sales', amount: -100 - i }] }, date });
    const mesh = createMesh({ journal, clock: Date.now });
    const dial = dialWs({ mesh, url: `${hub.url.replace('http', 'ws')}/sync/outage-book`, WebSocket });
    try {
      await until(async () => (await getJson(hub, '/api/books/outage-book/journal')).body?.total === 3, 20_000, 'the entries on the hub');
      const { status, body } = await getJson(hub, '/api/books/outage-book/outage');
      expect(status).toBe(200);
      expect(body.book).toBe('outage-book');
      const device = body.devices.find((d: { peer: string }) => d.peer === 'tablet-1');
      expect(device).toMatchObject({ peer: 'tablet-1', entries: 3, highestSeq: 3 });
      expect(device.lastSessionMs).toBeGreaterThan(0);
      expect(body.arrivals.count).toBe(3);
      expect(body.arrivals.byDevice).toEqual({ 'tablet-1': 3 });
      expect(body.totals.entries).toBe(3);
    } finally {
      dial.close();
      mesh.close();
    }
  });
});

describe('exports', () => {
  it('serves Beancount and hledger journals with each final period and its digest', async () => {
    const hub = await hubFor();
    const periods = (await getJson(hub, `/api/books/${DEMO_STORE_BOOK}/periods`)).body.periods as Array<{ digest: string }>;
    for (const format of ['beancount', 'hledger']) {
      const res = await fetch(`${hub.url}/api/books/${DEMO_STORE_BOOK}/export.${format}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.headers.get('content-disposition')).toMatch(new RegExp(`corner-shop\\.(beancount|journal)"$`));
      const text = await res.text();
      for (const p of periods) expect(text).toContain(p.digest);
    }
    expect((await getJson(hub, `/api/books/${DEMO_STORE_BOOK}/export.pdf`)).status).toBe(404);
  });
});

describe('the change stream', () => {
  it('publishes every accepted entry to NATS JetStream (127.0.0.1:4222)', async () => {
    const hub = await hubFor({ config: { nats: process.env['DAYBOOK_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222' }, demo: false });
    const book = `wiring-${nanoid(8).replace(/[^A-Za-z0-9]/g, 'x')}`;
    const journal = tabletJournal(book, 'tablet-1');
    const entries: Entry[] = [];
    for (let i = 0; i < 5; i++) entries.push(await journal.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 1 }, { account: 'Income:Sales', amount: -1 }] }, date: '2025-03-14T10:00:00' as Entry['date'] }));
    // The book is new to the hub: a sync creates it, then an import adds to it.
    const mesh = createMesh({ journal, clock: Date.now });
    const dial = dialWs({ mesh, url: `${hub.url.replace('http', 'ws')}/sync/${book}`, WebSocket });
    try {
      await until(async () => {
        const stats = (await getJson(hub, '/health')).body.changeStream;
        return stats !== undefined && stats.published + stats.duplicates >= entries.length;
      }, 30_000, 'the entries published');
      expect((await getJson(hub, '/health')).body.changeStream).toMatchObject({ connected: true, books: 1 });
    } finally {
      dial.close();
      mesh.close();
    }
  });
});
