/**
 * The hub over real sockets on 127.0.0.1 (journals in memory here; the CLI test runs
 * it on PGlite): health, the read API against the query store of the same entries,
 * the borders (bad JSON, oversized bodies, refused and duplicate entries, unknown
 * books, bad parameters, garbage WebSocket frames), each followed by another
 * client's request that must still succeed, sync of a tablet over /sync/<book>, the
 * signaling relay on /signaling, and a graceful shutdown that finishes an import.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { makeDevEntry } from '../core/entry.ts';
import { device } from '../core/testing/build.ts';
import type { Entry, PeerId } from '../core/types.ts';
import { devSigner, devVerifier } from '../core/entry.ts';
import { createMemoryStore, openMemoryJournal } from '../journal/memory-journal.ts';
import type { Journal } from '../journal/journal.ts';
import { QueryStore } from '../query/index.ts';
import { createMesh } from '../sync/mesh.ts';
import { dialWs } from '../sync/ws-transport.ts';
import { toJson } from './http-json.ts';
import type { JournalSource } from './books-source.ts';
import { hubLimits } from './config-limits.ts';
import { buildDemoStore, DEMO_STORE_BOOK } from './demo-store.ts';
import type { Hub } from './server.ts';
import { getJson, postJson, tabletJournal, testHub, until } from './server-testing.ts';

const BOOK = DEMO_STORE_BOOK;
const api = (path: string): string => `/api/books/${BOOK}${path}`;
/** JSON as the API writes it, read back: what an equal answer looks like. */
const asJson = (value: unknown): unknown => JSON.parse(toJson(value));

let hub: Hub & { lines: Array<Record<string, unknown>> };
let reference: QueryStore;

beforeAll(async () => {
  hub = await testHub();
  reference = new QueryStore();
  reference.load(buildDemoStore());
});
afterAll(async () => {
  await hub.close('test done');
});

/**
 * Joins by the demo book's owner (the manager), continuing its chain, so that new
 * devices' entries take effect: till-3 at the manager's next seq, tablet-7 after it.
 */
const joins = (() => {
  const demo = buildDemoStore();
  const last = demo.filter((e) => e.peer === 'manager').reduce((a, b) => (b.seq > a.seq ? b : a));
  const manager = device(BOOK, 'manager', Date.UTC(2025, 2, 14, 20));
  const till3 = manager.raw('join', { device: 'till-3' as PeerId, name: 'Till 3', key: '', roles: [] }, '2025-03-14T20:00:00', { seq: last.seq + 1, prev: last.id });
  const tablet7 = manager.raw('join', { device: 'tablet-7' as PeerId, name: 'Tablet 7', key: '', roles: [] }, '2025-03-14T20:01:00', { seq: last.seq + 2, prev: till3.id });
  return { till3, tablet7 };
})();

/** Another client's request, after an abuse: the hub must still answer it. */
async function stillServes(): Promise<void> {
  const { status, body } = await getJson(hub, api('/trial-balance?asOf=2025-03-14'));
  expect(status).toBe(200);
  expect(body.debitTotal).toBe(body.creditTotal);
}

async function entryCount(): Promise<number> {
  const { body } = await getJson(hub, '/api/books');
  return body.books.find((b: { book: string }) => b.book === BOOK).entries as number;
}

