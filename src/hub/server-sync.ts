/**
 * WebSocket upgrades of the hub: `/signaling` goes to the y-webrtc relay, and
 * `/sync/<book>` becomes a session of that book's mesh (ws-transport.ts: binary
 * frames of the tablets' own protocol, validated at the border by the session).
 * Any other upgrade, a bad book id or a hub that is shutting down gets a plain HTTP
 * refusal on the raw socket before any WebSocket byte is parsed.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { syncLimits } from '../sync/limits.ts';
import type { SignalingRelay } from '../sync/signaling-server.ts';
import { acceptWsConnection } from '../sync/ws-transport.ts';
import type { Books, HubBook } from './books.ts';
import type { Log } from './log.ts';
import { markArrivals } from './outage.ts';

export interface SyncUpgrades {
  /** Take over an upgrade request (answers it, one way or another). */
  handle(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Sync sockets open now. */
  sockets(): number;
  /** Refuse new upgrades, close the sync sockets (after the meshes said bye), stop the server. */
  close(): Promise<void>;
}

export interface SyncUpgradeOptions {
  books: Books;
  relay: SignalingRelay;
  log: Log;
  clock: () => number;
  accepting: () => boolean;
  /** Hear each sync session's remote peer id once its hello is accepted (demo mode enrols it: demo-enrol.ts). */
  onPeer?: (book: HubBook, peer: string) => void;
}

export function createSyncUpgrades(options: SyncUpgradeOptions): SyncUpgrades {
  const { books, relay, log } = options;
  // ws cuts anything far beyond a frame itself (close 1009); the session refuses any frame over the limit.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 2 * syncLimits.frameBytesMax });
  const open = new Set<WebSocket>();

  const refuse = (socket: Duplex, status: number, reason: string): void => {
    const text = JSON.stringify({ error: reason });
    socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Service Unavailable'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
  };

  const handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => undefined);
    const path = new URL(req.url ?? '/', 'http://hub').pathname;
    if (!options.accepting()) return refuse(socket, 503, 'the hub is shutting down');
    if (path === '/signaling' || path === '/signaling/') return relay.handleUpgrade(req, socket, head);
    const match = /^\/sync\/([^/]+)$/.exec(path);
    if (match === null) return refuse(socket, 404, 'WebSocket endpoints: /signaling and /sync/<book>');
    let book: string;
    try {
      book = decodeURIComponent(match[1]!);
    } catch {
      return refuse(socket, 400, 'the book id is not valid URL encoding');
    }
    const via = `ws:${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    void books.open(book, { create: true }).then(async (opened) => {
      // A book served by another process is a 503 here: WebSocket clients do not follow redirects, and the reason names the process.
      if (!opened.ok) return refuse(socket, opened.status === 307 ? 503 : opened.status, opened.reason);
      const held = opened.book;
      // The first session after a silence ends an outage: mark what the journal holds, so
      // the outage report can say what arrived after the reconnection. Marked before the
      // session starts, so nothing it brings is counted as before.
      if (held.mesh.sessions().length === 0) {
        held.marker = await markArrivals(held.journal, options.clock()).catch(() => held.marker);
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        open.add(ws);
        ws.on('close', () => open.delete(ws));
        log.info('sync connected', { book, via });
        const connection = acceptWsConnection(held.mesh, ws, via);
        const onPeer = options.onPeer;
        if (onPeer === undefined) return;
        // Registered after the transport's own handler, so the session has read the message first.
        const heard = (): void => {
          const { session } = connection;
          if (session.state === 'opening') return;
          ws.off('message', heard);
          if (session.state === 'open' && session.remotePeer !== undefined) onPeer(held, session.remotePeer);
        };
        ws.on('message', heard);
      });
    });
  };

  return {
    handle,
    sockets: () => open.size,
    close: async () => {
      // The meshes have sent bye and asked their sockets to close; give the close handshakes a moment.
      const deadline = Date.now() + 1000;
      while (open.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of open) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
