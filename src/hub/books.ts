/**
 * The hub's books: many books on one hub, each with its own journal (as the hub's
 * device for that book), its query store (loaded once from the journal, then kept
 * up to date by the journal's onEntries) and its sync mesh. Books are opened lazily,
 * on the first request or sync that names them, and the opening is shared, so two
 * requests racing on one book open it once.
 */
import { checkId } from '../core/validate-fields.ts';
import { limits } from '../core/limits.ts';
import type { BookId, Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { QueryStore } from '../query/index.ts';
import { createMesh, type Mesh } from '../sync/mesh.ts';
import { hubLimits } from './config-limits.ts';
import type { JournalSource } from './books-source.ts';
import type { Log } from './log.ts';
import { markArrivals, type ArrivalMarker } from './outage.ts';
import type { PinAnswer } from './pinning.ts';

export interface HubBook {
  readonly book: BookId;
  readonly journal: Journal;
  readonly store: QueryStore;
  readonly mesh: Mesh;
  /** When each remote device was last heard on this hub's sync sessions (local ms), by peer id. */
  readonly seen: Map<string, number>;
  /**
   * What the journal held at the last reconnection after a silence (the first sync
   * session after none, or the book's opening): the outage report's "arrived since".
   */
  marker: ArrivalMarker | undefined;
  /** Bring the store's copy of the quarantine up to date with the journal's (refusals by sync and imports). */
  refreshQuarantine(): Promise<void>;
}

export interface BooksOptions {
  source: JournalSource;
  clock: () => number;
  log: Log;
  /** Hear each book once it is open (the change stream attaches it). */
  onOpen?: (book: HubBook) => void;
  /**
   * Several processes on one PostgreSQL: may this process serve `book`? (pinning.ts
   * claim). Asked before a book is opened here; absent, every book is served here.
   */
  claim?: (book: BookId) => Promise<PinAnswer>;
}

export type OpenResult =
  | { ok: true; book: HubBook }
  | { ok: false; status: 400 | 404 | 503; reason: string }
  /** Another process on the same database serves the book, at `location` (its base URL). */
  | { ok: false; status: 307; reason: string; location: string };

export interface Books {
  readonly source: JournalSource;
  /** Books stored or open, sorted. */
  list(): Promise<BookId[]>;
  /**
   * The book, opened if needed. With `create`, a book not stored yet is made (a
   * tablet syncing a new book to its hub); without it, an unknown book is a 404.
   * Never throws: a bad id is a 400, a full hub a 503.
   */
  open(book: string, options?: { create?: boolean }): Promise<OpenResult>;
  /** Books open now. */
  opened(): HubBook[];
  /** Stop serving `book` here (its pin was lost): bye to its peers, close its journal. */
  drop(book: BookId): Promise<void>;
  /** Close every mesh (bye to every peer), then every journal (queued writes finish), then the source. */
  close(): Promise<void>;
}

/** Refusal text when `book` is not a valid book id, else undefined. */
export function badBookId(book: string): string | undefined {
  return checkId(book, 'book', 'The book id', limits.bookIdCharsMax)?.message;
}

export function createBooks(options: BooksOptions): Books {
  const { source, clock, log } = options;
  const opening = new Map<BookId, Promise<HubBook>>();
  const open = new Map<BookId, HubBook>();
  let closed = false;

  const load = async (book: BookId): Promise<HubBook> => {
    const started = clock();
    const journal = await source.open(book);
    const store = new QueryStore();
    // Subscribe before reading, so nothing committed in between is missed (apply ignores what it holds).
    const pending: Array<readonly Entry[]> = [];
    let loaded = false;
    journal.onEntries((added) => (loaded ? store.apply(added) : pending.push(added)));
    store.load(await journal.all());
    loaded = true;
    for (const batch of pending) store.apply(batch);
    const bookLog = log.with({ book });
    const seen = new Map<string, number>();
    const mesh = createMesh({
      journal,
      clock,
      onLog: (line) => {
        if (line.peer !== undefined) seen.set(line.peer, line.atMs);
        (line.level === 'warn' ? bookLog.warn : bookLog.info)(`sync ${line.event}`, { peer: line.peer, via: line.via, detail: line.detail });
      },
    });
    let quarantineNo = 0;
    const refreshQuarantine = async (): Promise<void> => {
      for (;;) {
        const page = await journal.quarantine({ afterNo: quarantineNo, limit: 1000 });
        if (page.length === 0) return;
        quarantineNo = page[page.length - 1]!.no;
        store.applyQuarantine(page);
      }
    };
    await refreshQuarantine();
    const marker = await markArrivals(journal, clock());
    bookLog.info('book opened', { entries: store.size, peer: journal.peer, ms: clock() - started });
    const held: HubBook = { book, journal, store, mesh, seen, marker, refreshQuarantine };
    options.onOpen?.(held);
    return held;
  };

  return {
    source,
    list: async () => [...new Set([...(await source.listBooks()), ...open.keys()])].sort(),
    open: async (name, opts = {}) => {
      const bad = badBookId(name);
      if (bad !== undefined) return { ok: false, status: 400, reason: bad };
      const book = name as BookId;
      const held = open.get(book);
      if (held !== undefined) return { ok: true, book: held };
      if (closed) return { ok: false, status: 503, reason: 'the hub is shutting down' };
      if (!opening.has(book)) {
        if (opts.create !== true && !(await source.listBooks()).includes(book)) {
          return { ok: false, status: 404, reason: `no book ${JSON.stringify(book)} on this hub` };
        }
        if (open.size + opening.size >= hubLimits.booksOpenMax) {
          return { ok: false, status: 503, reason: `this hub holds ${hubLimits.booksOpenMax} books open, its limit` };
        }
        // Another call may have opened or started opening the book while this one read the list.
        const now = open.get(book);
        if (now !== undefined) return { ok: true, book: now };
        if (options.claim !== undefined && !opening.has(book)) {
          const pin = await options.claim(book);
          if (!pin.owner) {
            if (pin.url !== undefined) return { ok: false, status: 307, reason: `book ${JSON.stringify(book)} is served by ${pin.url}`, location: pin.url };
            return { ok: false, status: 503, reason: `book ${JSON.stringify(book)} is being handed between hub processes (${pin.reason}); retry shortly` };
          }
        }
      }
      if (!opening.has(book)) {
        const promise = load(book).then((b) => {
          open.set(book, b);
          return b;
        });
        opening.set(book, promise);
        promise.catch(() => undefined).finally(() => opening.delete(book));
      }
      try {
        return { ok: true, book: await opening.get(book)! };
      } catch (error) {
        log.error('book failed to open', { book, error });
        return { ok: false, status: 503, reason: `the book could not be opened: ${error instanceof Error ? error.message : String(error)}` };
      }
    },
    opened: () => [...open.values()],
    drop: async (book) => {
      const held = open.get(book);
      if (held === undefined) return;
      open.delete(book);
      held.mesh.close('shutdown', 'this hub process no longer serves the book');
      await held.journal.close().catch((error: unknown) => log.error('journal failed to close', { book, error }));
      log.warn('book dropped: another process serves it now', { book });
    },
    close: async () => {
      closed = true;
      await Promise.allSettled(opening.values());
      for (const b of open.values()) b.mesh.close('shutdown', 'the hub is shutting down');
      const results = await Promise.allSettled([...open.values()].map((b) => b.journal.close()));
      for (const r of results) if (r.status === 'rejected') log.error('journal failed to close', { error: r.reason as unknown });
      open.clear();
      await source.close();
    },
  };
}
