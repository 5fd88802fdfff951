/**
 * The sync protocol for one connection to one peer, transport-agnostic: the owner
 * hands in received bytes (`receive`) and gives a `send` and a `close`.
 *
 *   1. Each side sends `hello` (book, peer, the credit it grants), then its frontier.
 *   2. On the other's frontier, each side works out what it lacks (held.ts `lacking`)
 *      and asks for it with `want` frames; the other streams those entries, window by
 *      window, the last frame of each want flagged `end`.
 *   3. Live: entries new to this device are pushed (`push`); the frontier is announced
 *      again when it changed (`announce`, called by the owner's repair timer, and by
 *      the session when pushes had to be dropped), which repairs anything lost.
 *   4. Received entries go to `journal.ingest(items, from = remote peer)`: validation,
 *      quarantine and idempotency live there. The journal is the truth.
 *
 * Flow control is credit in frames: a receiver grants a window at hello and returns
 * credit as it processes frames (entries frames once ingested). Every frame but
 * `credit` and `bye` spends one. So what a peer can make this device hold is bounded
 * by the window, whatever it sends. A peer that breaks the protocol (garbage, an
 * oversized frame, frames beyond its credit, too many refused entries, a want flood)
 * is cut off with a logged reason; nothing it sends can throw out of `receive`.
 *
 * This file owns the connection's state (opening, open, closed) and routes each
 * received frame to the part that handles it: session-outbox.ts (sending within the
 * remote's credit, the push queue), session-inbox.ts (the credit granted, ingesting
 * entries), session-frontier.ts (announcing and hearing frontiers), session-wants.ts
 * (asking for what is lacking) and want-server.ts (answering the remote's wants).
 */
import type { Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { decodeFrame, type ByeCode, type Frame, type FrontierLine } from './frame.ts';
import type { HeadCache } from './held.ts';
import { syncLimits } from './limits.ts';
import type { Span } from './ranges.ts';
import type { SessionContext } from './session-context.ts';
import { createFrontiers } from './session-frontier.ts';
import { createInbox } from './session-inbox.ts';
import { createOutbox } from './session-outbox.ts';
import { createWants } from './session-wants.ts';
import { createWantServer } from './want-server.ts';
import { createReassembler } from './yjs-chunks.ts';

/** How the session reaches the other side. `send` may throw once the channel is gone. */
export interface Transport {
  send(bytes: Uint8Array): void;
  close(): void;
}

export interface SessionLog {
  level: 'info' | 'warn';
  /** Remote peer id once known. */
  peer: string | undefined;
  event: 'open' | 'cut-off' | 'bye' | 'closed' | 'refused' | 'push-dropped' | 'journal-error';
  detail: string;
}

export type ClosedBy = 'local' | 'remote' | 'transport';

export interface SessionOptions {
  journal: Journal;
  transport: Transport;
  log?: (line: SessionLog) => void;
  /** The remote's hello was accepted; return a ByeCode to refuse the peer (e.g. 'duplicate'). */
  onOpen?: (remotePeer: string) => ByeCode | undefined;
  /** The remote announced its frontier (presence). */
  onFrontier?: (remotePeer: string, lines: readonly FrontierLine[]) => void;
  /** Entries newly added to the journal from this peer. */
  onAccepted?: (entries: readonly Entry[]) => void;
  /** A Yjs update arrived whole from `from` (the remote peer). */
  onYjs?: (doc: string, update: Uint8Array, from: string) => void | Promise<void>;
  onClose?: (code: ByeCode, reason: string, by: ClosedBy) => void;
  /**
   * What other connections of this device have asked for and not yet received, so a
   * new tablet joining several peers asks each range of one of them only.
   */
  othersAsked?: () => ReadonlyMap<string, readonly Span[]>;
  /** This session's wants changed (one ended, or the session closed): others may ask now. */
  onWantsChanged?: () => void;
  /** Credit this side grants (frames in flight); default syncLimits.creditWindowFrames. */
  creditWindowFrames?: number;
}

export interface SessionStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Entry texts received, and their bytes. */
  entriesIn: number;
  entryBytesIn: number;
  accepted: number;
  duplicates: number;
  refused: number;
  entriesOut: number;
  pushesDropped: number;
}

