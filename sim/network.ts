/**
 * The simulated network, carrying the real sync protocol: every device runs a real
 * src/sync mesh over its journal, and every pair of devices that can reach each
 * other holds one connection whose two sessions exchange real frames (hello,
 * frontier, want, entries, credit, bye).
 *
 * A connection behaves like a WebRTC data channel or a WebSocket: ordered and
 * reliable in each direction. So faults are what such a transport can do: a
 * connection drops (the frames in flight are lost, both sides see it close) and
 * comes back later as a new connection; a direction stalls for a while (every frame
 * behind it waits, order kept); one connection's frames arrive behind another's
 * (reordering across connections, never inside one); a relay forwards entries that
 * are already on their way by another path (duplication across peers). A partition
 * closes the connections between the two sides and none reopens until the heal.
 * A damaged entry text is a misbehaving peer, not the wire: it travels inside a
 * well-formed frame and the receiving journal must refuse it.
 *
 * Time is the world's virtual clock and every choice is the world's PRNG: no real
 * timers, no Math.random. Frames are delivered in due order, ties in a fixed order.
 */
import type { Entry } from '../src/core/types.ts';
import { decodeFrame, encodeFrame } from '../src/sync/frame.ts';
import type { Connection, Mesh } from '../src/sync/mesh.ts';
import type { Transport } from '../src/sync/session.ts';
import type { Prng } from './prng.ts';

/** How long frames take: most arrive after about `meanMs`, a few much later. */
export interface LatencyProfile {
  meanMs: number;
}

/** What a fault did, for the trace; undefined when there was nothing to do it to. */
export type FaultNote = string | undefined;

/** Counters of one world's sync traffic. */
export interface WireStats {
  connectionsOpened: number;
  /** Connections lost to a fault (drop, partition, offline, crash). */
  connectionsDropped: number;
  /** Connections a session ended with a bye (a cut-off, a refusal, a shutdown). */
  connectionsClosedByBye: number;
  framesDelivered: number;
  /** Frames delivered by type (hello, frontier, want, entries, credit, bye). */
  framesByType: Record<string, number>;
  /** Entry texts delivered in live pushes (want 0), and in answers to wants. */
  entriesPushed: number;
  entriesServed: number;
  framesLost: number;
  bytesDelivered: number;
  /** Log lines of the meshes by event (cut-off, refused, push-dropped, journal-error...). */
  events: Record<string, number>;
}

export function emptyWireStats(): WireStats {
  return { connectionsOpened: 0, connectionsDropped: 0, connectionsClosedByBye: 0, framesDelivered: 0, framesByType: {}, entriesPushed: 0, entriesServed: 0, framesLost: 0, bytesDelivered: 0, events: {} };
}

interface Pending {
  kind: 'frame' | 'close';
  bytes?: Uint8Array;
  dueMs: number;
}

/** One side of a connection: what is on its way to `node`. */
interface End {
  node: string;
  connection: Connection | undefined;
  inbound: Pending[];
  /** Due time of the last thing queued: frames behind it never overtake it. */
  lastDueMs: number;
  /** This side's transport was closed (by its session, or by the connection dropping). */
  gone: boolean;
}

interface Link {
  id: number;
  key: string;
  ends: [End, End];
}

/** What the network needs of the world. */
export interface NetworkEnv {
  isUp(node: string): boolean;
  now(): number;
  prng: Prng;
  latency: LatencyProfile;
  /** Called with each damaged text, so the receiver's refusal can be told apart from a genuine one. */
  onCorrupt(text: string): void;
  /** After each delivery to `node`: the owner reads what its sessions heard. */
  delivered(node: string): void;
  /** The device id `node` speaks as now (a wiped tablet comes back as a new device). */
  deviceOf(node: string): string;
}

/** A connection that dropped is dialled again after about this long (backoff, ICE, a new WebSocket). */
const RECONNECT_MEAN_MS = 3 * 60_000;

export class SimNetwork {
  readonly nodes: readonly string[];
  readonly stats: WireStats = emptyWireStats();
  /** Nodes cut off from everyone (a tablet whose Wi-Fi is off), whatever the partition. */
  readonly offline = new Set<string>();
  readonly #group = new Map<string, number>();
  readonly #meshes = new Map<string, Mesh>();
  /** Open connections, by pair key, in the order they opened. */
  readonly #links = new Map<string, Link>();
  /** When a pair may dial again after its connection dropped. */
  readonly #retryAtMs = new Map<string, number>();
  #nextLink = 1;
  /** The time frames sent now leave at: the due time of the frame being delivered, else the world's. */
  #sendingAtMs: number | undefined;

  constructor(
    nodes: readonly string[],
    private readonly env: NetworkEnv,
  ) {
    this.nodes = nodes;
    for (const node of nodes) this.#group.set(node, 0);
  }

