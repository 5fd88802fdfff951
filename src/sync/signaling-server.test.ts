import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { syncLimits } from './limits.ts';
import { startSignalingServer, type SignalingServer, type SignalingServerOptions } from './signaling-server.ts';

const servers: SignalingServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: SignalingServerOptions = {}): Promise<{ server: SignalingServer; logs: string[] }> {
  const logs: string[] = [];
  const server = await startSignalingServer({ ...options, log: (l) => logs.push(`${l.event}: ${l.detail}`) });
  servers.push(server);
  return { server, logs };
}

interface TestClient {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  send(message: unknown): void;
  next(count?: number): Promise<void>;
}

async function client(server: SignalingServer): Promise<TestClient> {
  const ws = new WebSocket(server.url);
  const messages: Array<Record<string, unknown>> = [];
  let waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of waiters) w();
    waiters = [];
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
    next: async (count = 1) => {
      while (messages.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

describe('signaling server', () => {
  it('binds to 127.0.0.1 by default, on a free port', async () => {
    const { server } = await start();
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('relays a publish to every member of the room, and only to them', async () => {
    const { server } = await start();
    const a = await client(server);
    const b = await client(server);
    const outsider = await client(server);
    a.send({ type: 'subscribe', topics: ['book-1'] });
    b.send({ type: 'subscribe', topics: ['book-1'] });
    outsider.send({ type: 'subscribe', topics: ['book-2'] });
    // Messages of different sockets may reach the server in any order: a pong confirms each subscribe.
    for (const c of [a, b, outsider]) c.send({ type: 'ping' });
    await Promise.all([a.next(1), b.next(1), outsider.next(1)]);
    a.send({ type: 'publish', topic: 'book-1', data: 'sealed-offer' });
    await a.next(2);
    await b.next(2);
    expect(b.messages[1]).toEqual({ type: 'publish', topic: 'book-1', data: 'sealed-offer', clients: 2 });
    expect(a.messages[1]).toEqual(b.messages[1]);
    b.send({ type: 'unsubscribe', topics: ['book-1'] });
    b.send({ type: 'ping' });
    await b.next(3);
    a.send({ type: 'publish', topic: 'book-1', data: 'second' });
    await a.next(3);
    b.send({ type: 'ping' });
    outsider.send({ type: 'ping' });
    await b.next(4);
    await outsider.next(2);
    expect(b.messages.map((m) => m['type'])).toEqual(['pong', 'publish', 'pong', 'pong']);
    expect(outsider.messages).toEqual([{ type: 'pong' }, { type: 'pong' }]);
    expect(server.stats()).toMatchObject({ connections: 3, relayed: 2 });
  });

  it('does not relay for a non-member', async () => {
    const { server } = await start();
    const a = await client(server);
    const b = await client(server);
    b.send({ type: 'subscribe', topics: ['book-1'] });
    a.send({ type: 'publish', topic: 'book-1', data: 'x' });
    a.send({ type: 'ping' });
    await a.next();
    b.send({ type: 'ping' });
    await b.next();
    expect(b.messages).toEqual([{ type: 'pong' }]);
  });

  it('cuts off garbage, oversized messages, too many rooms and floods, with reasons', async () => {
    const { server, logs } = await start({ limits: { signalingMessagesPerSecondMax: 20, signalingTopicsPerConnectionMax: 3 } });
    const garbage = await client(server);
    garbage.send('{not json');
    expect((await garbage.closed).code).toBe(1008);
    const big = await client(server);
    big.send({ type: 'publish', topic: 't', data: 'x'.repeat(syncLimits.signalingMessageBytesMax) });
    expect((await big.closed).code).toBe(1009);
    const rooms = await client(server);
    rooms.send({ type: 'subscribe', topics: ['a', 'b', 'c', 'd'] });
    expect((await rooms.closed).code).toBe(1008);
    const flood = await client(server);
    for (let i = 0; i < 25; i++) flood.send({ type: 'ping' });
    expect((await flood.closed).code).toBe(1008);
    expect(logs).toEqual([
      'cut-off: a message that is not a JSON object',
      'cut-off: Max payload size exceeded',
      'cut-off: more than 3 rooms',
      'cut-off: more than 20 messages a second',
    ]);
    // The server is still there for honest clients.
    const honest = await client(server);
    honest.send({ type: 'ping' });
    await honest.next();
    expect(honest.messages).toEqual([{ type: 'pong' }]);
  });
});
