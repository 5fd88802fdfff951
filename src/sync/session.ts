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
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { decodeFrame, encodeFrame, type ByeCode, type Frame, type FrontierLine, type WireRange } from './frame.ts';
import { entriesFrameSize, packFrontier, packWants, chunkYjsUpdate } from './frame-pack.ts';
import { lacking, localFrontier, type HeadCache, type HeldLine } from './held.ts';
import { syncLimits } from './limits.ts';
import { union, type Span } from './ranges.ts';
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

const ID_FIELD = ',"id":"';

/** Start a session: sends hello at once. */
export function createSession(options: SessionOptions): Session {
  const { journal, transport } = options;
  const window = options.creditWindowFrames ?? syncLimits.creditWindowFrames;
  const stats: SessionStats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, entriesIn: 0, entryBytesIn: 0, accepted: 0, duplicates: 0, refused: 0, entriesOut: 0, pushesDropped: 0 };
  let state: Session['state'] = 'opening';
  let remotePeer: string | undefined;
  let remoteWindow = 0;
  /** Frames I may still send. */
  let sendCredit = 0;
  /** Frames the remote may still send me. */
  let granted = window;
  let processedSinceGrant = 0;
  const control: Frame[] = [];
  const yjsOut: Frame[] = [];
  const pushQueue: string[] = [];
  let pushHead = 0;
  let frontierDirty = false;
  let remoteFrontier: FrontierLine[] | undefined;
  let frontierParts: FrontierLine[] = [];
  let lastAnnounced = '';
  const heads: HeadCache = new Map();
  const myWants = new Map<number, WireRange[]>();
  let nextWantId = 0;
  let nextYjsId = 0;
  const inbox: Array<Extract<Frame, { type: 'entries' }>> = [];
  let ingesting = false;
  const incomingIds = new Set<string>();
  const reassembler = createReassembler();
  const server = createWantServer(journal, () => pump(), (error) => journalFailed(error));

  const log = (level: SessionLog['level'], event: SessionLog['event'], detail: string): void => {
    try {
      options.log?.({ level, peer: remotePeer, event, detail });
    } catch {
      // A broken logger must not break sync.
    }
  };

  const sendNow = (frame: Frame): void => {
    const bytes = encodeFrame(frame);
    stats.framesOut++;
    stats.bytesOut += bytes.byteLength;
    if (frame.type === 'entries') stats.entriesOut += frame.items.length;
    try {
      transport.send(bytes);
    } catch {
      if (frame.type !== 'bye') finish('shutdown', 'the channel closed while sending', 'transport');
    }
  };

  const nextFrame = (): Frame | undefined => control.shift() ?? takePushFrame() ?? yjsOut.shift() ?? server.next();

  /** Send what credit allows. */
  const pump = (): void => {
    while (state === 'open' && sendCredit > 0) {
      const frame = nextFrame();
      if (frame === undefined) break;
      sendCredit--;
      sendNow(frame);
    }
    if (state === 'open' && frontierDirty && pushHead >= pushQueue.length) {
      frontierDirty = false;
      void announce();
    }
  };

  /** One entries frame from the head of the push queue. */
  const takePushFrame = (): Frame | undefined => {
    if (pushHead >= pushQueue.length) return undefined;
    const items: string[] = [];
    while (pushHead < pushQueue.length && items.length < syncLimits.entriesPerFrameMax) {
      const item = pushQueue[pushHead]!;
      if (items.length > 0 && entriesFrameSize(0, [...items, item]) > syncLimits.frameBytesMax) break;
      items.push(item);
      pushHead++;
    }
    if (pushHead === pushQueue.length) {
      pushQueue.length = 0;
      pushHead = 0;
    }
    return { type: 'entries', want: 0, end: false, items };
  };

  const finish = (code: ByeCode, reason: string, by: ClosedBy): void => {
    if (state === 'closed') return;
    state = 'closed';
    server.stop();
    inbox.length = 0;
    log(by === 'local' && code !== 'shutdown' && code !== 'done' ? 'warn' : 'info', 'closed', `${code}: ${reason} (by ${by})`);
    try {
      transport.close();
    } catch {
      // Already gone.
    }
    myWants.clear();
    options.onClose?.(code, reason, by);
    options.onWantsChanged?.();
  };

  const sayBye = (code: ByeCode, reason: string): void => {
    if (state === 'closed') return;
    sendNow({ type: 'bye', code, reason });
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

  /** Frames processed: give the credit back, in batches, or at once when nothing waits to be processed. */
  const processed = (frames: number): void => {
    processedSinceGrant += frames;
    if (state === 'open' && processedSinceGrant > 0 && (processedSinceGrant >= Math.max(1, window >> 2) || inbox.length === 0)) {
      granted += processedSinceGrant;
      sendNow({ type: 'credit', frames: processedSinceGrant });
      processedSinceGrant = 0;
    }
  };

  const onHello = (frame: Extract<Frame, { type: 'hello' }>): void => {
    remotePeer = frame.peer;
    if (frame.book !== journal.book) return cutOff('wrong-book', `it syncs book ${frame.book}, this device ${journal.book}`);
    if (frame.peer === journal.peer) return cutOff('duplicate', 'it has this device’s own identity');
    const refusal = options.onOpen?.(frame.peer);
    if (refusal !== undefined) return sayBye(refusal, 'refused by this device');
    remoteWindow = frame.credit;
    sendCredit = frame.credit;
    state = 'open';
    log('info', 'open', `credit ${frame.credit}`);
    void announce(true);
  };

  const onFrontier = (frame: Extract<Frame, { type: 'frontier' }>): void => {
    frontierParts.push(...frame.lines);
    if (frontierParts.length > syncLimits.frontierAuthorsMax) return cutOff('flood', `a frontier of over ${syncLimits.frontierAuthorsMax} authors`);
    processed(1);
    if (!frame.last) return;
    remoteFrontier = frontierParts;
    frontierParts = [];
    options.onFrontier?.(remotePeer!, remoteFrontier);
    void askForWhatILack();
  };

  const onWant = (frame: Extract<Frame, { type: 'want' }>): void => {
    if (server.pending >= syncLimits.wantsInFlightMax) return cutOff('flood', `more than ${syncLimits.wantsInFlightMax} wants at once`);
    server.add(frame.id, frame.ranges);
    processed(1);
    pump();
  };

  const onEntries = (frame: Extract<Frame, { type: 'entries' }>): void => {
    if (frame.want !== 0 && !myWants.has(frame.want)) return cutOff('protocol', `entries for want ${frame.want}, which was not asked`);
    stats.entriesIn += frame.items.length;
    for (const item of frame.items) stats.entryBytesIn += item.length;
    inbox.push(frame);
    void ingestLoop();
  };

  const onYjs = (frame: Extract<Frame, { type: 'yjs' }>): void => {
    const result = reassembler.add(frame);
    if (!result.ok) return cutOff('protocol', result.reason);
    processed(1);
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
    if (frame.type === 'credit') {
      if (sendCredit + frame.frames > remoteWindow) return cutOff('flood', `credit beyond the window of ${remoteWindow} it granted`);
      sendCredit += frame.frames;
      return pump();
    }
    if (--granted < 0) return cutOff('flood', `a frame beyond the ${window} frames of credit granted`);
    if (frame.type === 'frontier') return onFrontier(frame);
    if (frame.type === 'want') return onWant(frame);
    if (frame.type === 'entries') return onEntries(frame);
    return onYjs(frame);
  };

  /** Ingest what arrived, a journal batch at a time, then give the credit back. */
  const ingestLoop = async (): Promise<void> => {
    if (ingesting) return;
    ingesting = true;
    let wantEnded = false;
    try {
      while (inbox.length > 0 && state !== 'closed') {
        const frames: typeof inbox = [];
        const items: string[] = [];
        while (inbox.length > 0 && (items.length === 0 || items.length + inbox[0]!.items.length <= journalLimits.ingestBatchMax)) {
          const f = inbox.shift()!;
          frames.push(f);
          items.push(...f.items);
        }
        wantEnded = (await ingestBatch(items)) && settleWants(frames) || wantEnded;
        // The await above may have closed the session.
        if ((state as Session['state']) === 'closed') return;
        processed(frames.length);
      }
    } catch (error) {
      journalFailed(error);
    } finally {
      ingesting = false;
    }
    if (state === 'open' && wantEnded) {
      void askForWhatILack();
      options.onWantsChanged?.();
    }
  };

  /** Ingest one batch; false if the session was cut off for it. */
  const ingestBatch = async (items: string[]): Promise<boolean> => {
    if (items.length === 0) return true;
    for (const item of items) {
      const at = item.lastIndexOf(ID_FIELD);
      if (at > 0) incomingIds.add(item.slice(at + ID_FIELD.length, at + ID_FIELD.length + 64));
    }
    try {
      const report = await journal.ingest(items, remotePeer!);
      stats.accepted += report.accepted.length;
      stats.duplicates += report.duplicates;
      stats.refused += report.refused.length;
      for (const r of report.refused.slice(0, 5)) log('warn', 'refused', `${r.reason.code}: ${r.reason.message}`);
      if (report.accepted.length > 0) options.onAccepted?.(report.accepted);
    } finally {
      incomingIds.clear();
    }
    if (stats.refused > syncLimits.refusalsPerSessionMax) {
      cutOff('refusals', `${stats.refused} refused entries (at most ${syncLimits.refusalsPerSessionMax})`);
      return false;
    }
    return true;
  };

  /** Forget wants whose last frame was ingested; true if any ended. */
  const settleWants = (frames: ReadonlyArray<Extract<Frame, { type: 'entries' }>>): boolean => {
    let ended = false;
    for (const f of frames) if (f.end && myWants.delete(f.want)) ended = true;
    return ended;
  };

  let asking = false;
  let askAgain = false;
  /** Ask for what the remote holds and this device lacks, within the wants allowed in flight. */
  const askForWhatILack = async (): Promise<void> => {
    if (asking) {
      askAgain = true;
      return;
    }
    asking = true;
    try {
      do {
        askAgain = false;
        if (state !== 'open' || remoteFrontier === undefined || myWants.size >= syncLimits.wantsInFlightMax) break;
        const local = await localFrontier(journal, heads);
        const ranges = lacking(remoteFrontier, local, allAsked());
        const frames = packWants(ranges, () => ++nextWantId).slice(0, syncLimits.wantsInFlightMax - myWants.size);
        if (state !== 'open') break;
        for (const f of frames) {
          myWants.set(f.id, f.ranges);
          control.push(f);
        }
        pump();
      } while (askAgain);
    } catch (error) {
      journalFailed(error);
    } finally {
      asking = false;
    }
  };

  /** Asked here and by the device's other connections. */
  const allAsked = (): Map<string, Span[]> => {
    const byPeer = askedSpans();
    for (const [peer, spans] of options.othersAsked?.() ?? []) byPeer.set(peer, union([...(byPeer.get(peer) ?? []), ...spans]));
    return byPeer;
  };

  const askedSpans = (): Map<string, Span[]> => {
    const byPeer = new Map<string, Span[]>();
    for (const ranges of myWants.values()) {
      for (const r of ranges) byPeer.set(r.peer, [...(byPeer.get(r.peer) ?? []), [r.from, r.to]]);
    }
    for (const [peer, spans] of byPeer) byPeer.set(peer, union(spans));
    return byPeer;
  };

  let announcing: Promise<void> | undefined;
  const announce = async (force = false): Promise<void> => {
    if (announcing !== undefined) return announcing;
    announcing = (async () => {
      try {
        if (state !== 'open') return;
        const local: HeldLine[] = await localFrontier(journal, heads);
        const text = JSON.stringify(local);
        if (state !== 'open' || (!force && text === lastAnnounced)) return;
        lastAnnounced = text;
        control.push(...packFrontier(local));
        pump();
      } catch (error) {
        journalFailed(error);
      } finally {
        announcing = undefined;
      }
    })();
    return announcing;
  };

  /** True when the remote's last frontier says it holds this entry's seq. */
  const remoteHolds = (entry: Entry): boolean => {
    const line = remoteFrontier?.find((l) => l.peer === entry.peer);
    return line !== undefined && entry.seq <= line.contiguous;
  };

  const push = (entries: readonly Entry[]): void => {
    if (state !== 'open') return;
    const wasDirty = frontierDirty;
    for (const entry of entries) {
      if (incomingIds.has(entry.id) || remoteHolds(entry)) continue;
      if (pushQueue.length - pushHead >= syncLimits.pushQueueEntriesMax) {
        stats.pushesDropped++;
        frontierDirty = true;
        continue;
      }
      pushQueue.push(encodeEntry(entry));
    }
    // Once per overflow, not once per dropped batch.
    if (frontierDirty && !wasDirty) log('info', 'push-dropped', 'the push queue is full; the frontier will repair what is dropped');
    pump();
  };

  const sendYjs = (doc: string, update: Uint8Array): boolean => {
    if (state !== 'open' || yjsOut.length >= window * 4) return false;
    const frames = chunkYjsUpdate(doc, ++nextYjsId, update);
    if (yjsOut.length + frames.length > window * 4) return false;
    yjsOut.push(...frames);
    pump();
    return true;
  };

  const session: Session = {
    get state() {
      return state;
    },
    get remotePeer() {
      return remotePeer;
    },
    get remoteFrontier() {
      return remoteFrontier;
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
    push,
    asked: askedSpans,
    nudge: () => void askForWhatILack(),
    announce: () => announce(false),
    sendYjs,
    idle: () =>
      state !== 'open' ||
      (control.length === 0 && pushHead >= pushQueue.length && yjsOut.length === 0 && server.pending === 0 && myWants.size === 0 && inbox.length === 0 && !ingesting && !asking && announcing === undefined),
    close(code = 'shutdown', reason = 'closed by this device') {
      sayBye(code, reason);
    },
    transportClosed() {
      finish('shutdown', 'the connection was lost', 'transport');
    },
  };
  sendNow({ type: 'hello', book: journal.book, peer: journal.peer, credit: window });
  return session;
}
