/**
 * A seeded, deterministic multi-peer network for sync tests (lib0/TigerBeetle style):
 * devices with in-memory journals, links that deliver frames in order per direction
 * but interleave the directions and links at random, cuts, partitions, restarts.
 * A failing run prints its seed; DAYBOOK_SEED replays it.
 */
import { countingNonce, sale, steppingClock, testDeps } from '../../journal/conformance-kit.ts';
import type { Journal } from '../../journal/journal.ts';
import { createMemoryStore, openMemoryJournal, type MemoryJournalStore } from '../../journal/memory-journal.ts';
import type { PeerId } from '../../core/types.ts';
import { createMesh, type Mesh, type MeshLogLine, type MeshOptions } from '../mesh.ts';
import type { Transport } from '../session.ts';

/** mulberry32: a small seeded generator; good enough to shuffle deliveries. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: DAYBOOK_SEED when set, else a fresh one. */
export function runSeed(): number {
  const fromEnv = Number(process.env['DAYBOOK_SEED']);
  return Number.isInteger(fromEnv) ? fromEnv : Math.floor(Math.random() * 2 ** 31);
}

export interface SimDevice {
  readonly peer: string;
  readonly store: MemoryJournalStore;
  journal: Journal;
  mesh: Mesh;
  logs: MeshLogLine[];
}

type Delivery = { kind: 'frame'; bytes: Uint8Array } | { kind: 'close' };

interface End {
  device: SimDevice;
  receive(bytes: unknown): void;
  closed(): void;
  /** Deliveries waiting to reach this end. */
  inbound: Delivery[];
  gone: boolean;
  /** The other end of the link, if any. */
  other?: End;
}

export interface SimLink {
  a: SimDevice;
  b: SimDevice;
  /** Cut the link: both ends see the connection lost; frames in flight are lost. */
  cut(): void;
  readonly up: boolean;
  /** Inject raw bytes as if `from` had sent them (a misbehaving peer). */
}

export class Sim {
  readonly random: () => number;
  readonly devices = new Map<string, SimDevice>();
  private readonly ends = new Set<End>();
  private readonly clock = steppingClock();
  /** Most frames ever waiting on one direction of a link, and the largest frame sent. */
  maxInFlight = 0;
  largestFrame = 0;
  /** Frames delivered per step before yielding to the event loop. */
  burst = 1;

  constructor(readonly seed: number, private readonly meshOptions: Partial<MeshOptions> = {}) {
    this.random = seededRandom(seed);
  }

  /** A device with an in-memory journal (a fresh store, or `store` to model a restart). */
  device(peer: string, store: MemoryJournalStore = createMemoryStore()): SimDevice {
    const journal = openMemoryJournal(testDeps({ peer: peer as PeerId, clock: this.clock, nonce: countingNonce(peer.slice(0, 4)) }), store);
    const logs: MeshLogLine[] = [];
    const mesh = createMesh({ journal, clock: this.clock, ...this.meshOptions, onLog: (line) => logs.push(line) });
    const device: SimDevice = { peer, store, journal, mesh, logs };
    this.devices.set(peer, device);
    return device;
  }

  /** Crash a device (its links are cut, nothing is said) and start it again on the same store. */
  async restart(device: SimDevice): Promise<SimDevice> {
    // The other side notices the connection is gone (in a browser: the data channel closes).
    for (const end of [...this.ends]) {
      if (end.device !== device) continue;
      this.drop(end);
      if (end.other !== undefined) this.drop(end.other);
    }
    device.mesh.close();
    await device.journal.close().catch(() => undefined);
    return this.device(device.peer, device.store);
  }

  /** Connect two devices. */
  link(a: SimDevice, b: SimDevice): SimLink {
    const endA = this.makeEnd(a);
    const endB = this.makeEnd(b);
    endA.other = endB;
    endB.other = endA;
    const transport = (self: End, other: End): Transport => ({
      send: (bytes) => {
        if (self.gone) throw new Error('closed');
        other.inbound.push({ kind: 'frame', bytes });
        this.maxInFlight = Math.max(this.maxInFlight, other.inbound.length);
        this.largestFrame = Math.max(this.largestFrame, bytes.byteLength);
      },
      close: () => {
        if (self.gone) return;
        self.gone = true;
        other.inbound.push({ kind: 'close' });
      },
    });
    const ta = transport(endA, endB);
    const tb = transport(endB, endA);
    const ca = a.mesh.connect(ta, `sim:${b.peer}`);
    endA.receive = ca.receive;
    endA.closed = ca.closed;
    const cb = b.mesh.connect(tb, `sim:${a.peer}`);
    endB.receive = cb.receive;
    endB.closed = cb.closed;
    return {
      a,
      b,
      cut: () => {
        this.drop(endA);
        this.drop(endB);
      },
      get up() {
        return !endA.gone && !endB.gone;
      },
    };
  }

  /** A raw end towards `device`: whatever the test sends reaches it as from a peer; what it answers is collected. */
  rawPeer(device: SimDevice): { send(bytes: Uint8Array): void; received: Uint8Array[]; readonly closed: boolean } {
    const received: Uint8Array[] = [];
    const end = this.makeEnd(device);
    let closed = false;
    const conn = device.mesh.connect(
      {
        send: (bytes) => {
          if (closed) throw new Error('closed');
          received.push(bytes);
        },
        close: () => {
          closed = true;
        },
      },
      'raw',
    );
    end.receive = conn.receive;
    end.closed = conn.closed;
    return {
      send: (bytes) => end.inbound.push({ kind: 'frame', bytes }),
      received,
      get closed() {
        return closed;
      },
    };
  }

  private makeEnd(device: SimDevice): End {
    const end: End = { device, receive: () => undefined, closed: () => undefined, inbound: [], gone: false };
    this.ends.add(end);
    return end;
  }

  private drop(end: End): void {
    end.inbound.length = 0;
    this.ends.delete(end);
    if (!end.gone) {
      end.gone = true;
      end.closed();
    }
  }

  /** Deliver one pending frame on a random end; false when nothing is pending. */
  step(): boolean {
    const busy = [...this.ends].filter((e) => e.inbound.length > 0);
    if (busy.length === 0) return false;
    const end = busy[Math.floor(this.random() * busy.length)]!;
    const next = end.inbound.shift()!;
    if (next.kind === 'close') this.drop(end);
    else end.receive(next.bytes);
    return true;
  }

  /** Run until no frame is in flight and every mesh is idle (or `maxSteps` pass: then throws). */
  async settle(maxSteps = 1_000_000): Promise<number> {
    let steps = 0;
    let quiet = 0;
    while (quiet < 3) {
      let delivered = false;
      for (let i = 0; i < this.burst && this.step(); i++) delivered = true;
      await new Promise((resolve) => setImmediate(resolve));
      const idle = [...this.devices.values()].every((d) => d.mesh.idle());
      quiet = delivered || !idle ? 0 : quiet + 1;
      if (++steps > maxSteps) throw new Error(`no quiet after ${maxSteps} steps (seed ${this.seed})`);
    }
    return steps;
  }

  /** Append `count` sales on a device. */
  async post(device: SimDevice, count: number, amount = 100): Promise<void> {
    for (let i = 0; i < count; i++) await device.journal.append(sale(amount + i));
  }
}
