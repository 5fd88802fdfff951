import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { PeerId } from '../core/types.ts';
import { countingNonce, peerChain, sale, steppingClock, testDeps } from '../journal/conformance-kit.ts';
import type { Journal } from '../journal/journal.ts';
import { openMemoryJournal } from '../journal/memory-journal.ts';
import { encodeFrame } from './frame.ts';
import { localFrontier } from './held.ts';
import { syncLimits } from './limits.ts';
import { createMesh, type Mesh, type MeshLogLine } from './mesh.ts';
import { acceptWsConnection, backoffDelayMs, dialWs, wsCloseCodes, wsLimits, type WsDial, type WsLike } from './ws-transport.ts';

interface Device {
  journal: Journal;
  mesh: Mesh;
  logs: MeshLogLine[];
  /** Ids the journal added, in order: every id must appear once. */
  added: string[];
}

function device(peer: string): Device {
  const journal = openMemoryJournal(testDeps({ peer: peer as PeerId, clock: steppingClock(), nonce: countingNonce(peer) }));
  const logs: MeshLogLine[] = [];
  const added: string[] = [];
  journal.onEntries((entries) => added.push(...entries.map((e) => e.id)));
  return { journal, mesh: createMesh({ journal, clock: () => Date.now(), onLog: (l) => logs.push(l) }), logs, added };
}

interface Hub {
  url: string;
  server: Server;
  wss: WebSocketServer;
  sockets: Set<WebSocket>;
  close(): Promise<void>;
}

