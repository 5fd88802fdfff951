/**
 * Tablets connect through y-webrtc, and speak our frames on its data channels.
 *
 * y-webrtc is used for what it does well: signaling (rooms on a signaling server,
 * the book's secret as the room password, which encrypts the signaling messages),
 * WebRTC connection set-up, glare handling and re-announcing after a drop. It is not
 * used for data: its sync sends a document's whole missing state in one message and
 * swallows the send error of anything over SCTP's 256 KiB limit (DESIGN.md,
 * "Measured guidance"). So each y-webrtc room carries an empty lobby document, and
 * when a peer's data channel opens we take it over: y-webrtc's own 'data' handler is
 * removed and a sync session (session.ts) is attached in its place. y-webrtc still
 * sends a few messages of its own on connect (sync step 1 of the empty lobby,
 * awareness); they start with a byte in 0-4, never our FRAME_VERSION, and are
 * dropped here without reaching the session (a bounded number of them: a peer that
 * keeps sending them is cut off).
 *
 * What we rely on from y-webrtc 10.3.0 internals (checked in e2e/sync.spec.ts):
 * `provider.room.webrtcConns: Map<remoteId, {peer, connected}>`, `peer` a simple-peer
 * instance with 'connect', 'data', 'close' events, `send`, `destroy`.
 *
 * A remote whose session ended for misbehaviour is refused for a backoff that grows
 * with each offence (syncLimits.backoff*), so a bad peer cannot make this tablet
 * spin on reconnects.
 */
import { WebrtcProvider } from 'y-webrtc';
import * as Y from 'yjs';
import { FRAME_VERSION, type ByeCode } from './frame.ts';
import { syncLimits } from './limits.ts';
import type { Mesh } from './mesh.ts';

/** The slice of simple-peer this module uses. */
interface SimplePeer {
  connected: boolean;
  send(data: Uint8Array): void;
  destroy(): void;
  on(event: 'connect' | 'close', listener: () => void): void;
  on(event: 'data', listener: (data: Uint8Array) => void): void;
  once(event: 'connect', listener: () => void): void;
  removeAllListeners(event: string): void;
}

interface WebrtcConnLike {
  peer: SimplePeer;
  connected: boolean;
}

export interface WebrtcSyncOptions {
  mesh: Mesh;
  /** The room: one per book. */
  room: string;
  /** The book's secret: y-webrtc's password (encrypts signaling, not data: DTLS protects data). */
  secret: string;
  signaling: string[];
  /** Wall clock, for backoff. */
  clock: () => number;
  /** Randomness in [0, 1), for backoff jitter. */
  random: () => number;
  /** ICE servers; none on a store's LAN (host candidates connect in 0.15-0.6 s). */
  iceServers?: RTCIceServer[];
  log?: (detail: string) => void;
}

export interface WebrtcSync {
  /** y-webrtc peer ids with a session attached now. */
  peers(): string[];
  /** Messages of y-webrtc itself that were dropped, in total. */
  readonly foreignDropped: number;
  stop(): void;
}

/** Codes that mean the remote misbehaved: it waits before it may connect again. */
const OFFENCES: readonly ByeCode[] = ['garbage', 'oversized', 'flood', 'refusals', 'protocol', 'wrong-book', 'duplicate'];
/** y-webrtc messages tolerated per connection (it sends 2-4 on connect, then awareness renewals). */
const FOREIGN_MESSAGES_MAX = 64;