  // ---- devices ---------------------------------------------------------------

  /** A device (re)started: its mesh, over the journal it opened. */
  attach(node: string, mesh: Mesh): void {
    this.#meshes.set(node, mesh);
  }

  /** A device died: its connections drop (the others see them close), its mesh is gone without a word. */
  detach(node: string): void {
    for (const link of [...this.#links.values()]) if (link.ends.some((e) => e.node === node)) this.dropLink(link);
    this.#meshes.delete(node);
  }

  mesh(node: string): Mesh | undefined {
    return this.#meshes.get(node);
  }

  // ---- reachability ----------------------------------------------------------

  /** True when both nodes are up, online, and on the same side of every partition. */
  linked(a: string, b: string): boolean {
    if (a === b || this.offline.has(a) || this.offline.has(b)) return false;
    return this.env.isUp(a) && this.env.isUp(b) && this.#group.get(a) === this.#group.get(b);
  }

  get partitioned(): boolean {
    const groups = new Set(this.#group.values());
    return groups.size > 1;
  }

  /** Nodes `node` has an open connection to, in a stable order. */
  links(node: string): string[] {
    const out: string[] = [];
    for (const link of this.#links.values()) {
      const [a, b] = link.ends;
      if (a.node === node) out.push(b.node);
      else if (b.node === node) out.push(a.node);
    }
    return out;
  }

  /** Frames (and closes) on their way, over all connections. */
  inFlight(): number {
    let n = 0;
    for (const link of this.#links.values()) n += link.ends[0].inbound.length + link.ends[1].inbound.length;
    return n;
  }

  /**
   * Dial every pair that can reach each other and has no connection, unless it is
   * still backing off after a drop (`now` ignores the backoff: quiescence).
   */
  connectAll(now = false): number {
    let opened = 0;
    for (let i = 0; i < this.nodes.length; i++) {
      for (let j = i + 1; j < this.nodes.length; j++) {
        const a = this.nodes[i]!;
        const b = this.nodes[j]!;
        const key = `${a}|${b}`;
        if (this.#links.has(key) || !this.linked(a, b)) continue;
        if (!now && (this.#retryAtMs.get(key) ?? 0) > this.env.now()) continue;
        if (!this.#meshes.has(a) || !this.#meshes.has(b)) continue;
        this.open(a, b, key);
        opened++;
      }
    }
    return opened;
  }

  private open(a: string, b: string, key: string): void {
    const endA: End = { node: a, connection: undefined, inbound: [], lastDueMs: 0, gone: false };
    const endB: End = { node: b, connection: undefined, inbound: [], lastDueMs: 0, gone: false };
    const link: Link = { id: this.#nextLink++, key, ends: [endA, endB] };
    this.#links.set(key, link);
    this.stats.connectionsOpened++;
    const transport = (self: End, other: End): Transport => ({
      send: (bytes) => {
        if (self.gone || this.#links.get(key) !== link) throw new Error('the connection is closed');
        other.inbound.push({ kind: 'frame', bytes, dueMs: this.dueFor(other) });
      },
      close: () => {
        if (self.gone) return;
        self.gone = true;
        // The close reaches the other side after the frames already sent (a bye first).
        if (!other.gone && this.#links.get(key) === link) other.inbound.push({ kind: 'close', dueMs: this.dueFor(other) });
        else this.forget(link);
      },
    });
    const ta = transport(endA, endB);
    const tb = transport(endB, endA);
    // Sessions say hello as they are made: both ends must exist first.
    endA.connection = this.#meshes.get(a)!.connect(ta, `sim:${b}`, () => this.closedByBye(link));
    endB.connection = this.#meshes.get(b)!.connect(tb, `sim:${a}`, () => this.closedByBye(link));
  }

  private closedByBye(link: Link): void {
    if (this.#links.get(link.key) === link && link.ends.every((e) => e.gone)) this.forget(link);
  }

  private forget(link: Link): void {
    if (this.#links.get(link.key) !== link) return;
    this.#links.delete(link.key);
    this.stats.connectionsClosedByBye++;
    this.#retryAtMs.set(link.key, this.env.now() + this.latencyMs(RECONNECT_MEAN_MS));
  }

  /** The connection is lost: frames in flight are gone, both sessions hear the transport closed. */
  private dropLink(link: Link): number {
    if (this.#links.get(link.key) !== link) return 0;
    this.#links.delete(link.key);
    this.stats.connectionsDropped++;
    this.#retryAtMs.set(link.key, this.env.now() + this.latencyMs(RECONNECT_MEAN_MS));
    let lost = 0;
    for (const end of link.ends) {
      lost += end.inbound.filter((p) => p.kind === 'frame').length;
      end.inbound.length = 0;
    }
    this.stats.framesLost += lost;
    for (const end of link.ends) {
      if (end.gone) continue;
      end.gone = true;
      end.connection?.closed();
    }
    return lost;
  }

  // ---- time ------------------------------------------------------------------

  private dueFor(end: End): number {
    const at = this.#sendingAtMs ?? this.env.now();
    const due = Math.max(end.lastDueMs, at + this.latencyMs(this.env.latency.meanMs));
    end.lastDueMs = due;
    return due;
  }

  /** Exponential around the mean, and one in fifty on a slow path (ten times the mean). */
  private latencyMs(meanMs: number): number {
    const { prng } = this.env;
    const mean = prng.chance(0.02) ? meanMs * 10 : meanMs;
    return Math.round(-Math.log(1 - prng.float()) * mean);
  }

  /**
   * Deliver, in due order, one frame or close due by `untilMs`; false when none is.
   * Ties go to the connection opened first, then to its first end: a fixed order.
   */
  deliverOne(untilMs: number): boolean {
    let best: End | undefined;
    let bestLink: Link | undefined;
    for (const link of this.#links.values()) {
      for (const end of link.ends) {
        const head = end.inbound[0];
        if (head !== undefined && head.dueMs <= untilMs && (best === undefined || head.dueMs < best.inbound[0]!.dueMs)) {
          best = end;
          bestLink = link;
        }
      }
    }
    if (best === undefined || bestLink === undefined) return false;
    const next = best.inbound.shift()!;
    this.#sendingAtMs = next.dueMs;
    try {
      if (next.kind === 'close') {
        best.gone = true;
        best.connection?.closed();
        this.forget(bestLink);
      } else {
        this.count(next.bytes!);
        best.connection?.receive(next.bytes);
      }
    } finally {
      this.#sendingAtMs = undefined;
    }
    this.env.delivered(best.node);
    return true;
  }

  private count(bytes: Uint8Array): void {
    const stats = this.stats;
    stats.framesDelivered++;
    stats.bytesDelivered += bytes.byteLength;
    const decoded = decodeFrame(bytes);
    const type = decoded.ok ? decoded.frame.type : 'undecodable';
    stats.framesByType[type] = (stats.framesByType[type] ?? 0) + 1;
    if (decoded.ok && decoded.frame.type === 'entries') {
      if (decoded.frame.want === 0) stats.entriesPushed += decoded.frame.items.length;
      else stats.entriesServed += decoded.frame.items.length;
    }
  }

  // ---- faults ----------------------------------------------------------------

  private randomLink(prng: Prng, filter: (link: Link) => boolean = () => true): Link | undefined {
    return prng.pick([...this.#links.values()].filter(filter));
  }

  /** A connection drops: what it carried is lost; it is dialled again later. */
  drop(prng: Prng): FaultNote {
    const link = this.randomLink(prng);
    if (link === undefined) return undefined;
    const lost = this.dropLink(link);
    return `connection ${link.key} dropped (${lost} frames lost)`;
  }

  /** One direction of a connection stalls for 5 minutes to 2 hours: every frame on it waits, in order. */
  delay(prng: Prng): FaultNote {
    const link = this.randomLink(prng);
    if (link === undefined) return undefined;
    const end = link.ends[prng.int(0, 1)]!;
    const byMs = prng.int(5, 120) * 60_000;
    for (const p of end.inbound) p.dueMs += byMs;
    end.lastDueMs = Math.max(end.lastDueMs, this.env.now()) + byMs;
    return `connection ${link.key} towards ${end.node} stalled ${byMs / 60_000} min (${end.inbound.length} frames waiting)`;
  }

  /**
   * Reordering across connections: of two connections with frames on their way to
   * the same device, the one due first now arrives after the other's last frame.
   */
  reorder(prng: Prng): FaultNote {
    const byReceiver = new Map<string, End[]>();
    for (const link of this.#links.values()) for (const end of link.ends) if (end.inbound.length > 0) byReceiver.set(end.node, [...(byReceiver.get(end.node) ?? []), end]);
    const node = prng.pick([...byReceiver.keys()].filter((n) => byReceiver.get(n)!.length >= 2));
    if (node === undefined) return undefined;
    const ends = [...byReceiver.get(node)!].sort((x, y) => x.inbound[0]!.dueMs - y.inbound[0]!.dueMs);
    const first = ends[0]!;
    const other = prng.pick(ends.slice(1))!;
    const shiftMs = other.inbound[other.inbound.length - 1]!.dueMs - first.inbound[0]!.dueMs + 1;
    for (const p of first.inbound) p.dueMs += shiftMs;
    first.lastDueMs += shiftMs;
    return `frames to ${node}: one connection's ${first.inbound.length} held behind another's ${other.inbound.length}`;
  }

  /**
   * Duplication across peers: a third device connected to the receiver relays the
   * entries of a frame already on its way (a hub's relay racing the direct path).
   * It goes through that device's real session (credit, and its rule of not pushing
   * what the remote surely holds), so the receiver may get them twice, or not.
   */
  duplicate(prng: Prng, decode: (text: string) => Entry | undefined): FaultNote {
    const carriers: Array<{ link: Link; end: End; items: string[] }> = [];
    for (const link of this.#links.values()) {
      for (const end of link.ends) {
        for (const p of end.inbound) {
          if (p.kind !== 'frame') continue;
          const decoded = decodeFrame(p.bytes);
          if (decoded.ok && decoded.frame.type === 'entries' && decoded.frame.items.length > 0) carriers.push({ link, end, items: decoded.frame.items });
        }
      }
    }
    const target = prng.pick(carriers);
    if (target === undefined) return undefined;
    const sender = target.link.ends.find((e) => e !== target.end)!.node;
    const relays = this.links(target.end.node).filter((n) => n !== sender);
    const relay = prng.pick(relays);
    if (relay === undefined) return undefined;
    const entries = target.items.map(decode).filter((e): e is Entry => e !== undefined);
    const session = this.#meshes
      .get(relay)
      ?.sessions()
      .find((s) => s.state === 'open' && s.remotePeer === this.env.deviceOf(target.end.node));
    if (session === undefined || entries.length === 0) return undefined;
    const before = session.stats.entriesOut;
    session.push(entries);
    return `${relay} relays ${entries.length} entries already on their way ${sender}->${target.end.node} (${session.stats.entriesOut - before} sent at once)`;
  }

  /** A misbehaving peer: one bit of one entry text in an entries frame on its way is flipped (the frame stays well-formed). */
  corrupt(prng: Prng): FaultNote {
    const carriers: Array<{ link: Link; end: End; p: Pending }> = [];
    for (const link of this.#links.values()) {
      for (const end of link.ends) {
        for (const p of end.inbound) {
          if (p.kind !== 'frame') continue;
          const decoded = decodeFrame(p.bytes);
          if (decoded.ok && decoded.frame.type === 'entries' && decoded.frame.items.length > 0) carriers.push({ link, end, p });
        }
      }
    }
    const target = prng.pick(carriers);
    if (target === undefined) return undefined;
    const decoded = decodeFrame(target.p.bytes);
    if (!decoded.ok || decoded.frame.type !== 'entries') return undefined;
    const frame = decoded.frame;
    const which = prng.int(0, frame.items.length - 1);
    const text = frame.items[which]!;
    const at = prng.int(0, text.length - 1);
    const code = text.charCodeAt(at);
    // Keep it ASCII (entries are mostly ASCII): the damage is a changed byte, not a new encoding.
    const flipped = code < 128 ? code ^ (1 << prng.int(0, 6)) : code ^ 1;
    const damaged = text.slice(0, at) + String.fromCharCode(flipped) + text.slice(at + 1);
    const items = [...frame.items];
    items[which] = damaged;
    target.p.bytes = encodeFrame({ ...frame, items });
    this.env.onCorrupt(damaged);
    return `entries frame ${target.link.key} towards ${target.end.node}: text ${which} damaged at ${at}`;
  }

  /**
   * Split the nodes into two non-empty groups: half the time a random split, half
   * the time one node alone (a tablet whose Wi-Fi went off). Connections across close.
   */
  partition(prng: Prng): FaultNote {
    if (this.nodes.length < 2) return undefined;
    const alone = prng.chance(0.5) ? prng.int(0, this.nodes.length - 1) : -1;
    const side = this.nodes.map((_, i) => (alone < 0 ? prng.int(0, 1) : i === alone ? 1 : 0));
    if (side.every((s) => s === side[0])) side[prng.int(0, side.length - 1)] = 1 - side[0]!;
    this.nodes.forEach((node, i) => this.#group.set(node, side[i]!));
    const cut = this.cutUnreachable();
    return `partition ${this.nodes.filter((_, i) => side[i] === 0).join(',')} | ${this.nodes.filter((_, i) => side[i] === 1).join(',')} (${cut} connections closed)`;
  }

  /** Undo every partition (offline nodes stay offline); connections reopen as they are dialled again. */
  heal(): void {
    for (const node of this.nodes) this.#group.set(node, 0);
  }

  /** Drop every connection whose two ends can no longer reach each other (partition, offline). */
  cutUnreachable(): number {
    let cut = 0;
    for (const link of [...this.#links.values()]) {
      if (!this.linked(link.ends[0].node, link.ends[1].node)) {
        this.dropLink(link);
        cut++;
      }
    }
    return cut;
  }
}
