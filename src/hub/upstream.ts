/**
 * Upstream: a store hub configured with a cloud hub's address keeps every book it
 * holds in sync with the cloud, up and down, whenever it can reach it. For each book
 * it dials `<cloud>/sync/<book>` (ws-transport.ts `dialWs`, reconnecting with jittered
 * backoff), and it looks for new books on a timer, so a book a tablet creates while
 * the internet is down goes up once it is back.
 *
 * Nothing here remembers where an upload stopped, on purpose: every new session
 * starts with a frontier exchange, so the cloud asks exactly for the (author, seq)
 * ranges it lacks, whatever happened to the previous connection or to either process.
 * The cloud's journal is keyed by entry id, so an entry sent twice (a frame in flight
 * when the socket died) is a counted duplicate, never a second row.
 *
 * The state reported per book comes from the cloud's own word: "waiting" is the
 * number of entries this hub holds that the cloud's last announced frontier does not
 * cover. The cloud re-announces its frontier on its repair timer (every hub runs
 * `mesh.repair()` every syncLimits.repairIntervalMs), so the count lags by at most that.
 */
import type { Journal } from '../journal/journal.ts';
import { spansOfLine, localFrontier } from '../sync/held.ts';
import type { FrontierLine } from '../sync/frame.ts';
import type { Mesh } from '../sync/mesh.ts';
import { spanCount, subtract } from '../sync/ranges.ts';
import { dialWs, type WsCtor, type WsDial, type WsDialState } from '../sync/ws-transport.ts';

/** Limits of upstream sync (the connection's own are syncLimits' and wsLimits'). */
export const upstreamLimits = {
  /** How often the hub looks for books it holds and does not sync upstream yet. */
  scanIntervalMs: 5_000,
  /** How often each book's state (waiting, last synced) is worked out again. */
  statusIntervalMs: 1_000,
  /** Books synced upstream at once by one hub. */
  booksMax: 1_000,
} as const;

/** What upstream needs of the hub's registry of books (books.ts `Books` fits through `upstreamBooksOf`). */
export interface UpstreamBooks {
  /** The books this hub holds now. */
  list(): Promise<readonly string[]>;
  /** The book's journal and mesh, opening it if needed; undefined when it cannot be opened now (tried again later). */
  open(book: string): Promise<{ journal: Journal; mesh: Mesh } | undefined>;
}

/** The registry's shape this module adapts (books.ts). */
interface BooksLike {
  list(): Promise<readonly string[]>;
  open(book: string): Promise<{ ok: true; book: { journal: Journal; mesh: Mesh } } | { ok: false }>;
}

/** Adapt the hub's book registry (books.ts `createBooks`) to what upstream needs. */
export function upstreamBooksOf(books: BooksLike): UpstreamBooks {
  return {
    list: () => books.list(),
    open: async (book) => {
      const opened = await books.open(book);
      return opened.ok ? opened.book : undefined;
    },
  };
}

export interface UpstreamOptions {
  books: UpstreamBooks;
  /** The cloud hub's base URL: http(s)://host:port or ws(s)://host:port (a path prefix is kept). */
  url: string;
  /** The WebSocket constructor (Node 20: `ws`'s WebSocket). */
  WebSocket?: WsCtor;
  clock?: () => number;
  random?: () => number;
  /** Timers; default the global ones. */
  timers?: { set(run: () => void, ms: number): unknown; clear(handle: unknown): void };
  log?: (line: { event: 'dial' | 'state' | 'synced' | 'error'; book: string; detail: string }) => void;
}

/** One book's upstream state. */
export interface BookUpstream {
  book: string;
  /** The WebSocket URL dialed. */
  url: string;
  state: WsDialState;
  /** True while a session with the cloud is open (hello exchanged). */
  connected: boolean;
  /** The cloud hub's device id for this book, once it said hello. */
  cloudPeer: string | undefined;
  /**
   * Entries held here that the cloud's last announced frontier does not cover (the
   * last one heard, also while disconnected); undefined until the cloud announced one.
   */
  waiting: number | undefined;
  /** When the cloud's frontier last covered everything held here (ms); undefined if never seen. */
  lastSyncedMs: number | undefined;
  /** Sockets opened to the cloud for this book (reconnections + 1). */
  connections: number;
}

export interface Upstream {
  /** Every book's state, by book. */
  status(): BookUpstream[];
  /** Look for new books now (also done every upstreamLimits.scanIntervalMs); resolves when their dials started. */
  scan(): Promise<void>;
  /** Work out every book's waiting count now (also done every upstreamLimits.statusIntervalMs). */
  refresh(): Promise<void>;
  /** Stop: close every connection to the cloud, stop the timers. */
  close(): void;
}

/**
 * The WebSocket URL of `book` on the hub at `base`: http→ws, https→wss, then
 * `/sync/<book>`. Undefined when `base` is not an http(s) or ws(s) URL.
 */
export function syncUrlOf(base: string, book: string): string | undefined {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol];
  if (scheme === undefined) return undefined;
  url.protocol = scheme;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/sync/${encodeURIComponent(book)}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** Entries `local` holds that `remote` does not cover, counted by (author, seq). */
export function entriesNotCovered(local: readonly FrontierLine[], remote: readonly FrontierLine[]): number {
  const theirs = new Map(remote.map((l) => [l.peer, spansOfLine(l)]));
  let count = 0;
  for (const line of local) count += spanCount(subtract(spansOfLine(line), theirs.get(line.peer) ?? []));
  return count;
}

