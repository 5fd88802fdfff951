/**
 * Test support for upstream sync (its tests and bench/hub-upload.bench.ts): a small
 * sync-only hub, the hub's own book registry (books.ts) behind a WebSocket server
 * that accepts `/sync/<book>` (ws-transport.ts), with the repair timer every hub runs.
 * It is not the hub process (server.ts): no HTTP API, no signaling, no static files.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { syncLimits } from '../sync/limits.ts';
import { acceptWsConnection } from '../sync/ws-transport.ts';
import { createBooks, type Books } from './books.ts';
import type { JournalSource } from './books-source.ts';
import { silentLog } from './log.ts';

export interface SyncHub {
  /** http://127.0.0.1:port: the base URL upstream dials (it adds /sync/<book>). */
  readonly url: string;
  readonly port: number;
  readonly books: Books;
  /** Sockets open now. */
  readonly sockets: Set<WebSocket>;
  /** Cut every socket at once, without a close handshake (as a crash or a pulled cable would). */
  terminateSockets(): void;
  close(): Promise<void>;
}

/** Start a sync-only hub over `source` on 127.0.0.1 (`port` 0: any free one). */
export async function startSyncHub(source: JournalSource, port = 0, repairIntervalMs: number = syncLimits.repairIntervalMs): Promise<SyncHub> {
  const books = createBooks({ source, clock: () => Date.now(), log: silentLog });
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, maxPayload: syncLimits.frameBytesMax * 2 });
  const sockets = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const match = /^\/sync\/([^/?]+)$/.exec(req.url ?? '');
    if (match === null) return socket.destroy();
    void books.open(decodeURIComponent(match[1]!), { create: true }).then((opened) => {
      if (!opened.ok) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        acceptWsConnection(opened.book.mesh, ws, 'ws');
      });
    });
  });
  const repair = setInterval(() => {
    for (const b of books.opened()) void b.mesh.repair();
  }, repairIntervalMs);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  const terminateSockets = (): void => {
    for (const s of sockets) s.terminate();
  };
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    books,
    sockets,
    terminateSockets,
    close: async () => {
      clearInterval(repair);
      terminateSockets();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await books.close();
    },
  };
}

/** Poll `check` every 10 ms until it holds; rejects after `timeoutMs`, saying `what`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