describe('health and books', () => {
  it('answers /health with the database kind, the books and the uptime', async () => {
    const { status, body } = await getJson(hub, '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, db: 'memory', books: 1, open: 1 });
    expect(typeof body.uptimeS).toBe('number');
  });

  it('lists the demo book with its name, currency and entry count', async () => {
    const { status, body } = await getJson(hub, '/api/books');
    expect(status).toBe(200);
    expect(body.books).toEqual([{ book: BOOK, open: true, entries: reference.size, name: 'Corner shop', currency: 'EUR', period: 'day' }]);
  });

  it('logs JSON lines with level, msg and book', () => {
    const opened = hub.lines.find((l) => l['msg'] === 'book opened');
    expect(opened).toMatchObject({ level: 'info', book: BOOK });
    expect(typeof opened?.['time']).toBe('string');
  });
});

describe('the read API equals the query store on the demo book', () => {
  it('balances and trial balance as of each day', async () => {
    for (const day of ['2025-03-09', '2025-03-10', '2025-03-12', '2025-03-14']) {
      const balances = await getJson(hub, api(`/balances?asOf=${day}`));
      expect(balances.status).toBe(200);
      expect(balances.body.balances).toEqual(asJson(reference.balancesAsOf(day)));
      const tb = await getJson(hub, api(`/trial-balance?asOf=${day}`));
      expect(tb.body).toEqual(asJson({ book: BOOK, ...reference.trialBalance(day) }));
    }
  });

  it('journal pages with filters, and a cursor that walks every row once', async () => {
    const filtered = await getJson(hub, api('/journal?from=2025-03-11&to=2025-03-12&kind=txn,negate&author=till-1&limit=5'));
    const expected = reference.search({ from: '2025-03-11', to: '2025-03-12', kinds: ['txn', 'negate'], author: 'till-1', limit: 5 });
    expect(filtered.body.total).toBe(expected.total);
    expect(filtered.body.rows).toEqual(asJson(expected.rows));
    const byText = await getJson(hub, api('/journal?text=cheese&min=500&max=600&account=Assets:Cash:Till-1'));
    expect(byText.body.rows).toEqual(asJson(reference.search({ memo: 'cheese', amount: { min: 500, max: 600 }, account: 'Assets:Cash:Till-1' }).rows));
    const seen: string[] = [];
    let cursor: string | undefined = '';
    while (cursor !== undefined) {
      const page = await getJson(hub, api(`/journal?limit=7${cursor === '' ? '' : `&cursor=${cursor}`}`));
      seen.push(...page.body.rows.map((r: { id: string }) => r.id));
      cursor = page.body.next;
    }
    expect(seen).toEqual(reference.search({ limit: 10_000 }).rows.map((r) => r.id));
  });

  it('periods with status, acks and digests', async () => {
    const { body } = await getJson(hub, api('/periods'));
    expect(body.periods).toEqual(asJson(reference.periods()));
    expect(body.periods.map((p: { status: string }) => p.status)).toEqual(['final', 'final', 'final', 'final']);
    expect(body.periods[0].digest).toMatch(/^[0-9a-f]{64}$/);
    expect(body.firstOpenPeriod).toBe(reference.firstOpenPeriod());
  });

  it('reconciliation: late, duplicate negations, held, quarantine counts', async () => {
    const { body } = await getJson(hub, api('/reconciliation'));
    expect(body.late).toEqual(asJson(reference.late()));
    expect(body.late).toHaveLength(1);
    expect(body.duplicateNegations).toEqual(asJson(reference.negations().filter((n) => n.duplicates.length > 0)));
    expect(body.duplicateNegations).toHaveLength(1);
    expect(body.held).toEqual([]);
    expect(body.summaries).toEqual(asJson(reference.summaries()));
    expect(body.quarantine).toEqual({ stored: expect.any(Number), refused: expect.any(Number) });
    expect(body.status).toBe('needs-review');
  });

  it('one entry with what became of it', async () => {
    const late = reference.late()[0]!;
    const { status, body } = await getJson(hub, api(`/entries/${late.id}`));
    expect(status).toBe(200);
    expect(body.entry.id).toBe(late.id);
    expect(body.info).toEqual(asJson(late));
    expect((await getJson(hub, api(`/entries/${'0'.repeat(64)}`))).status).toBe(404);
  });

  it('CSV export of the whole book and of one period', async () => {
    const res = await fetch(`${hub.url}${api('/export.csv')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toMatch(/^date,label_date,entry/);
    const day = await fetch(`${hub.url}${api('/export.csv?period=2025-03-11')}`);
    expect(day.status).toBe(200);
    expect((await day.text()).length).toBeLessThan(text.length);
    const bad = await getJson(hub, api('/export.csv?period=2025-03'));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/YYYY-MM-DD/);
  });
});

describe('bad input at the HTTP border', () => {
  it('unknown books, routes and methods', async () => {
    for (const path of ['/api/books/no-such-book/balances', '/api/books/no-such-book/journal']) {
      const { status, body } = await getJson(hub, path);
      expect(status).toBe(404);
      expect(body.error).toMatch(/no book "no-such-book"/);
    }
    expect((await postJson(hub, '/api/books/no-such-book/entries', [])).status).toBe(404);
    expect((await getJson(hub, '/api/books/bad%20id/balances')).status).toBe(400);
    expect((await getJson(hub, api('/nothing'))).status).toBe(404);
    expect((await postJson(hub, api('/balances'), {})).status).toBe(405);
    expect((await getJson(hub, '/api/books/%E0%A4%A/balances')).status).toBe(404);
    expect(hub.lines).toContainEqual(expect.objectContaining({ level: 'info', msg: 'request', method: 'GET', path: '/api/books/no-such-book/balances', status: 404 }));
    await stillServes();
  });

  it('bad query parameters: 400 with a reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/balances?asOf=2025-02-30', /asOf must be a day/],
      ['/balances?asOf=yesterday', /asOf must be a day/],
      ['/balances?when=2025-03-10', /unknown parameter "when"/],
      ['/trial-balance?asOf=2025-03-10&asOf=2025-03-11', /given twice/],
      ['/journal?limit=0', /limit must be/],
      ['/journal?limit=100000', /limit must be/],
      ['/journal?kind=sale', /kind "sale" is not one of/],
      ['/journal?min=-5', /min must be a whole number/],
      ['/journal?min=9&max=3', /min is larger than max/],
      ['/journal?from=2025-03-12&to=2025-03-11', /from is after to/],
      ['/journal?cursor=abc', /cursor/],
      ['/journal?status=lost', /status must be one of/],
    ];
    for (const [path, reason] of cases) {
      const { status, body } = await getJson(hub, api(path));
      expect([path, status]).toEqual([path, 400]);
      expect(body.error).toMatch(reason);
    }
    expect((await getJson(hub, `${api('/journal')}?text=${'x'.repeat(hubLimits.urlCharsMax)}`)).status).toBe(414);
    await stillServes();
  });

  it('malformed JSON, wrong shapes and wrong content types store nothing', async () => {
    const before = await entryCount();
    const cases: Array<[unknown, number, RegExp]> = [
      ['{"entries": [', 400, /not valid JSON/],
      ['', 400, /empty/],
      [{ entries: 'no' }, 400, /JSON array of entries/],
      [42, 400, /JSON array of entries/],
      [[], 400, /empty/],
    ];
    for (const [body, status, reason] of cases) {
      const answer = await postJson(hub, api('/entries'), body);
      expect(answer.status).toBe(status);
      expect(answer.body.error).toMatch(reason);
    }
    const text = await postJson(hub, api('/entries'), '[]', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(await entryCount()).toBe(before);
    await stillServes();
  });

  it('an oversized body is refused with 413 and stores nothing', async () => {
    const before = await entryCount();
    const huge = JSON.stringify([{ pad: 'x'.repeat(hubLimits.requestBodyBytesMax) }]);
    const answer = await postJson(hub, api('/entries'), huge);
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatch(/larger than 1048576 bytes/);
    const tooMany = await postJson(hub, api('/entries'), Array.from({ length: hubLimits.entriesPerPostMax + 1 }, () => 0));
    expect(tooMany.status).toBe(413);
    expect(await entryCount()).toBe(before);
    await stillServes();
  });

  it('an unbalanced entry is refused with its reason and quarantined; its valid neighbour is not stored either', async () => {
    const before = await entryCount();
    const quarantineBefore = (await getJson(hub, api('/reconciliation'))).body.quarantine.refused as number;
    const till = device(BOOK, 'till-9', Date.UTC(2025, 2, 14, 9));
    const good = till.txn('2025-03-14T09:00:00', [['Assets:Cash:Till-1', 100], ['Income:Sales', -100]], 'fine');
    const unbalanced = makeDevEntry({ ...good, seq: 2, prev: good.id, nonce: 'b'.repeat(21), body: { postings: [{ account: 'Assets:Cash:Till-1', amount: 100 }, { account: 'Income:Sales', amount: -99 }] } });
    const otherBook = device('another-book', 'till-9').txn('2025-03-14T09:00:00', [['Assets:Cash', 1], ['Income:Sales', -1]]);
    const answer = await postJson(hub, api('/entries'), [good, unbalanced, otherBook, { hello: 'world' }]);
    expect(answer.status).toBe(422);
    expect(answer.body.error).toBe('3 of 4 entries refused; nothing was stored');
    expect(answer.body.refused.map((r: { index: number }) => r.index)).toEqual([1, 2, 3]);
    expect(answer.body.refused[0].code).toBe('unbalanced');
    expect(answer.body.refused[1].code).toBe('wrong-book');
    expect(answer.body.refused[0].message).toMatch(/\w/);
    expect(await entryCount()).toBe(before);
    expect((await getJson(hub, api(`/entries/${good.id}`))).status).toBe(404);
    const after = (await getJson(hub, api('/reconciliation'))).body;
    expect(after.quarantine.refused).toBe(quarantineBefore + 3);
    await stillServes();
  });

  it('duplicate entries are counted, stored once: posting the same file twice changes nothing', async () => {
    const before = await entryCount();
    const entries = buildDemoStore().slice(0, 20);
    const answer = await postJson(hub, api('/entries'), { entries: [...entries, entries[0]] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 0, duplicates: 21 });
    expect(await entryCount()).toBe(before);
    await stillServes();
  });

  it('valid new entries are imported and the read API sees them at once', async () => {
    const till = device(BOOK, 'till-3', Date.UTC(2025, 2, 14, 15));
    const sale = till.txn('2025-03-14T15:00:00', [['Assets:Cash:Till-1', 250], ['Income:Sales', -210], ['Liabilities:VAT', -40]], 'Newspaper');
    const before = (await getJson(hub, api('/balances?asOf=2025-03-14'))).body.balances;
    const answer = await postJson(hub, api('/entries'), [joins.till3, sale]);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ accepted: 2, duplicates: 0, ids: [joins.till3.id, sale.id] });
    const after = (await getJson(hub, api('/balances?asOf=2025-03-14'))).body.balances;
    const cash = (rows: Array<{ account: string; amount: string }>): bigint => BigInt(rows.find((r) => r.account === 'Assets:Cash:Till-1')?.amount ?? '0');
    expect(cash(after) - cash(before)).toBe(250n);
    expect((await postJson(hub, api('/entries'), [sale])).body).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('a broken HTTP request gets 400 and the hub keeps serving', async () => {
    const reply = await new Promise<string>((resolve) => {
      const socket = connect(hub.port, '127.0.0.1', () => socket.write('GARBAGE \x00\x01 HTTP/9\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    await stillServes();
  });
});

describe('WebSocket borders', () => {
  const open = (path: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${hub.url.replace('http', 'ws')}${path}`);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const closed = (ws: WebSocket): Promise<{ code: number; reason: string }> =>
    new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));

  it('a text message on /sync cuts the connection with 1003', async () => {
    const ws = await open(`/sync/${BOOK}`);
    const end = closed(ws);
    ws.send('hello, is this the hub?');
    expect((await end).code).toBe(1003);
    await stillServes();
  });

  it('garbage binary frames on /sync cut the connection with a reason', async () => {
    const ws = await open(`/sync/${BOOK}`);
    const end = closed(ws);
    ws.send(Buffer.from([0xd1, 0xff, 0xff, 0xff, 0x00, 0x13, 0x37]));
    ws.send(Buffer.from('definitely not a frame'));
    const { code } = await end;
    expect(code).toBeGreaterThanOrEqual(1000);
    expect(code).not.toBe(1006);
    await stillServes();
  });

  it('a frame far over the limit is refused by ws itself (1009)', async () => {
    const ws = await open(`/sync/${BOOK}`);
    const end = closed(ws);
    ws.send(Buffer.alloc(1024 * 1024, 7));
    expect((await end).code).toBe(1009);
    await stillServes();
  });

  it('an unknown path or a bad book id is refused before any WebSocket byte', async () => {
    await expect(open('/nowhere')).rejects.toThrow(/404/);
    await expect(open('/sync/bad%20book')).rejects.toThrow(/400/);
    await stillServes();
  });

  it('garbage on /signaling cuts that client only; the relay keeps relaying', async () => {
    const bad = await open('/signaling');
    const end = closed(bad);
    bad.send('{not json');
    expect((await end).code).toBe(1008);
    const a = await open('/signaling');
    const b = await open('/signaling');
    a.send(JSON.stringify({ type: 'subscribe', topics: ['room-1'] }));
    b.send(JSON.stringify({ type: 'subscribe', topics: ['room-1'] }));
    await until(() => true);
    const heard = new Promise<unknown>((resolve) => b.on('message', (m: Buffer) => resolve(JSON.parse(m.toString()))));
    await new Promise((r) => setTimeout(r, 50));
    a.send(JSON.stringify({ type: 'publish', topic: 'room-1', data: { hi: 1 } }));
    expect(await heard).toEqual({ type: 'publish', topic: 'room-1', data: { hi: 1 }, clients: 2 });
    a.close();
    b.close();
    await stillServes();
  });
});

describe('sync with a tablet over /sync/<book>', () => {
  it('the tablet catches up on the whole book and its own sale reaches the hub', async () => {
    expect((await postJson(hub, api('/entries'), [joins.tablet7])).body.accepted).toBe(1);
    const journal = tabletJournal(BOOK, 'tablet-7');
    const sale = await journal.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash:Till-1', amount: 350 }, { account: 'Income:Sales', amount: -350 }], memo: 'Bread' }, date: '2025-03-14T16:00:00' as Entry['date'] });
    const mesh = createMesh({ journal, clock: Date.now });
    const dial = dialWs({ mesh, url: `${hub.url.replace('http', 'ws')}/sync/${BOOK}`, WebSocket });
    try {
      const held = hub.books.opened().find((b) => b.book === BOOK)!;
      await until(async () => (await held.journal.get(sale.id)) !== undefined, 20_000, 'the sale on the hub');
      await until(async () => (await journal.count()) === (await held.journal.count()), 20_000, 'the catch-up on the tablet');
      expect(held.store.entry(sale.id)?.state.status).toBe('effective');
      expect((await getJson(hub, '/health')).body.sessions).toBeGreaterThanOrEqual(1);
    } finally {
      dial.close();
      mesh.close();
    }
  });

  it('a sync to a new book creates it on the hub', async () => {
    const journal = tabletJournal('new-store', 'tablet-1');
    const first = await journal.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 1 }, { account: 'Income:Sales', amount: -1 }] }, date: '2025-03-14T16:00:00' as Entry['date'] });
    const mesh = createMesh({ journal, clock: Date.now });
    const dial = dialWs({ mesh, url: `${hub.url.replace('http', 'ws')}/sync/new-store`, WebSocket });
    try {
      await until(async () => (await getJson(hub, `/api/books/new-store/entries/${first.id}`)).status === 200, 20_000, 'the new book');
    } finally {
      dial.close();
      mesh.close();
    }
  });
});

