/**
 * The hub process's one HTTP server: GET /health, the read API under /api, the
 * built PWA, and the WebSocket upgrades (y-webrtc signaling on /signaling, sync on
 * /sync/<book>). Everything the hub holds lives in its journals (the database);
 * this file only wires them to the network and shuts them down in order:
 *
 *   stop accepting → finish in-flight requests (imports) → bye to every sync peer →
 *   close the sockets → close the journals (queued writes finish) → close the database.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket as NodeWebSocket } from 'ws';
import { devVerifier, type Signer, type Verifier } from '../core/entry.ts';
import { syncLimits } from '../sync/limits.ts';
import { createSignalingRelay } from '../sync/signaling-server.ts';
import type { BookId } from '../core/types.ts';
import { createBooks, type Books, type HubBook } from './books.ts';
import { openSource, type JournalSource } from './books-source.ts';
import type { HubConfig } from './config.ts';
import { hubLimits } from './config-limits.ts';
import { handleApi } from './http-api.ts';
import { sendError, sendJson } from './http-json.ts';
import { staticSite } from './http-static.ts';
import { startChangeStream } from './change-stream.ts';
import { createLog, type Log } from './log.ts';
import { createSyncUpgrades } from './server-sync.ts';
import { startPinning, type PinAnswer, type Pinning } from './pinning.ts';
import { pinningLimits } from './pinning-limits.ts';
import { startUpstream, upstreamBooksOf, type Upstream } from './upstream.ts';

export interface HubOptions {
  config: HubConfig;
  /** Where the journals live; default: what the config asks for (openSource). */
  source?: JournalSource;
  log?: Log;
  /** Wall clock, ms. */
  clock?: () => number;
  /** Entry signatures (the dev scheme until device keys land). */
  signer?: Signer;
  verify?: Verifier;
  /** Hear each sync session's remote peer id once its hello is accepted (`--demo` enrols it: demo-enrol.ts). */
  onSyncPeer?: (book: HubBook, peer: string) => void;
}

export interface Hub {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  readonly books: Books;
  readonly log: Log;
  readonly upstream: Upstream | undefined;
  /** Shut down gracefully (see the file comment); the same promise for every call. */
  close(reason?: string): Promise<void>;
}