export interface Session {
  readonly state: 'opening' | 'open' | 'closed';
  readonly remotePeer: string | undefined;
  /** The remote's last complete frontier announcement. */
  readonly remoteFrontier: readonly FrontierLine[] | undefined;
  readonly stats: Readonly<SessionStats>;
  /** Hand over bytes received from the transport. Never throws. */
  receive(bytes: unknown): void;
  /** Offer entries new to this device; those the remote surely holds, or sent us, are skipped. */
  push(entries: readonly Entry[]): void;
  /** Announce the frontier again if it changed since the last announcement. */
  announce(): Promise<void>;
  /** Send a Yjs update in chunks; false when it cannot be queued now (the frontier exchange repairs). */
  sendYjs(doc: string, update: Uint8Array): boolean;
  /** What this session asked for and has not received yet, per author. */
  asked(): Map<string, Span[]>;
  /** Work out again what to ask for (another connection's wants changed). */
  nudge(): void;
  /** True when nothing is queued, asked, being served or being ingested. */
  idle(): boolean;
  /** Close with a bye. */
  close(code?: ByeCode, reason?: string): void;
  /** The transport is gone. */
  transportClosed(): void;
}

/** Start a session: sends hello at once. */
export function createSession(options: SessionOptions): Session {
  const { journal, transport } = options;
  const window = options.creditWindowFrames ?? syncLimits.creditWindowFrames;
  const stats: SessionStats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, entriesIn: 0, entryBytesIn: 0, accepted: 0, duplicates: 0, refused: 0, entriesOut: 0, pushesDropped: 0 };
  let state: Session['state'] = 'opening';
  let remotePeer: string | undefined;

  const log = (level: SessionLog['level'], event: SessionLog['event'], detail: string): void => {
    try {
      options.log?.({ level, peer: remotePeer, event, detail });
    } catch {
      // A broken logger must not break sync.
    }
  };

  const finish = (code: ByeCode, reason: string, by: ClosedBy): void => {
    if (state === 'closed') return;
    state = 'closed';
    server.stop();
    inbox.clear();
    log(by === 'local' && code !== 'shutdown' && code !== 'done' ? 'warn' : 'info', 'closed', `${code}: ${reason} (by ${by})`);
    try {
      transport.close();
    } catch {
      // Already gone.
    }
    wants.clear();
    options.onClose?.(code, reason, by);
    options.onWantsChanged?.();
  };

  const sayBye = (code: ByeCode, reason: string): void => {
    if (state === 'closed') return;
    outbox.sendNow({ type: 'bye', code, reason });
    finish(code, reason, 'local');
  };

  const cutOff = (code: ByeCode, reason: string): void => {
    log('warn', 'cut-off', `${code}: ${reason}`);
    sayBye(code, reason);
  };

  const journalFailed = (error: unknown): void => {
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    log('warn', 'journal-error', detail);
    sayBye('shutdown', `the journal failed: ${detail.slice(0, 120)}`);
  };

  // The parts call one another back only once frames flow, after all are made.
  const ctx: SessionContext = { journal, options, stats, window, state: () => state, remotePeer: () => remotePeer, log, cutOff, journalFailed };
  /** Heads of the local frontier, cached for announcing and asking alike. */
  const heads: HeadCache = new Map();
  const server = createWantServer(journal, () => outbox.pump(), (error) => journalFailed(error));
  const outbox = createOutbox(ctx, {
    serve: () => server.next(),
    channelLost: () => finish('shutdown', 'the channel closed while sending', 'transport'),
    reannounce: () => void frontiers.announce(),
  });
  const frontiers = createFrontiers(ctx, heads, {
    control: (frames) => outbox.control(frames),
    processed: (frames) => inbox.processed(frames),
    heard: (lines) => {
      options.onFrontier?.(remotePeer!, lines);
      void wants.ask();
    },
  });
  const wants = createWants(ctx, heads, { remoteFrontier: () => frontiers.remote, control: (frames) => outbox.control(frames) });
  const inbox = createInbox(ctx, {
    giveCredit: (frames) => outbox.sendNow({ type: 'credit', frames }),
    settle: (frames) => wants.settle(frames),
    wantsEnded: () => {
      void wants.ask();
      options.onWantsChanged?.();
    },
  });
  const reassembler = createReassembler();

  const onHello = (frame: Extract<Frame, { type: 'hello' }>): void => {
    remotePeer = frame.peer;
    if (frame.book !== journal.book) return cutOff('wrong-book', `it syncs book ${frame.book}, this device ${journal.book}`);
    if (frame.peer === journal.peer) return cutOff('duplicate', 'it has this device’s own identity');
    const refusal = options.onOpen?.(frame.peer);
    if (refusal !== undefined) return sayBye(refusal, 'refused by this device');
    outbox.open(frame.credit);
    state = 'open';
    log('info', 'open', `credit ${frame.credit}`);
    void frontiers.announce(true);
  };

  const onWant = (frame: Extract<Frame, { type: 'want' }>): void => {
    if (server.pending >= syncLimits.wantsInFlightMax) return cutOff('flood', `more than ${syncLimits.wantsInFlightMax} wants at once`);
    server.add(frame.id, frame.ranges);
    inbox.processed(1);
    outbox.pump();
  };

  const onEntries = (frame: Extract<Frame, { type: 'entries' }>): void => {
    if (frame.want !== 0 && !wants.has(frame.want)) return cutOff('protocol', `entries for want ${frame.want}, which was not asked`);
    inbox.entries(frame);
  };

  const onYjs = (frame: Extract<Frame, { type: 'yjs' }>): void => {
    const result = reassembler.add(frame);
    if (!result.ok) return cutOff('protocol', result.reason);
    inbox.processed(1);
    if (result.done !== undefined) {
      try {
        void Promise.resolve(options.onYjs?.(result.done.doc, result.done.update, remotePeer!)).catch((error: unknown) => yjsFailed(error));
      } catch (error) {
        yjsFailed(error);
      }
    }
  };

  const yjsFailed = (error: unknown): void => {
    log('warn', 'refused', `a Yjs update could not be applied: ${error instanceof Error ? error.message : String(error)}`);
  };

  /** Decode, check the order and the credit, and hand the frame to its part. */
  const receive = (bytes: unknown): void => {
    if (state === 'closed') return;
    stats.framesIn++;
    stats.bytesIn += bytes instanceof Uint8Array ? bytes.byteLength : 0;
    const decoded = decodeFrame(bytes);
    if (!decoded.ok) {
      const { code, message } = decoded.error;
      return cutOff(code === 'too-large' ? 'oversized' : 'garbage', `${code}: ${message}`);
    }
    const frame = decoded.frame;
    if (frame.type === 'bye') {
      log(frame.code === 'done' || frame.code === 'shutdown' ? 'info' : 'warn', 'bye', `${frame.code}: ${frame.reason}`);
      return finish(frame.code, frame.reason, 'remote');
    }
    if (state === 'opening') return frame.type === 'hello' ? onHello(frame) : cutOff('protocol', `a ${frame.type} frame before hello`);
    if (frame.type === 'hello') return cutOff('protocol', 'a second hello');
    if (frame.type === 'credit') return outbox.credit(frame.frames);
    if (!inbox.spend()) return;
    if (frame.type === 'frontier') return frontiers.receive(frame);
    if (frame.type === 'want') return onWant(frame);
    if (frame.type === 'entries') return onEntries(frame);
    return onYjs(frame);
  };

  const session: Session = {
    get state() {
      return state;
    },
    get remotePeer() {
      return remotePeer;
    },
    get remoteFrontier() {
      return frontiers.remote;
    },
    stats,
    receive(bytes) {
      try {
        receive(bytes);
      } catch (error) {
        // Never expected; a defect here must cost one connection, not the tablet.
        cutOff('protocol', `internal fault: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    push: (entries) => outbox.push(entries, (entry) => inbox.ingestingId(entry.id) || frontiers.remoteHolds(entry)),
    asked: () => wants.asked(),
    nudge: () => void wants.ask(),
    announce: () => frontiers.announce(false),
    sendYjs: (doc, update) => outbox.sendYjs(doc, update),
    idle: () => state !== 'open' || (outbox.idle() && server.pending === 0 && wants.idle() && inbox.idle() && frontiers.idle()),
    close(code = 'shutdown', reason = 'closed by this device') {
      sayBye(code, reason);
    },
    transportClosed() {
      finish('shutdown', 'the connection was lost', 'transport');
    },
  };
  outbox.sendNow({ type: 'hello', book: journal.book, peer: journal.peer, credit: window });
  return session;
}
