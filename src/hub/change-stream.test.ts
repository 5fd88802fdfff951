/**
 * The change stream against the real NATS JetStream at 127.0.0.1:4222
 * (DAYBOOK_TEST_NATS_URL overrides). Each test uses its own stream and subject
 * prefix and deletes the stream after. Outages are made with a TCP proxy this test
 * owns: it starts closed (NATS "down"), opens, and cuts every connection.
 *
 * Without NATS the tests fail under CI (process.env.CI set) and are skipped
 * elsewhere, with the reason in their names.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryIdOf } from '../core/entry.ts';
import type { BookId, Entry } from '../core/types.ts';
import { sale, testDeps } from '../journal/conformance-kit.ts';
import type { Journal } from '../journal/journal.ts';
import { createMemoryStore, openMemoryJournal } from '../journal/memory-journal.ts';
import { startChangeStream, subjectOf, type ChangeStream } from './change-stream.ts';

const URL = process.env['DAYBOOK_TEST_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const CI = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false';
const BOOK = 'store-7.main' as BookId;
const [natsHost, natsPort] = (() => {
  const u = new globalThis.URL(URL.replace(/^nats:/, 'http:'));
  return [u.hostname, Number(u.port || 4222)] as const;
})();

async function reachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: natsHost, port: natsPort }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

const available = await reachable();
const nit = available || CI ? it : (name: string, fn: () => Promise<void>): void => it.skip(`${name} (skipped: no NATS at ${URL}; under CI this fails)`, fn);

let nc: NatsConnection | undefined;
const streams: string[] = [];
let run = 0;

beforeAll(async () => {
  if (available || CI) nc = await connect({ servers: URL });
});

afterAll(async () => {
  if (nc === undefined) return;
  const jsm = await jetstreamManager(nc);
  for (const name of streams) await jsm.streams.delete(name).catch(() => false);
  await nc.close();
});

/** A fresh stream name and subject prefix for one test. */
function names(): { stream: string; subjectPrefix: string } {
  const tag = `${process.pid}x${Date.now().toString(36)}x${run++}`;
  const stream = `DAYBOOK_TEST_${tag}`;
  streams.push(stream);
  return { stream, subjectPrefix: `daybooktest${tag}.entries` };
}

function journal(): Journal {
  return openMemoryJournal(testDeps({ book: BOOK }), createMemoryStore());
}

async function append(j: Journal, n: number, from = 1): Promise<Entry[]> {
  const out: Entry[] = [];
  for (let k = 0; k < n; k++) out.push(await j.append(sale(from + k)));
  return out;
}

/** Every message on `book`'s subject: its Nats-Msg-Id and the entry it carries. */
async function messages(stream: string, subjectPrefix: string): Promise<Array<{ msgId: string; entry: Entry }>> {
  const js = jetstream(nc!);
  const jsm = await jetstreamManager(nc!);
  const subject = subjectOf(subjectPrefix, BOOK);
  const info = await jsm.streams.info(stream, { subjects_filter: subject });
  const total = info.state.subjects?.[subject] ?? 0;
  const out: Array<{ msgId: string; entry: Entry }> = [];
  if (total === 0) return out;
  const consumer = await js.consumers.get(stream, { filter_subjects: subject });
  const iter = await consumer.consume();
  for await (const m of iter) {
    out.push({ msgId: m.headers?.get('Nats-Msg-Id') ?? '', entry: m.json<Entry>() });
    if (out.length >= total) break;
  }
  await iter.close();
  return out;
}

function expectOnePerEntry(got: Array<{ msgId: string; entry: Entry }>, entries: Entry[]): void {
  const ids = got.map((m) => m.msgId).sort();
  expect(ids).toEqual(entries.map((e) => e.id).sort());
  for (const m of got) {
    expect(m.entry.id).toBe(m.msgId);
    // The payload is the entry itself: its id is the hash of what was published.
    const { id: _id, ...rest } = m.entry;
    expect(entryIdOf(rest)).toBe(m.msgId);
  }
}

