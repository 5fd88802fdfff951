/**
 * A y-webrtc signaling server, owned by the project (it will live in the hub): the
 * protocol of y-webrtc's bin/server.js, JSON over WebSocket:
 *
 *   {type: 'subscribe', topics: [room...]}    join rooms
 *   {type: 'unsubscribe', topics: [room...]}  leave rooms
 *   {type: 'publish', topic, data}            relay to every member of the room
 *                                              (the sender too), with `clients` added
 *   {type: 'ping'}                             answered {type: 'pong'}
 *
 * It relays; it never reads `data` (with a room password, y-webrtc encrypts it).
 * Bound to 127.0.0.1 unless told otherwise; or mounted on the hub's own HTTP server
 * (createSignalingRelay). Everything is bounded: message bytes,
 * rooms per connection, room name length, connections, messages per second, bytes
 * queued to a slow client; a connection that breaks a bound, sends garbage or stops
 * answering pings is closed with a logged reason. Node only (imports `ws`).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { syncLimits } from './limits.ts';

export interface SignalingServerOptions {
  /** Address to bind; default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Hear why connections were closed. */
  log?: (line: { event: 'cut-off' | 'closed' | 'refused'; detail: string }) => void;
  /** Override limits (tests use small ones). */
  limits?: { [K in 'signalingMessagesPerSecondMax' | 'signalingPingIntervalMs' | 'signalingConnectionsMax' | 'signalingTopicsPerConnectionMax']?: number };
}

export interface SignalingServer {
  /** `ws://host:port` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  stats(): { connections: number; rooms: number; relayed: number; cutOff: number };
  close(): Promise<void>;
}

interface Client {
  socket: WebSocket;
  topics: Set<string>;
  /** Messages in the current one-second window. */
  messages: number;
  alive: boolean;
  /** Cut off: whatever it still sends is ignored. */
  gone: boolean;
}

/**
 * The signaling relay without a server of its own: the hub mounts it on its one HTTP
 * server and hands it the upgrade requests of its signaling path. `handleUpgrade`
 * takes over the socket (answering the WebSocket handshake); `close` cuts every
 * client and stops the timers. Limits and logging as startSignalingServer.
 */
export interface SignalingRelay {
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): { connections: number; rooms: number; relayed: number; cutOff: number };
  close(): Promise<void>;
}

