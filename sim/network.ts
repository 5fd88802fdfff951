/**
 * The simulated network: every message in flight sits in one queue with the world
 * time it is due, drawn from the run's latency profile. The world delivers what is
 * due; faults drop, duplicate, reorder (swap due times), delay or damage messages
 * in flight. Links exist between nodes that are up and in the same partition
 * group. It implements gossip.ts's Transport, so any sync engine can run over it.
 */
import type { Transport } from './gossip.ts';
import type { Prng } from './prng.ts';
import type { SyncMessage } from './protocol.ts';

export interface InFlight {
  /** Unique per world, in send order. */
  id: number;
  from: string;
  to: string;
  message: SyncMessage;
  /** World time it arrives at, if the link still stands then. */
  dueMs: number;
}

/** How long messages take: most arrive after about `meanMs`, a few much later. */
export interface LatencyProfile {
  meanMs: number;
}

/** What a fault did, for the trace; undefined when there was nothing to do it to. */
export type FaultNote = string | undefined;

export class SimNetwork implements Transport {
  readonly queue: InFlight[] = [];
  /** Partition group of each node; nodes talk only within a group. */
  readonly #group = new Map<string, number>();
  #nextId = 1;
  /** Messages sent across a link that was gone by delivery time, or to a node that was down. */
  undeliverable = 0;

  constructor(
    readonly nodes: readonly string[],
    private readonly env: {
      isUp: (node: string) => boolean;
      now: () => number;
      prng: Prng;
      latency: LatencyProfile;
      /** Called with each damaged text, so the receiver's refusal can be told apart from a genuine one. */
      onCorrupt: (text: string) => void;
    },
  ) {
    for (const node of nodes) this.#group.set(node, 0);
  }

  send(from: string, to: string, message: SyncMessage): boolean {
    if (!this.linked(from, to)) return false;
    this.queue.push({ id: this.#nextId++, from, to, message, dueMs: this.env.now() + this.latencyMs() });
    return true;
  }

  /** Exponential around the mean, and one message in fifty on a slow path (ten times the mean). */
  private latencyMs(): number {
    const { prng, latency } = this.env;
    const mean = prng.chance(0.02) ? latency.meanMs * 10 : latency.meanMs;
    return Math.round(-Math.log(1 - prng.float()) * mean);
  }

  links(node: string): string[] {
    return this.nodes.filter((other) => other !== node && this.linked(node, other));
  }

  /** Nodes cut off from everyone (a tablet whose Wi-Fi is off), whatever the partition. */
  readonly offline = new Set<string>();

  /** True when both nodes are up, online, and on the same side of every partition. */
  linked(a: string, b: string): boolean {
    if (a === b || this.offline.has(a) || this.offline.has(b)) return false;
    return this.env.isUp(a) && this.env.isUp(b) && this.#group.get(a) === this.#group.get(b);
  }

  /** True when some link is cut by a partition. */
  get partitioned(): boolean {
    return new Set(this.#group.values()).size > 1;
  }

  /**
   * Take the message due first if it is due by `nowMs` (all of them when
   * `nowMs` is Infinity), ties by send order. Undefined when none is due.
   */
  takeDue(nowMs: number): InFlight | undefined {
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      const m = this.queue[i]!;
      if (m.dueMs <= nowMs && (best < 0 || m.dueMs < this.queue[best]!.dueMs)) best = i;
    }
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  /** Whether a taken message can arrive now (the link may have gone since it was sent). */
  deliverable(message: InFlight): boolean {
    if (this.linked(message.from, message.to)) return true;
    // The receiver crashed or a partition cut the link while the message was on the wire.
    this.undeliverable++;
    return false;
  }

  drop(prng: Prng): FaultNote {
    const index = this.randomIndex(prng);
    if (index === undefined) return undefined;
    const [gone] = this.queue.splice(index, 1);
    return `dropped #${gone!.id} ${gone!.message.type} ${gone!.from}->${gone!.to}`;
  }

  duplicate(prng: Prng): FaultNote {
    const index = this.randomIndex(prng);
    if (index === undefined) return undefined;
    const original = this.queue[index]!;
    const copy: InFlight = { ...original, id: this.#nextId++, message: structuredClone(original.message), dueMs: original.dueMs + this.latencyMs() };
    this.queue.push(copy);
    return `duplicated #${original.id} as #${copy.id}`;
  }

  /** Two messages in flight swap their arrival times. */
  reorder(prng: Prng): FaultNote {
    if (this.queue.length < 2) return undefined;
    const a = this.queue[prng.int(0, this.queue.length - 1)]!;
    const b = this.queue[prng.int(0, this.queue.length - 1)]!;
    [a.dueMs, b.dueMs] = [b.dueMs, a.dueMs];
    return `swapped #${a.id} and #${b.id}`;
  }

  /** A message is held up for 5 minutes to 2 hours. */
  delay(prng: Prng): FaultNote {
    const index = this.randomIndex(prng);
    if (index === undefined) return undefined;
    const late = this.queue[index]!;
    const byMs = prng.int(5, 120) * 60_000;
    late.dueMs += byMs;
    return `delayed #${late.id} by ${byMs / 60_000} min`;
  }

  /** Flip one low bit of one ASCII character of one entry text in flight. */
  corrupt(prng: Prng): FaultNote {
    const carriers = this.queue.filter((m) => m.message.type === 'entries');
    const target = prng.pick(carriers);
    if (target === undefined || target.message.type !== 'entries') return undefined;
    const texts = target.message.texts;
    const which = prng.int(0, texts.length - 1);
    const text = texts[which]!;
    const at = prng.int(0, text.length - 1);
    const code = text.charCodeAt(at);
    // Keep it ASCII (entries are mostly ASCII): the damage is a changed byte, not a new encoding.
    const flipped = code < 128 ? code ^ (1 << prng.int(0, 6)) : code ^ 1;
    const damaged = text.slice(0, at) + String.fromCharCode(flipped) + text.slice(at + 1);
    texts[which] = damaged;
    this.env.onCorrupt(damaged);
    return `corrupted #${target.id} text ${which} at ${at}`;
  }

  /**
   * Split the nodes into two non-empty groups: half the time a random split, half
   * the time one node alone (a tablet whose Wi-Fi went off).
   */
  partition(prng: Prng): FaultNote {
    if (this.nodes.length < 2) return undefined;
    const alone = prng.chance(0.5) ? prng.int(0, this.nodes.length - 1) : -1;
    const side = this.nodes.map((_, i) => (alone < 0 ? prng.int(0, 1) : i === alone ? 1 : 0));
    if (side.every((s) => s === side[0])) side[prng.int(0, side.length - 1)] = 1 - side[0]!;
    this.nodes.forEach((node, i) => this.#group.set(node, side[i]!));
    return `partition ${this.nodes.filter((_, i) => side[i] === 0).join(',')} | ${this.nodes.filter((_, i) => side[i] === 1).join(',')}`;
  }

  /** Undo every partition (offline nodes stay offline). */
  heal(): void {
    for (const node of this.nodes) this.#group.set(node, 0);
  }

  private randomIndex(prng: Prng): number | undefined {
    return this.queue.length === 0 ? undefined : prng.int(0, this.queue.length - 1);
  }
}