/** A TCP proxy to NATS that the test opens and shuts: NATS "goes down" and "comes back". */
function proxy(): { port: number; open: () => Promise<void>; shut: () => Promise<void> } {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  return {
    port,
    open: () =>
      new Promise((resolve) => {
        server = createServer((client) => {
          const upstream = createConnection({ host: natsHost, port: natsPort });
          for (const s of [client, upstream]) {
            sockets.add(s);
            s.on('error', () => undefined);
            s.on('close', () => sockets.delete(s));
          }
          client.pipe(upstream).pipe(client);
        });
        server.listen(port, '127.0.0.1', resolve);
      }),
    shut: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        if (server === undefined) return resolve();
        server.close(() => resolve());
        server = undefined;
      }),
  };
}

describe('change stream on real NATS JetStream', () => {
  nit('two hubs publishing the same journal, then a restart: exactly one message per entry, ids equal', async () => {
    const { stream, subjectPrefix } = names();
    const j = journal();
    const entries = await append(j, 40);
    const hubs: ChangeStream[] = [startChangeStream({ url: URL, stream, subjectPrefix }), startChangeStream({ url: URL, stream, subjectPrefix })];
    for (const hub of hubs) hub.attach(BOOK, j);
    entries.push(...(await append(j, 10, 100)));
    for (const hub of hubs) expect(await hub.flush()).toBe(true);
    const [a, b] = hubs.map((h) => h.stats());
    // Every entry was published by at least one of them; what both sent, JetStream kept once.
    expect(a!.published + b!.published).toBe(entries.length);
    await Promise.all(hubs.map((h) => h.close()));

    // A restarted hub reads what the stream holds and publishes nothing again.
    const again = startChangeStream({ url: URL, stream, subjectPrefix });
    again.attach(BOOK, j);
    expect(await again.flush()).toBe(true);
    expect(again.stats()).toMatchObject({ published: 0, duplicates: 0, scans: 1 });
    await again.close();
    expectOnePerEntry(await messages(stream, subjectPrefix), entries);
  });

  nit('NATS down: appends never wait, the queue is bounded, and the backlog goes out once NATS is back', async () => {
    const { stream, subjectPrefix } = names();
    const gate = proxy();
    const j = journal();
    const hub = startChangeStream({ url: `nats://127.0.0.1:${gate.port}`, stream, subjectPrefix, limits: { queueMax: 10, retryMaxMs: 300 } });
    hub.attach(BOOK, j);
    const started = performance.now();
    const entries = await append(j, 30);
    // Thirty appends with NATS unreachable: no publish stands between an append and its answer.
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(hub.stats()).toMatchObject({ connected: false, queued: 10, overflowed: 20, published: 0 });

    await gate.open();
    expect(await hub.flush()).toBe(true);
    expect(hub.stats()).toMatchObject({ connected: true, queued: 0, published: 30 });

    // Cut every connection: the client reconnects through the reopened proxy, and what was appended meanwhile goes out.
    await gate.shut();
    entries.push(...(await append(j, 15, 100)));
    await gate.open();
    expect(await hub.flush()).toBe(true);
    await hub.close();
    await gate.shut();
    expect(hub.stats().published).toBe(45);
    expectOnePerEntry(await messages(stream, subjectPrefix), entries);
  });

  nit('a stream deleted under a running hub is made again, and new entries flow into it', async () => {
    const { stream, subjectPrefix } = names();
    const j = journal();
    const hub = startChangeStream({ url: URL, stream, subjectPrefix, limits: { retryMaxMs: 300 } });
    hub.attach(BOOK, j);
    await append(j, 3);
    expect(await hub.flush()).toBe(true);
    await (await jetstreamManager(nc!)).streams.delete(stream);
    const later = await append(j, 5, 100);
    expect(await hub.flush()).toBe(true);
    await hub.close();
    expectOnePerEntry(await messages(stream, subjectPrefix), later);
  });

  it('names one subject token per book, whatever dots the id holds', () => {
    expect(subjectOf('daybook.entries', 'store-7.main')).toBe('daybook.entries.store-7%2Emain');
    expect(subjectOf('daybook.entries', 'a:b')).toBe('daybook.entries.a:b');
  });

  it('close() returns promptly when NATS was never reachable', async () => {
    const hub = startChangeStream({ url: 'nats://127.0.0.1:1', limits: { retryMaxMs: 200 } });
    hub.attach(BOOK, journal());
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.stats().connected).toBe(false);
    const t = performance.now();
    await hub.close();
    expect(performance.now() - t).toBeLessThan(3_000);
  });
});
