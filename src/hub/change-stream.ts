/**
 * The change stream: every entry a hub's journals accept, published to NATS
 * JetStream (stream DAYBOOK, subject `daybook.entries.<book>`) so other systems can
 * consume the log. Optional: it runs only when a NATS URL is configured.
 *
 * Exactly one message per entry, whatever happens to NATS or the hub:
 * - Each message carries the entry id as its Nats-Msg-Id, so JetStream drops a
 *   repeat within the stream's duplicate window (24 h, changeStreamLimits).
 * - The hub remembers the ids JetStream acknowledged, and on attaching a book it
 *   reads the ids already in the stream for that book (headers only), so a backlog
 *   scan after a restart or a long outage publishes only what is missing, even past
 *   the duplicate window.
 *
 * NATS never blocks the journal: a journal's onEntries listener only puts entries
 * in a bounded in-memory queue. A worker publishes from it, a window at a time, and
 * keeps what failed for the next try, backing off while NATS is down. When the queue
 * is full, new entries are left out and their book is marked for a rescan: on every
 * (re)connection and after an overflow, the worker scans the book's journal and
 * queues what was never acknowledged. The journal is the backlog; nothing is lost.
 *
 * The payload is the entry's wire form (canonical JSON, the bytes its id hashes);
 * headers name the book and kind.
 */
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import { encodeEntry } from '../core/entry.ts';
import type { BookId, Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { changeStreamLimits } from './change-stream-limits.ts';

/** What the change stream needs of a journal. */
export type StreamJournal = Pick<Journal, 'scan' | 'onEntries'>;

export interface ChangeStreamOptions {
  /** NATS server URL(s), e.g. nats://127.0.0.1:4222; a comma-separated list is a pool. */
  url: string;
  /** JetStream stream name (default DAYBOOK). Created when missing, with the duplicate window. */
  stream?: string;
  /** Subject prefix (default daybook.entries): a book's subject is `<prefix>.<book>`. */
  subjectPrefix?: string;
  /** Structured log lines (connects, failures, overflows). */
  log?: { info: (msg: string, fields?: Record<string, unknown>) => void; warn: (msg: string, fields?: Record<string, unknown>) => void };
  /** Tighter limits, for tests. */
  limits?: Partial<Record<keyof typeof changeStreamLimits, number>>;
}

export interface ChangeStreamStats {
  connected: boolean;
  /** Entries waiting to be published (in flight included). */
  queued: number;
  /** Messages JetStream stored for the first time. */
  published: number;
  /** Messages JetStream acknowledged as duplicates of a stored one (same entry id). */
  duplicates: number;
  /** Publishes that failed and will be tried again. */
  failures: number;
  /** Entries left out of a full queue (their book is rescanned). */
  overflowed: number;
  /** Journal scans done to find entries not yet published. */
  scans: number;
  books: number;
}

export interface ChangeStream {
  /**
   * Publish `book`'s accepted entries from now on, and its backlog (every entry of
   * its journal not acknowledged yet) as soon as NATS is reachable. Attaching a book
   * twice replaces the first journal. Returns the detach function.
   */
  attach(book: BookId, journal: StreamJournal): () => void;
  /** Resolves true once nothing waits to be published (and no scan is due), false after `timeoutMs`. */
  flush(timeoutMs?: number): Promise<boolean>;
  stats(): ChangeStreamStats;
  /** Stop: detach every book, let in-flight publishes settle, close the connection. Queued entries stay in the journals. */
  close(): Promise<void>;
}

/**
 * The subject of `book`: `<prefix>.<book>`. Book ids may hold '.', which NATS reads
 * as a token separator, so it is written `%2E` ('%' never occurs in a book id):
 * book `store-7.main` is `daybook.entries.store-7%2Emain`, one token.
 */
export function subjectOf(prefix: string, book: string): string {
  return `${prefix}.${book.replace(/\./g, '%2E')}`;
}

interface Queued {
  book: BookId;
  entry: Entry;
}

interface Attached {
  journal: StreamJournal;
  detach: () => void;
  /** Ids JetStream acknowledged (or holds): never queued again. */
  published: Set<string>;
  needsScan: boolean;
  /** The stream's own ids for this book were read (once per connection). */
  seeded: boolean;
}

/**
 * Start the change stream for `options.url`. Returns at once: connecting, creating
 * the stream and publishing happen in the background and are retried until close().
 * Never throws for NATS being down or refusing; failures are counted and logged.
 */
export function startChangeStream(options: ChangeStreamOptions): ChangeStream {
  const limits: Record<keyof typeof changeStreamLimits, number> = { ...changeStreamLimits, ...options.limits };
  const streamName = options.stream ?? 'DAYBOOK';
  const prefix = options.subjectPrefix ?? 'daybook.entries';
  const log = options.log ?? { info: () => undefined, warn: () => undefined };
  const books = new Map<BookId, Attached>();
  const queue = new Map<string, Queued>();
  const counts = { published: 0, duplicates: 0, failures: 0, overflowed: 0, scans: 0 };
  let nc: NatsConnection | undefined;
  let js: JetStreamClient | undefined;
  let jsm: JetStreamManager | undefined;
  let connected = false;
  let closed = false;
  let busy = false;
  // Sleepers (the worker, the connect loop) that new work or close() cuts short.
  const sleepers = new Set<() => void>();
  const wake = (): void => {
    for (const s of [...sleepers]) s();
  };

  const nap = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });

  const enqueue = (book: BookId, entries: readonly Entry[]): void => {
    const held = books.get(book);
    if (held === undefined) return;
    for (const entry of entries) {
      if (held.published.has(entry.id) || queue.has(entry.id)) continue;
      if (queue.size >= limits.queueMax) {
        counts.overflowed++;
        held.needsScan = true;
        continue;
      }
      queue.set(entry.id, { book, entry });
    }
    wake();
  };

  const remember = (held: Attached, id: string): void => {
    // Past the bound, forget: a later scan then leans on JetStream's duplicate window.
    if (held.published.size >= limits.publishedIdsMax) held.published.clear();
    held.published.add(id);
  };

  /** Read the ids JetStream already holds for `book` (headers only), so a backlog scan skips them. */
  const seed = async (book: BookId, held: Attached): Promise<void> => {
    if (js === undefined || jsm === undefined) return;
    const subject = subjectOf(prefix, book);
    const info = await jsm.streams.info(streamName, { subjects_filter: subject });
    const total = info.state.subjects?.[subject] ?? 0;
    if (total > 0) {
      const consumer = await js.consumers.get(streamName, { filter_subjects: subject, headers_only: true });
      const messages = await consumer.consume();
      let seen = 0;
      for await (const m of messages) {
        const id = m.headers?.get('Nats-Msg-Id');
        if (id !== undefined && id !== '') remember(held, id);
        if (++seen >= total || closed) break;
      }
      await messages.close();
    }
    held.seeded = true;
  };

  const scan = async (book: BookId, held: Attached): Promise<void> => {
    held.needsScan = false;
    if (!held.seeded) await seed(book, held);
    counts.scans++;
    await held.journal.scan((chunk) => enqueue(book, chunk));
  };

  const publishOne = async (item: Queued): Promise<void> => {
    const h = headers();
    h.set('Daybook-Book', item.book);
    h.set('Daybook-Kind', item.entry.kind);
    const ack = await js!.publish(subjectOf(prefix, item.book), encodeEntry(item.entry), { msgID: item.entry.id, headers: h, timeout: limits.publishTimeoutMs });
    if (ack.duplicate) counts.duplicates++;
    else counts.published++;
    queue.delete(item.entry.id);
    const held = books.get(item.book);
    if (held !== undefined) remember(held, item.entry.id);
  };

  const ensureStream = async (manager: JetStreamManager): Promise<void> => {
    const subjects = [`${prefix}.>`];
    try {
      await manager.streams.info(streamName);
    } catch {
      await manager.streams.add({ name: streamName, subjects, duplicate_window: nanos(limits.duplicateWindowMs) });
      log.info('change stream: created the JetStream stream', { stream: streamName, subjects });
    }
  };

  /** One round: scans due, then one window of publishes. Returns false when it failed. */
  const round = async (): Promise<boolean> => {
    for (const [book, held] of books) {
      if (held.needsScan && queue.size < limits.queueMax) await scan(book, held);
    }
    const window = [...queue.values()].slice(0, limits.inFlightMax);
    const results = await Promise.allSettled(window.map(publishOne));
    const failed = results.filter((r) => r.status === 'rejected');
    counts.failures += failed.length;
    if (failed.length > 0) {
      log.warn('change stream: publish failed, will retry', { failed: failed.length, reason: String((failed[0] as PromiseRejectedResult).reason) });
      // The stream may have been deleted under us: make it again (a no-op while it exists).
      if (jsm !== undefined) await ensureStream(jsm).catch(() => undefined);
    }
    return failed.length === 0;
  };

  const pump = async (): Promise<void> => {
    let backoff = limits.retryMinMs;
    while (!closed) {
      const due = [...books.values()].some((b) => b.needsScan);
      if (!connected || js === undefined || (queue.size === 0 && !due)) {
        await nap(connected ? limits.retryMaxMs : limits.retryMinMs);
        continue;
      }
      busy = true;
      let ok: boolean;
      try {
        ok = await round();
      } catch (error) {
        // A scan or a stream read failed (NATS went away mid-way): the book is scanned again.
        for (const held of books.values()) held.needsScan = true;
        log.warn('change stream: round failed, will retry', { error: String(error) });
        ok = false;
      }
      busy = false;
      if (ok) backoff = limits.retryMinMs;
      else {
        await nap(backoff);
        backoff = Math.min(limits.retryMaxMs, backoff * 2);
      }
    }
  };

  const onConnected = (): void => {
    connected = true;
    // Anything may have been missed while away: every book's journal is the backlog.
    for (const held of books.values()) {
      held.needsScan = true;
      held.seeded = false;
    }
    wake();
  };

  const connectLoop = async (): Promise<void> => {
    let backoff = limits.retryMinMs;
    while (!closed) {
      try {
        const conn = await connect({ servers: options.url.split(','), maxReconnectAttempts: -1, reconnectTimeWait: limits.retryMinMs * 5, timeout: limits.publishTimeoutMs });
        if (closed) {
          await conn.close();
          return;
        }
        const manager = await jetstreamManager(conn);
        await ensureStream(manager);
        nc = conn;
        jsm = manager;
        js = jetstream(conn);
        log.info('change stream: connected', { server: conn.getServer(), stream: streamName });
        onConnected();
        backoff = limits.retryMinMs;
        for await (const status of conn.status()) {
          if (status.type === 'disconnect') connected = false;
          if (status.type === 'reconnect') onConnected();
        }
        connected = false;
      } catch (error) {
        connected = false;
        if (closed) return;
        log.warn('change stream: NATS unreachable, will retry', { error: String(error), inMs: backoff });
        await nap(backoff);
        backoff = Math.min(limits.retryMaxMs, backoff * 2);
      }
    }
  };

  const connecting = connectLoop();
  const pumping = pump();

  return {
    attach(book, journal) {
      books.get(book)?.detach();
      const held: Attached = { journal, detach: () => undefined, published: books.get(book)?.published ?? new Set(), needsScan: true, seeded: false };
      const off = journal.onEntries((added) => enqueue(book, added));
      held.detach = () => {
        off();
        if (books.get(book) === held) books.delete(book);
      };
      books.set(book, held);
      wake();
      return held.detach;
    },
    async flush(timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const due = [...books.values()].some((b) => b.needsScan);
        if (queue.size === 0 && !due && !busy) return true;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return false;
    },
    stats() {
      return { connected, queued: queue.size, ...counts, books: books.size };
    },
    async close() {
      closed = true;
      for (const held of [...books.values()]) held.detach();
      wake();
      await pumping;
      const conn = nc;
      nc = undefined;
      js = undefined;
      if (conn !== undefined && !conn.isClosed()) await conn.close();
      await connecting;
    },
  };
}