/** A WebSocket server on 127.0.0.1 that accepts every socket into `mesh` (what the hub does at /sync/<book>). */
async function hub(mesh: Mesh, port = 0): Promise<Hub> {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    acceptWsConnection(mesh, socket, 'ws-test');
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${bound}/sync/B1`,
    server,
    wss,
    sockets,
    close: async () => {
      for (const s of sockets) s.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function dial(d: Device, url: string, extra: Partial<Parameters<typeof dialWs>[0]> = {}): WsDial {
  const dialer = dialWs({ mesh: d.mesh, url, WebSocket, random: () => 0.5, ...extra });
  cleanups.push(() => dialer.close());
  return dialer;
}

describe('sync over WebSocket', () => {
  it('carries live entries both ways between two meshes over real sockets', async () => {
    const a = device('T1');
    const b = device('H1');
    const h = await hub(b.mesh);
    cleanups.push(() => h.close());
    const states: string[] = [];
    const dialer = dial(a, h.url, { onState: (s) => states.push(s) });
    await until(() => dialer.state() === 'open' && b.mesh.sessions().some((s) => s.state === 'open'));
    await a.journal.append(sale(100));
    await b.journal.append(sale(250));
    await until(async () => (await a.journal.count()) === 2 && (await b.journal.count()) === 2);
    expect(states).toEqual(['connecting', 'open']);
    expect(await localFrontier(a.journal)).toEqual(await localFrontier(b.journal));
  });

  it('resumes a 10k-entry catch-up cut mid-way: every entry arrives exactly once', async () => {
    const a = device('T1');
    const b = device('H1');
    const chains = [peerChain('T7', 6000), peerChain('T8', 4000)];
    for (const chain of chains) for (let i = 0; i < chain.length; i += 2000) await a.journal.ingest(chain.slice(i, i + 2000), 'file');
    const h = await hub(b.mesh);
    cleanups.push(() => h.close());
    let largest = 0;
    h.wss.on('connection', (socket) => socket.on('message', (data: Buffer) => (largest = Math.max(largest, data.byteLength))));
    const dialer = dial(a, h.url);
    // Cut the socket from the server side (as a crash would) once part of the catch-up arrived.
    await until(() => b.added.length >= 2000);
    const partial = b.added.length;
    for (const s of h.sockets) s.terminate();
    await until(() => dialer.opened >= 2 && dialer.state() === 'open');
    await until(() => b.added.length === 10_000);
    await until(() => a.mesh.idle() && b.mesh.idle());
    expect(partial).toBeLessThan(10_000);
    // One frame per message, never over the frame limit.
    expect(largest).toBeGreaterThan(8 * 1024);
    expect(largest).toBeLessThanOrEqual(syncLimits.frameBytesMax);
    expect(new Set(b.added).size).toBe(10_000);
    expect(b.added.length).toBe(10_000);
    expect(await b.journal.count()).toBe(10_000);
    expect(await localFrontier(b.journal)).toEqual(await localFrontier(a.journal));
    // The second session asked only for what was missing: it did not resend the first part.
    const second = b.mesh.sessions()[0]!;
    expect(second.stats.entriesIn).toBeLessThanOrEqual(10_000 - partial + syncLimits.creditWindowFrames * syncLimits.entriesPerFrameMax);
  });

  it('cuts off a peer that sends a text message, with a reason and close code 1003', async () => {
    const b = device('H1');
    const h = await hub(b.mesh);
    cleanups.push(() => h.close());
    const raw = new WebSocket(h.url);
    cleanups.push(() => raw.terminate());
    const closed = new Promise<{ code: number; reason: string }>((resolve) => raw.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise((r) => raw.on('open', r));
    raw.send('{"hello":"json"}');
    const { code, reason } = await closed;
    expect(code).toBe(wsCloseCodes.unsupportedData);
    expect(reason).toMatch(/binary frames only/);
    expect(b.logs.some((l) => l.event === 'closed' && l.detail.startsWith('garbage'))).toBe(true);
  });

  it('cuts off a peer that sends an oversized message (1009) or garbage bytes (1008)', async () => {
    const b = device('H1');
    const h = await hub(b.mesh);
    cleanups.push(() => h.close());
    const send = async (bytes: Uint8Array): Promise<number> => {
      const raw = new WebSocket(h.url);
      cleanups.push(() => raw.terminate());
      const closed = new Promise<number>((resolve) => raw.on('close', (code) => resolve(code)));
      await new Promise((r) => raw.on('open', r));
      raw.send(bytes);
      return closed;
    };
    expect(await send(new Uint8Array(syncLimits.frameBytesMax + 1))).toBe(wsCloseCodes.tooBig);
    expect(await send(new Uint8Array([1, 2, 3, 4]))).toBe(wsCloseCodes.policy);
    // A hello for another book is a policy violation too.
    expect(await send(encodeFrame({ type: 'hello', book: 'other', peer: 'X', credit: 4 }))).toBe(wsCloseCodes.policy);
    // The hub kept serving: an honest dialer still syncs.
    const a = device('T1');
    await a.journal.append(sale(5));
    dial(a, h.url);
    await until(async () => (await b.journal.count()) === 1);
  });

  it('reconnects with backoff until the hub comes up, then syncs', async () => {
    const a = device('T1');
    const b = device('H1');
    await a.journal.append(sale(7));
    // Find a free port, then leave it closed for a while.
    const probe = await hub(b.mesh);
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const delays: number[] = [];
    const dialer = dial(a, `ws://127.0.0.1:${port}/sync/B1`, {
      timers: {
        set: (run, ms) => {
          delays.push(ms);
          return setTimeout(run, Math.min(ms, 50));
        },
        clear: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
      },
    });
    await until(() => delays.filter((d) => d !== wsLimits.connectTimeoutMs).length >= 3);
    expect(dialer.state()).not.toBe('open');
    const h = await hub(b.mesh, port);
    cleanups.push(() => h.close());
    await until(async () => (await b.journal.count()) === 1);
    // The reconnect delays (every other timer is a connect timeout) grow: 250, 500, 1000, ...
    const backoffs = delays.filter((d) => d !== wsLimits.connectTimeoutMs);
    expect(backoffs.slice(0, 3)).toEqual([250, 500, 1000]);
  });

  it('cuts a socket that stops answering pings (a half-open connection) and dials again', async () => {
    const a = device('T1');
    const b = device('H1');
    const h = await hub(b.mesh);
    cleanups.push(() => h.close());
    const dialer = dial(a, h.url, { pingIntervalMs: 100 });
    await until(() => dialer.state() === 'open' && h.sockets.size === 1);
    // The hub's end stops reading, as if the cable were pulled: no pong comes back.
    for (const s of h.sockets) s.pause();
    await until(() => dialer.opened >= 2 && dialer.state() === 'open', 10_000);
    await a.journal.append(sale(9));
    await until(async () => (await b.journal.count()) === 1);
  });

  it('backoff is capped and jittered within ±25%', () => {
    expect(backoffDelayMs(1, () => 0)).toBe(188);
    expect(backoffDelayMs(1, () => 0.999999)).toBe(312);
    expect(backoffDelayMs(40, () => 0.5)).toBe(syncLimits.backoffMaxMs);
  });

  it('treats a socket whose send buffer keeps growing as lost', () => {
    const b = device('H1');
    const sent: Uint8Array[] = [];
    let closedWith: number | undefined;
    const socket: WsLike = {
      readyState: 1,
      bufferedAmount: wsLimits.bufferedBytesMax + 1,
      binaryType: 'blob',
      send: (data) => sent.push(data),
      close: (code) => {
        closedWith = code;
      },
      onopen: null,
      onmessage: null,
      onclose: null,
      onerror: null,
    };
    const connection = acceptWsConnection(b.mesh, socket, 'fake');
    expect(sent).toHaveLength(0);
    expect(connection.session.state).toBe('closed');
    expect(socket.binaryType).toBe('arraybuffer');
    return Promise.resolve().then(() => expect(closedWith).toBe(wsCloseCodes.normal));
  });
});