describe('graceful shutdown', () => {
  it('says bye to every sync peer before it stops', async () => {
    const stopping = await testHub();
    const journal = tabletJournal(BOOK, 'tablet-9');
    const mesh = createMesh({ journal, clock: Date.now });
    const byes: Array<[string, string]> = [];
    const dial = dialWs({ mesh, url: `${stopping.url.replace('http', 'ws')}/sync/${BOOK}`, WebSocket, onSessionClose: (code, reason) => void byes.push([code, reason]) });
    try {
      await until(() => mesh.sessions().some((s) => s.state === 'open'), 20_000, 'the session');
      await stopping.close('test');
      await until(() => byes.length > 0, 10_000, 'the bye');
      expect(byes[0]).toEqual(['shutdown', 'the hub is shutting down']);
    } finally {
      dial.close();
      mesh.close();
    }
  });

  it('finishes an import in flight, then stops accepting, then exits cleanly', async () => {
    const store = createMemoryStore();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let ingestStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (ingestStarted = resolve));
    const deps = { book: BOOK, peer: 'hub-test' as PeerId, signer: devSigner, verify: devVerifier, clock: Date.now, nonce: () => 'n'.repeat(21) };
    const slow: JournalSource = {
      kind: 'memory',
      listBooks: async () => [BOOK],
      open: async () => {
        const journal: Journal = openMemoryJournal(deps, store);
        return {
          ...journal,
          book: journal.book,
          peer: journal.peer,
          drafts: journal.drafts,
          ingest: async (inputs, from) => {
            ingestStarted();
            await gate;
            return journal.ingest(inputs, from);
          },
        };
      },
      close: async () => undefined,
    };
    const stopping = await testHub({ source: slow, demo: false });
    const entries = buildDemoStore();
    const posting = postJson(stopping, api('/entries'), entries);
    await started;
    const closed = stopping.close('test');
    // Stopped accepting: a new request is refused (or the connection is) while the import waits.
    const late = await fetch(`${stopping.url}/health`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(late);
    release();
    const answer = await posting;
    expect(answer.status).toBe(200);
    expect(answer.body.accepted).toBe(entries.length);
    await closed;
    expect(store.texts.length).toBe(entries.length);
    expect(stopping.lines.map((l) => l['msg'])).toContain('hub stopped');
  });
});