/** Start the hub; resolves once it listens. Rejects when the database or the port cannot be had. */
export async function startHub(options: HubOptions): Promise<Hub> {
  const { config } = options;
  const clock = options.clock ?? Date.now;
  const log = options.log ?? createLog({ clock });
  const verify = options.verify ?? devVerifier;
  const startedMs = clock();
  const source = options.source ?? (await openSource(config, { clock, ...(options.signer ? { signer: options.signer } : {}), verify }));
  // Several processes on one PostgreSQL: each book is served by one of them (pinning.ts).
  // Claims wait until pinning has started (it needs this process's URL, known once it listens).
  let pinningStarted: (p: Pinning | undefined) => void = () => undefined;
  const pinningReady = new Promise<Pinning | undefined>((resolve) => (pinningStarted = resolve));
  const claim = async (book: BookId): Promise<PinAnswer> => (await pinningReady)?.claim(book) ?? { owner: true };
  const stream = config.nats === undefined ? undefined : startChangeStream({ url: config.nats, log: log.with({ part: 'change-stream' }) });
  const books = createBooks({ source, clock, log, claim, ...(stream === undefined ? {} : { onOpen: (b: HubBook) => void stream.attach(b.book, b.journal) }) });
  const site = staticSite(config.staticDir);
  const relay = createSignalingRelay({ log: (line) => log.info(`signaling ${line.event}`, { detail: line.detail }) });
  let accepting = true;
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    inflight.add(work);
    const forget = (): void => void inflight.delete(work);
    work.then(forget, forget);
    return work;
  };
  const upgrades = createSyncUpgrades({ books, relay, log, clock, accepting: () => accepting, ...(options.onSyncPeer === undefined ? {} : { onPeer: options.onSyncPeer }) });
  const api = { books, verify, clock, log, track };

  const upstream =
    config.upstream === undefined
      ? undefined
      : startUpstream({
          books: upstreamBooksOf(books),
          url: config.upstream,
          WebSocket: NodeWebSocket,
          clock,
          log: (line) => (line.event === 'error' ? log.warn : log.info)(`upstream ${line.event}`, { book: line.book, detail: line.detail }),
        });

  const health = async (res: ServerResponse): Promise<void> => {
    const list = await books.list();
    const sessions = books.opened().reduce((n, b) => n + b.mesh.sessions().length, 0);
    sendJson(res, accepting ? 200 : 503, {
      ok: accepting,
      ...(accepting ? {} : { shuttingDown: true }),
      db: source.kind,
      books: list.length,
      open: books.opened().length,
      sessions,
      signaling: relay.stats(),
      ...(stream === undefined ? {} : { changeStream: stream.stats() }),
      ...(upstream === undefined ? {} : { upstream: upstream.status().map((u) => ({ book: u.book, state: u.state, waiting: u.waiting ?? null })) }),
      uptimeS: Math.round((clock() - startedMs) / 1000),
    });
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if ((req.url ?? '').length > hubLimits.urlCharsMax) return sendError(res, 414, `the URL is longer than ${hubLimits.urlCharsMax} characters`);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://hub');
    } catch {
      return sendError(res, 400, 'the request target is not a URL path');
    }
    if (!accepting) return sendError(res, 503, 'the hub is shutting down', {}, { connection: 'close' });
    if (url.pathname === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'use GET', {}, { allow: 'GET' });
      return health(res);
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return handleApi(req, res, url, api);
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'use GET', {}, { allow: 'GET, HEAD' });
    if (await site.serve(req, res, url.pathname)) return;
    if (url.pathname === '/' && !(await site.built())) {
      return sendJson(res, 200, { app: `not built: run \`npm run build\` (serving ${config.staticDir})`, health: '/health', api: '/api/books' });
    }
    sendError(res, 404, `nothing at ${url.pathname.slice(0, 200)}`);
  };

  const server: Server = createServer({ headersTimeout: hubLimits.headersTimeoutMs, requestTimeout: hubLimits.requestTimeoutMs }, (req, res) => {
    // One line per request: refusals at info (someone sent something wrong), faults at error, the rest at debug.
    const startMs = clock();
    res.once('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
      log[level]('request', { method: req.method, path: (req.url ?? '').split('?')[0]!.slice(0, 200), status: res.statusCode, ms: clock() - startMs, from: req.socket.remoteAddress });
    });
    const work = route(req, res).catch((error: unknown) => {
      log.error('request failed', { method: req.method, url: req.url?.slice(0, 200), error });
      if (!res.headersSent) sendError(res, 500, 'the hub failed to answer; this is a bug, and it is logged');
      else res.destroy();
    });
    void track(work);
  });
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => upgrades.handle(req, socket, head));
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const closeAll = async (): Promise<void> => {
    upstream?.close();
    await relay.close();
    await stream?.close();
    await books.close();
    server.closeAllConnections();
    if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await closeAll();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  const urlHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${urlHost}:${port}`;

  let pinning: Pinning | undefined;
  if (source.db?.kind === 'postgres') {
    try {
      pinning = await startPinning({ db: source.db, url: config.databaseUrl!, publicUrl: config.publicUrl ?? url });
    } catch (error) {
      pinningStarted(undefined);
      await closeAll();
      throw error;
    }
    pinning.onLost((lost) => {
      for (const book of lost) void books.drop(book);
    });
  }
  pinningStarted(pinning);
  const pinPoll = setInterval(() => {
    pinning?.poll().catch((error: unknown) => log.warn('pinning poll failed', { error }));
  }, pinningLimits.pollMs);
  pinPoll.unref();

  // Re-announce frontiers on every open book: repairs anything a push missed.
  const repair = setInterval(() => {
    for (const b of books.opened()) b.mesh.repair().catch((error: unknown) => log.warn('repair failed', { book: b.book, error }));
  }, syncLimits.repairIntervalMs);
  repair.unref();

  let closing: Promise<void> | undefined;
  const close = (reason = 'asked to stop'): Promise<void> => {
    closing ??= (async () => {
      accepting = false;
      log.info('hub stopping', { reason, inflight: inflight.size });
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      clearInterval(repair);
      clearInterval(pinPoll);
      upstream?.close();
      await settleWithin([...inflight], hubLimits.shutdownGraceMs);
      for (const b of books.opened()) b.mesh.close('shutdown', 'the hub is shutting down');
      await upgrades.close();
      await relay.close();
      // In-flight publishes settle; whatever was not published stays in the journals for the next start.
      await stream?.close();
      await books.close();
      // Only now, with every journal closed, may another process take this one's books.
      await pinning?.close().catch((error: unknown) => log.error('pinning failed to close', { error }));
      server.closeAllConnections();
      await stopped;
      log.info('hub stopped', { reason });
    })();
    return closing;
  };

  log.info('hub listening', { url, db: source.kind, static: config.staticDir, upstream: config.upstream ?? null });
  return { url, port, books, log, upstream, close };
}

/** Wait for `work` to settle, at most `ms`. */
async function settleWithin(work: Promise<unknown>[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.allSettled(work), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