/** A relay to mount on an existing server (see SignalingRelay). */
export function createSignalingRelay(options: Omit<SignalingServerOptions, 'host' | 'port'> = {}): SignalingRelay {
  const limits = { ...syncLimits, ...options.limits };
  const rooms = new Map<string, Set<Client>>();
  const clients = new Set<Client>();
  let relayed = 0;
  let cutOffCount = 0;
  const log = options.log ?? (() => undefined);

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.signalingMessageBytesMax });

  const cutOff = (client: Client, reason: string): void => {
    if (client.gone) return;
    client.gone = true;
    cutOffCount++;
    log({ event: 'cut-off', detail: reason });
    client.socket.close(1008, reason.slice(0, 120));
    // A client that ignores the close handshake is terminated on the next tick.
    setTimeout(() => client.socket.terminate(), 1000).unref();
  };

  const leave = (client: Client, topic: string): void => {
    const room = rooms.get(topic);
    room?.delete(client);
    if (room?.size === 0) rooms.delete(topic);
    client.topics.delete(topic);
  };

  const send = (client: Client, message: object): void => {
    if (client.socket.readyState !== client.socket.OPEN) return;
    if (client.socket.bufferedAmount > limits.signalingBufferedBytesMax) return cutOff(client, 'too slow to read its messages');
    client.socket.send(JSON.stringify(message));
  };

  const onMessage = (client: Client, raw: RawData, isBinary: boolean): void => {
    if (client.gone) return;
    if (++client.messages > limits.signalingMessagesPerSecondMax) return cutOff(client, `more than ${limits.signalingMessagesPerSecondMax} messages a second`);
    const message = parse(raw, isBinary);
    if (message === undefined) return cutOff(client, 'a message that is not a JSON object');
    switch (message['type']) {
      case 'subscribe':
        return subscribe(client, message['topics']);
      case 'unsubscribe':
        for (const topic of topicList(message['topics']) ?? []) leave(client, topic);
        return;
      case 'publish':
        return publish(client, message);
      case 'ping':
        return send(client, { type: 'pong' });
      default:
        return cutOff(client, `an unknown message type`);
    }
  };

  const subscribe = (client: Client, value: unknown): void => {
    const topics = topicList(value);
    if (topics === undefined) return cutOff(client, 'a subscribe without a list of room names');
    for (const topic of topics) {
      if (topic.length === 0 || topic.length > syncLimits.signalingTopicCharsMax) return cutOff(client, 'a room name of the wrong length');
      if (!client.topics.has(topic) && client.topics.size >= limits.signalingTopicsPerConnectionMax) {
        return cutOff(client, `more than ${limits.signalingTopicsPerConnectionMax} rooms`);
      }
      client.topics.add(topic);
      let room = rooms.get(topic);
      if (room === undefined) rooms.set(topic, (room = new Set()));
      room.add(client);
    }
  };

  const publish = (client: Client, message: Record<string, unknown>): void => {
    const topic = message['topic'];
    if (typeof topic !== 'string') return cutOff(client, 'a publish without a room name');
    // Only members may speak in a room (y-webrtc always subscribes before it publishes).
    if (!client.topics.has(topic)) return;
    const room = rooms.get(topic);
    if (room === undefined) return;
    const out = { type: 'publish', topic, data: message['data'], clients: room.size };
    for (const member of room) send(member, out);
    relayed++;
  };

  wss.on('connection', (socket: WebSocket, _req: IncomingMessage) => {
    const client: Client = { socket, topics: new Set(), messages: 0, alive: true, gone: false };
    if (clients.size >= limits.signalingConnectionsMax) {
      log({ event: 'refused', detail: 'too many connections' });
      socket.close(1013, 'too many connections');
      return;
    }
    clients.add(client);
    socket.on('message', (raw, isBinary) => {
      try {
        onMessage(client, raw, isBinary);
      } catch (error) {
        cutOff(client, `internal fault: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    socket.on('pong', () => (client.alive = true));
    // ws reports a broken frame or an oversized message here, and closes the socket itself.
    socket.on('error', (error) => {
      if (client.gone) return;
      client.gone = true;
      cutOffCount++;
      log({ event: 'cut-off', detail: error.message });
    });
    socket.on('close', () => {
      clients.delete(client);
      for (const topic of [...client.topics]) leave(client, topic);
    });
  });

  const rate = setInterval(() => {
    for (const c of clients) c.messages = 0;
  }, 1000);
  const ping = setInterval(() => {
    for (const c of clients) {
      if (!c.alive) {
        cutOff(c, 'no answer to ping');
        c.socket.terminate();
        continue;
      }
      c.alive = false;
      c.socket.ping();
    }
  }, limits.signalingPingIntervalMs);
  rate.unref();
  ping.unref();

  return {
    handleUpgrade: (request, socket, head) => {
      wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
    },
    stats: () => ({ connections: clients.size, rooms: rooms.size, relayed, cutOff: cutOffCount }),
    close: async () => {
      clearInterval(rate);
      clearInterval(ping);
      for (const c of clients) c.socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Start the server on its own port; resolves once it listens. */
export async function startSignalingServer(options: SignalingServerOptions = {}): Promise<SignalingServer> {
  const host = options.host ?? '127.0.0.1';
  const relay = createSignalingRelay(options);
  const http: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('daybook signaling');
  });
  http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => relay.handleUpgrade(request, socket, head));
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `ws://${urlHost}:${port}`,
    host,
    port,
    stats: () => relay.stats(),
    close: async () => {
      await relay.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

function parse(raw: RawData, isBinary: boolean): Record<string, unknown> | undefined {
  if (isBinary) return undefined;
  try {
    const text = Array.isArray(raw) ? Buffer.concat(raw).toString('utf8') : Buffer.from(raw as ArrayBuffer).toString('utf8');
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function topicList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((t) => typeof t === 'string') ? value : undefined;
}
