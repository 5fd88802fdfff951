/**
 * One device's sync over all its connections: a session per connection, every
 * entry new to the journal pushed to every session, presence from the frontiers the
 * peers announce, and one bounded log of what happened (refusals, cut-offs, closes).
 * Transport-agnostic and timer-free: the runtime gives it connections and calls
 * `repair()` on a timer (syncLimits.repairIntervalMs).
 */
import type { Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import type { ByeCode, FrontierLine } from './frame.ts';
import { localFrontier } from './held.ts';
import { syncLimits } from './limits.ts';
import { presenceOf, type Presence } from './presence.ts';
import { union, type Span } from './ranges.ts';
import { createSession, type Session, type SessionLog, type SessionOptions, type Transport } from './session.ts';

export interface MeshLogLine extends SessionLog {
  atMs: number;
  /** The connection's label (a transport name, a signaling peer id). */
  via: string;
}

export interface MeshOptions {
  journal: Journal;
  /** Wall clock for log lines. */
  clock: () => number;
  /** Also hear every log line (the console, a screen). */
  onLog?: (line: MeshLogLine) => void;
  /** Session options for every connection (tests use small credit windows). */
  session?: Pick<SessionOptions, 'creditWindowFrames' | 'onYjs'>;
}

export interface Connection {
  readonly session: Session;
  /** Bytes arrived from the transport. */
  receive: (bytes: unknown) => void;
  /** The transport closed. */
  closed: () => void;
}

export interface Mesh {
  /** A new connection (its transport is open); refused with a bye when peersMax are connected. `onClose` hears how it ended. */
  connect(transport: Transport, via: string, onClose?: SessionOptions['onClose']): Connection;
  /** Offer entries this journal instance did not add itself (another tab did) to every peer. */
  offer(entries: readonly Entry[]): void;
  /** Send a Yjs update (a local change of a document) to every peer, in chunks. */
  broadcastYjs(doc: string, update: Uint8Array): void;
  /** Re-announce the frontier on every session where it changed: repairs what pushes missed. */
  repair(): Promise<void>;
  /** Open sessions. */
  sessions(): Session[];
  presence(): Promise<Presence>;
  /** The log, oldest first, at most syncLimits.logLinesMax lines. */
  log(): readonly MeshLogLine[];
  /** True when every session is idle. */
  idle(): boolean;
  close(code?: ByeCode, reason?: string): void;
}

export function createMesh(options: MeshOptions): Mesh {
  const { journal, clock } = options;
  const sessions = new Set<Session>();
  const lines: MeshLogLine[] = [];
  let closed = false;

  const record = (line: SessionLog, via: string): void => {
    const full: MeshLogLine = { ...line, atMs: clock(), via };
    lines.push(full);
    if (lines.length > syncLimits.logLinesMax) lines.splice(0, lines.length - syncLimits.logLinesMax);
    options.onLog?.(full);
  };

  const unsubscribe = journal.onEntries((added) => {
    for (const s of sessions) s.push(added);
  });

  const connect = (transport: Transport, via: string, onClose?: SessionOptions['onClose']): Connection => {
    const full = closed || sessions.size >= syncLimits.peersMax;
    // Declared first: the session may call back (onClose) before createSession returns.
    let session: Session | undefined = undefined;
    session = createSession({
      ...options.session,
      journal,
      transport,
      log: (line) => record(line, via),
      onOpen: () => (full ? 'busy' : undefined),
      othersAsked: () => {
        const out = new Map<string, Span[]>();
        for (const other of sessions) {
          if (other === session) continue;
          for (const [peer, spans] of other.asked()) out.set(peer, [...(out.get(peer) ?? []), ...spans]);
        }
        for (const [peer, spans] of out) out.set(peer, union(spans));
        return out;
      },
      onWantsChanged: () => {
        for (const other of sessions) if (other !== session) other.nudge();
      },
      onClose: (code, reason, by) => {
        if (session !== undefined) sessions.delete(session);
        onClose?.(code, reason, by);
      },
    });
    const made = session;
    if (made.state !== 'closed') sessions.add(made);
    return { session: made, receive: (bytes) => made.receive(bytes), closed: () => made.transportClosed() };
  };

  return {
    connect,
    offer: (entries) => {
      for (const s of sessions) s.push(entries);
    },
    broadcastYjs: (doc, update) => {
      for (const s of sessions) s.sendYjs(doc, update);
    },
    repair: async () => {
      await Promise.all([...sessions].map((s) => s.announce()));
    },
    sessions: () => [...sessions],
    presence: async () => {
      const local: FrontierLine[] = await localFrontier(journal);
      const peers = [...sessions].filter((s) => s.state === 'open' && s.remoteFrontier !== undefined).map((s) => ({ peer: s.remotePeer!, frontier: s.remoteFrontier! }));
      return presenceOf(journal.peer, local, peers);
    },
    log: () => lines,
    idle: () => [...sessions].every((s) => s.idle()),
    close: (code = 'shutdown', reason = 'this device stops syncing') => {
      closed = true;
      unsubscribe();
      for (const s of [...sessions]) s.close(code, reason);
      sessions.clear();
    },
  };
}
