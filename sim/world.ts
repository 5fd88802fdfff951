/**
 * The simulated world: N tablets (one of them the manager's, which owns the book
 * and closes periods) and one or two hubs, driven by one seeded PRNG and a virtual
 * clock. Only time, randomness, the network and storage are simulated; the
 * journal, the query store, the core and the sync (src/sync meshes and sessions,
 * exchanging real frames over network.ts's connections) are the real ones.
 *
 * The world holds what no single device knows: every entry text ever made (so a
 * damaged copy is told apart from a genuine one), which appends resolved, which
 * entries were lost with a wiped tablet, and every final period's figures.
 */
import { devVerifier, encodeEntry } from '../src/core/entry.ts';
import { businessDateFromUtcMs } from '../src/core/dates.ts';
import type { BookId, BusinessDate, Entry, EntryId, PeerId, PeriodId } from '../src/core/types.ts';
import type { RosterMember } from '../src/core/ledger.ts';
import type { AppendInput } from '../src/journal/journal.ts';
import { decodeEntry } from '../src/core/validate.ts';
import { createMesh, type Mesh } from '../src/sync/mesh.ts';
import { SimNetwork } from './network.ts';
import { SimPeer, type Registry } from './peer.ts';
import { NANOID_ALPHABET, Prng } from './prng.ts';
import { emptyEvictionStats, type EvictionStats } from './eviction.ts';
import { fail } from './invariants.ts';

export interface WorldOptions {
  seed: number;
  /** Tablets, the manager's included (default 8). */
  tablets: number;
  /** 1 or 2; undefined lets the seed choose. */
  hubs?: number;
  /** Credit every session grants, in frames (default: the product's, syncLimits.creditWindowFrames); small windows stress flow control. */
  creditWindowFrames?: number;
}

/** Fixed parameters of every world. */
export const SIM = {
  /** 2025-03-01T08:00:00Z. */
  startMs: 1_740_816_000_000,
  /** Each step moves the world clock by a uniform 0..2x this. */
  meanStepMs: 12 * 60_000,
  /** Latency profiles a seed chooses among (mean ms): a LAN, a slow link, a congested one, a very poor one. */
  latencyMeansMs: [200, 20_000, 180_000, 900_000],
} as const;

/** Counters of one run: actions and faults by kind, invariant checks by name. */
export interface RunCounts {
  actions: Record<string, number>;
  checks: Record<string, number>;
  /** Appends that resolved (the app saw them), committed without resolving, and lost in a crash. */
  resolved: number;
  committedUnresolved: number;
  lostInCrash: number;
  /** sealBody refused after the simulator's own checks said it would not. */
  sealRefusedAfterCheck: number;
  /** Frames delivered over the simulated connections. */
  delivered: number;
}

export class World {
  readonly prng: Prng;
  readonly book = 'sim-book' as BookId;
  nowMs: number = SIM.startMs;
  stepNo = 0;
  readonly peers: SimPeer[] = [];
  readonly network: SimNetwork;
  readonly counts: RunCounts = { actions: {}, checks: {}, resolved: 0, committedUnresolved: 0, lostInCrash: 0, sealRefusedAfterCheck: 0, delivered: 0 };
  readonly eviction: EvictionStats = emptyEvictionStats();
  /** Genuine entry texts and their ids. */
  readonly texts = new Map<string, EntryId>();
  /** Author, seq and world time of every entry a device made. */
  readonly made = new Map<EntryId, { peer: PeerId; seq: number; atMs: number }>();
  /** Entries whose append resolved: the promise the journal made to the app. */
  readonly resolved = new Set<EntryId>();
  /** Entries whose last copy went with a wiped tablet (until one arrives again from the wire). */
  readonly lost = new Set<EntryId>();
  /** Damaged texts the network made. */
  readonly corrupted = new Set<string>();
  /** Figures of each period the first time any peer saw it final. */
  readonly finals = new Map<PeriodId, { figures: string; peer: string }>();
  /** Device ids that a wiped tablet used to have. */
  readonly oldIdentities: PeerId[] = [];
  readonly windowDays: number;
  readonly latencyMeanMs: number;
  readonly recent: string[] = [];
  /** The last frontier object each session reported, so each is read once. */
  readonly #heard = new WeakMap<object, true>();

  constructor(readonly options: WorldOptions) {
    this.prng = new Prng(options.seed);
    this.windowDays = this.prng.pick([1, 2, 28])!;
    this.latencyMeanMs = this.prng.pick(SIM.latencyMeansMs)!;
    const hubs = options.hubs ?? this.prng.int(1, 2);
    const nodes = ['M', ...Array.from({ length: options.tablets - 1 }, (_, i) => `T${i + 1}`), ...Array.from({ length: hubs }, (_, i) => `H${i + 1}`)];
    this.network = new SimNetwork(nodes, {
      isUp: (node) => this.peer(node).up,
      now: () => this.nowMs,
      prng: this.prng,
      latency: { meanMs: this.latencyMeanMs },
      onCorrupt: (text) => this.corrupted.add(text),
      delivered: (node) => this.heardBy(node),
      deviceOf: (node) => this.peer(node).device,
    });
    const registry: Registry = {
      idOfText: (text) => this.texts.get(text),
      isDamaged: (text) => this.corrupted.has(text),
      made: (entry, atMs) => {
        this.texts.set(encodeEntry(entry), entry.id);
        this.made.set(entry.id, { peer: entry.peer, seq: entry.seq, atMs });
      },
      ingested: (_peer, accepted) => {
        for (const entry of accepted) if (this.lost.delete(entry.id)) this.eviction.rescuedFromWire++;
      },
      opened: (peer) => this.network.attach(peer.node, this.meshFor(peer)),
      crashed: (peer) => this.network.detach(peer.node),
    };
    const env = { book: this.book, now: () => this.nowMs, nonce: () => this.prng.string(NANOID_ALPHABET, 21), registry };
    for (const node of nodes) {
      const peer = new SimPeer(node, node.startsWith('H') ? 'hub' : 'tablet', env);
      this.peers.push(peer);
    }
  }