/** Join the book's room and sync with every tablet found there. */
export function startWebrtcSync(options: WebrtcSyncOptions): WebrtcSync {
  const { mesh } = options;
  const log = options.log ?? (() => undefined);
  const lobby = new Y.Doc();
  const provider = new WebrtcProvider(options.room, lobby, {
    signaling: options.signaling,
    password: options.secret,
    maxConns: syncLimits.peersMax,
    filterBcConns: true,
    peerOpts: { config: { iceServers: options.iceServers ?? [] } },
  });
  // No presence through y-webrtc's awareness: presence comes from our frontiers.
  provider.awareness.setLocalState(null);
  const attached = new Map<string, SimplePeer>();
  const offences = new Map<string, { count: number; untilMs: number }>();
  const taken = new WeakSet<SimplePeer>();
  let foreignDropped = 0;
  let stopped = false;

  const backoffMs = (count: number): number => {
    const base = Math.min(syncLimits.backoffMaxMs, syncLimits.backoffFirstMs * syncLimits.backoffFactor ** (count - 1));
    return base * (1 + syncLimits.backoffJitterRatio * (2 * options.random() - 1));
  };

  /**
   * Take the channel's data over as soon as y-webrtc makes the connection, before it
   * opens: the remote may send its first frames before this side sees 'connect', and
   * y-webrtc's handler would swallow them (and answer each with an empty message).
   * Frames that arrive before 'connect' wait in `early` (bounded by the remote's credit).
   */
  const takeOver = (remoteId: string, peer: SimplePeer): void => {
    if (taken.has(peer)) return;
    taken.add(peer);
    const early: unknown[] = [];
    let receive: (data: unknown) => void = (data) => {
      if (early.length <= syncLimits.creditWindowFrames + 8) early.push(data);
    };
    peer.removeAllListeners('data');
    peer.on('data', (data) => receive(data));
    const open = (): void => {
      const connection = attach(remoteId, peer);
      if (connection === undefined) return;
      receive = connection;
      for (const data of early.splice(0)) connection(data);
    };
    if ((peer as { connected?: boolean }).connected === true) open();
    else peer.once('connect', open);
  };

  /** Attach a session to an open channel; returns its receive function, or undefined when refused. */
  const attach = (remoteId: string, peer: SimplePeer): ((data: unknown) => void) | undefined => {
    if (stopped || attached.has(remoteId)) return undefined;
    const banned = offences.get(remoteId);
    if (banned !== undefined && banned.untilMs > options.clock()) {
      log(`refused ${remoteId}: it misbehaved, waits until ${new Date(banned.untilMs).toISOString()}`);
      peer.destroy();
      return undefined;
    }
    attached.set(remoteId, peer);
    let foreign = 0;
    const connection = mesh.connect({ send: (bytes) => peer.send(bytes), close: () => peer.destroy() }, `webrtc:${remoteId}`, (code, _reason, by) => {
      // Only a peer this tablet cut off waits; being cut off by the remote is no offence of the remote.
      if (by !== 'local' || !OFFENCES.includes(code)) return;
      const count = (offences.get(remoteId)?.count ?? 0) + 1;
      offences.set(remoteId, { count, untilMs: options.clock() + backoffMs(count) });
    });
    peer.on('close', () => {
      attached.delete(remoteId);
      connection.closed();
    });
    return (data) => {
      // y-webrtc's own messages start with its message type (0-4); an empty one is its answer to something it could not read.
      if (data instanceof Uint8Array && (data.byteLength === 0 || (data[0] !== FRAME_VERSION && data[0]! <= 4))) {
        foreignDropped++;
        if (++foreign > FOREIGN_MESSAGES_MAX) connection.session.close('flood', 'too many y-webrtc messages');
        return;
      }
      connection.receive(data);
    };
  };

  const onPeers = ({ added }: { added: string[] }): void => {
    for (const id of added) {
      const conn = provider.room?.webrtcConns.get(id) as WebrtcConnLike | undefined;
      if (conn !== undefined) takeOver(id, conn.peer);
    }
  };
  provider.on('peers', onPeers);

  return {
    peers: () => [...attached.keys()],
    get foreignDropped() {
      return foreignDropped;
    },
    stop: () => {
      stopped = true;
      provider.off('peers', onPeers);
      provider.destroy();
      lobby.destroy();
    },
  };
}