interface Held {
  book: string;
  url: string;
  journal: Journal;
  dial: WsDial;
  waiting: number | undefined;
  lastSyncedMs: number | undefined;
  /** The cloud's last announced frontier, kept across disconnections. */
  cloudFrontier: readonly FrontierLine[] | undefined;
}

/**
 * Start syncing every book of `books` with the cloud hub at `url`, and every book
 * that appears later. Never throws: a registry that fails to list or open is logged
 * and asked again on the next scan; an unreachable cloud is dialed again with backoff.
 */
export function startUpstream(options: UpstreamOptions): Upstream {
  const clock = options.clock ?? (() => Date.now());
  const timers = options.timers ?? { set: (run: () => void, ms: number) => setTimeout(run, ms), clear: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>) };
  const log = (event: 'dial' | 'state' | 'synced' | 'error', book: string, detail: string): void => {
    try {
      options.log?.({ event, book, detail });
    } catch {
      // A broken logger must not stop sync.
    }
  };
  if (options.WebSocket === undefined && (globalThis as { WebSocket?: unknown }).WebSocket === undefined) {
    log('error', '', 'no WebSocket constructor: pass `ws`’s WebSocket (Node 20 has no global one); nothing will be synced upstream');
  }
  const held = new Map<string, Held>();
  const starting = new Set<string>();
  let closed = false;
  let scanTimer: unknown;
  let statusTimer: unknown;

  const start = async (book: string): Promise<void> => {
    const url = syncUrlOf(options.url, book);
    if (url === undefined) return log('error', book, `the upstream ${JSON.stringify(options.url)} is not an http(s) or ws(s) URL`);
    const opened = await options.books.open(book);
    if (opened === undefined || closed || held.has(book)) return;
    log('dial', book, url);
    const dialOptions: Parameters<typeof dialWs>[0] = {
      mesh: opened.mesh,
      url,
      clock,
      via: `upstream:${url}`,
      onState: (state) => log('state', book, state),
    };
    if (options.WebSocket !== undefined) dialOptions.WebSocket = options.WebSocket;
    if (options.random !== undefined) dialOptions.random = options.random;
    if (options.timers !== undefined) dialOptions.timers = options.timers;
    const dial = dialWs(dialOptions);
    held.set(book, { book, url, journal: opened.journal, dial, waiting: undefined, lastSyncedMs: undefined, cloudFrontier: undefined });
  };

  const scan = async (): Promise<void> => {
    if (closed) return;
    let books: readonly string[];
    try {
      books = await options.books.list();
    } catch (error) {
      return log('error', '', `the books could not be listed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const fresh = books.filter((b) => !held.has(b) && !starting.has(b)).slice(0, Math.max(0, upstreamLimits.booksMax - held.size - starting.size));
    await Promise.all(
      fresh.map(async (book) => {
        starting.add(book);
        try {
          await start(book);
        } catch (error) {
          log('error', book, `the book could not be opened: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          starting.delete(book);
        }
      }),
    );
  };

  const refreshOne = async (h: Held): Promise<void> => {
    const session = h.dial.connection()?.session;
    const connected = session?.state === 'open';
    // While cut off, count against what the cloud last said it held: the outage's entries pile up in `waiting`.
    if (connected && session.remoteFrontier !== undefined) h.cloudFrontier = session.remoteFrontier;
    if (h.cloudFrontier === undefined) return;
    const waiting = entriesNotCovered(await localFrontier(h.journal), h.cloudFrontier);
    if (connected && waiting === 0 && h.waiting !== 0) log('synced', h.book, 'the cloud holds every entry held here');
    h.waiting = waiting;
    if (connected && waiting === 0) h.lastSyncedMs = clock();
  };

  const refresh = async (): Promise<void> => {
    await Promise.all(
      [...held.values()].map((h) =>
        refreshOne(h).catch((error: unknown) => log('error', h.book, `state not worked out: ${error instanceof Error ? error.message : String(error)}`)),
      ),
    );
  };

  const every = (ms: number, run: () => Promise<void>, set: (t: unknown) => void): void => {
    const again = (): void => {
      if (closed) return;
      set(
        timers.set(() => {
          void run().finally(again);
        }, ms),
      );
    };
    again();
  };

  void scan();
  every(upstreamLimits.scanIntervalMs, scan, (t) => (scanTimer = t));
  every(upstreamLimits.statusIntervalMs, refresh, (t) => (statusTimer = t));

  return {
    status: () =>
      [...held.values()]
        .map((h) => {
          const session = h.dial.connection()?.session;
          return {
            book: h.book,
            url: h.url,
            state: h.dial.state(),
            connected: session?.state === 'open',
            cloudPeer: session?.remotePeer,
            waiting: h.waiting,
            lastSyncedMs: h.lastSyncedMs,
            connections: h.dial.opened,
          };
        })
        .sort((a, b) => (a.book < b.book ? -1 : a.book > b.book ? 1 : 0)),
    scan,
    refresh,
    close: () => {
      closed = true;
      if (scanTimer !== undefined) timers.clear(scanTimer);
      if (statusTimer !== undefined) timers.clear(statusTimer);
      for (const h of held.values()) h.dial.close();
    },
  };
}