  /** Open every peer, write the book's genesis and enrol the tablets; every peer starts with those entries (pairing). */
  async setup(): Promise<void> {
    for (const peer of this.peers) await peer.open();
    const manager = this.manager;
    const made: Entry[] = [];
    made.push(await manager.append({ kind: 'book', body: { name: 'Sim store', currency: 'EUR', timezone: 'UTC', period: 'day', windowDays: this.windowDays } }));
    for (const peer of this.tablets()) {
      if (peer === manager) continue;
      // T1 may enrol devices too, so a wiped tablet can rejoin while the manager is cut off.
      const roles: RosterMember['roles'] = peer.node === 'T1' ? ['enrol'] : [];
      made.push(await manager.append({ kind: 'join', body: { device: peer.device, name: peer.node, key: '', roles } }));
    }
    for (const entry of made) this.resolved.add(entry.id);
    this.counts.resolved += made.length;
    const texts = made.map(encodeEntry);
    for (const peer of this.peers) if (peer !== manager) await peer.ingest(texts, manager.device);
  }

  get manager(): SimPeer {
    return this.peers[0]!;
  }

  peer(node: string): SimPeer {
    const found = this.peers.find((p) => p.node === node);
    if (found === undefined) throw new Error(`no node ${node}`);
    return found;
  }

  /** The real sync of a device that just opened its journal: a mesh over it, its log counted. */
  private meshFor(peer: SimPeer): Mesh {
    return createMesh({
      journal: peer.syncJournal(),
      clock: () => this.nowMs,
      ...(this.options.creditWindowFrames === undefined ? {} : { session: { creditWindowFrames: this.options.creditWindowFrames } }),
      onLog: (line) => {
        const events = this.network.stats.events;
        events[line.event] = (events[line.event] ?? 0) + 1;
      },
    });
  }

  /** After a delivery to `node`: what its sessions heard of others' frontiers feeds its "held by N" figure. */
  private heardBy(node: string): void {
    const peer = this.peer(node);
    for (const session of this.network.mesh(node)?.sessions() ?? []) {
      const lines = session.remoteFrontier;
      if (lines === undefined || session.remotePeer === undefined || this.#heard.has(lines)) continue;
      this.#heard.set(lines, true);
      peer.heard(session.remotePeer, lines);
    }
  }

  /** An entry text as an Entry, when it is a genuine one (for a relay fault). */
  decode(text: string): Entry | undefined {
    if (!this.texts.has(text)) return undefined;
    const result = decodeEntry(text, { verify: devVerifier });
    return result.ok ? result.value : undefined;
  }

  tablets(): SimPeer[] {
    return this.peers.filter((p) => p.kind === 'tablet');
  }

  /** Tablets that are up and, in their own books, enrolled and not retired: the ones a clerk can write on. */
  active(): SimPeer[] {
    return this.tablets().filter((p) => p.up && isActiveMember(p.mustQuery().roster(), p.device));
  }

  /** A device's business date now (the book keeps UTC dates). */
  dateOf(peer: SimPeer): BusinessDate {
    return businessDateFromUtcMs(peer.clockMs(), 0);
  }

  /** Count an action or a fault, and keep its note for a failure report. */
  note(kind: string, detail: string): void {
    this.counts.actions[kind] = (this.counts.actions[kind] ?? 0) + 1;
    this.recent.push(`#${this.stepNo} ${kind}: ${detail}`);
    if (this.recent.length > 40) this.recent.shift();
  }

  check(name: string): void {
    this.counts.checks[name] = (this.counts.checks[name] ?? 0) + 1;
  }

  /**
   * Dial what can be dialled, then deliver every frame due by `untilMs` (what
   * deliveries send may fall due too), in due order, letting the journals finish
   * what each frame started. More than `deliveriesMax` in one go is a message
   * storm: a failure.
   */
  async deliverDue(untilMs: number = this.nowMs, deliveriesMax = 100_000): Promise<number> {
    let delivered = 0;
    this.network.connectAll();
    await settleMicrotasks();
    while (this.network.deliverOne(untilMs)) {
      if (++delivered >= deliveriesMax) fail('network-storm', `more than ${deliveriesMax} frames delivered without the clock moving`);
      await settleMicrotasks();
    }
    this.counts.delivered += delivered;
    return delivered;
  }

  /** An append the app saw resolve: recorded as a promise kept, and pushed live to the peer's links. */
  async appendResolved(peer: SimPeer, input: AppendInput): Promise<Entry> {
    const entry = await peer.append(input);
    this.resolved.add(entry.id);
    this.counts.resolved++;
    // The mesh pushes it live to every connection (it hears the journal's onEntries).
    return entry;
  }
}

/** True when `device` is in the roster and not retired. */
export function isActiveMember(roster: readonly RosterMember[], device: PeerId): boolean {
  const member = roster.find((m) => m.peer === device);
  return member !== undefined && member.lastSeq === undefined;
}

/**
 * Let every promise the last delivery started run to its end (the in-memory
 * journal and the sessions use promises, never timers). setImmediate is only a
 * way to wait for the microtask queue to empty: it decides nothing, so the run
 * stays deterministic.
 */
export async function settleMicrotasks(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}
