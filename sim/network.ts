/**
 * The simulated network: every message in flight sits in one queue, and the world
 * decides when each is delivered, dropped, duplicated, reordered, delayed or
 * damaged. Links exist between nodes that are up and in the same partition group.
 * It implements gossip.ts's Transport, so any sync engine can run over it.
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
    private readonly isUp: (node: string) => boolean,
    /** Called with each damaged text, so the receiver's refusal can be told apart from a genuine one. */
    private readonly onCorrupt: (text: string) => void,
  ) {
    for (const node of nodes) this.#group.set(node, 0);
  }

  send(from: string, to: string, message: SyncMessage): boolean {
    if (!this.linked(from, to)) return false;
    this.queue.push({ id: this.#nextId++, from, to, message });
    return true;
  }

  links(node: string): string[] {
    return this.nodes.filter((other) => other !== node && this.linked(node, other));
  }

  /** True when both nodes are up and on the same side of every partition. */
  linked(a: string, b: string): boolean {
    return a !== b && this.isUp(a) && this.isUp(b) && this.#group.get(a) === this.#group.get(b);
  }

  /** True when some link is cut by a partition. */
  get partitioned(): boolean {
    return new Set(this.#group.values()).size > 1;
  }

  /**
   * Take the message to deliver next: the oldest, or now and then a random one
   * (networks reorder). Undefined when nothing is in flight.
   */
  take(prng: Prng): InFlight | undefined {
    if (this.queue.length === 0) return undefined;
    const index = prng.chance(0.1) ? prng.int(0, this.queue.length - 1) : 0;
    return this.queue.splice(index, 1)[0];
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
    const copy: InFlight = { ...original, id: this.#nextId++, message: structuredClone(original.message) };
    this.queue.splice(prng.int(index, this.queue.length), 0, copy);
    return `duplicated #${original.id} as #${copy.id}`;
  }

  /** Swap two messages in flight. */
  reorder(prng: Prng): FaultNote {
    if (this.queue.length < 2) return undefined;
    const a = prng.int(0, this.queue.length - 1);
    const b = prng.int(0, this.queue.length - 1);
    const note = `swapped #${this.queue[a]!.id} and #${this.queue[b]!.id}`;
    [this.queue[a], this.queue[b]] = [this.queue[b]!, this.queue[a]!];
    return note;
  }

  /** Move a message to the back of the queue: it arrives after everything in flight now. */
  delay(prng: Prng): FaultNote {
    const index = this.randomIndex(prng);
    if (index === undefined) return undefined;
    const [late] = this.queue.splice(index, 1);
    this.queue.push(late!);
    return `delayed #${late!.id}`;
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
    this.onCorrupt(damaged);
    return `corrupted #${target.id} text ${which} at ${at}`;
  }

  /** Split the nodes into two random non-empty groups. */
  partition(prng: Prng): FaultNote {
    if (this.nodes.length < 2) return undefined;
    const side = this.nodes.map(() => prng.int(0, 1));
    if (side.every((s) => s === side[0])) side[prng.int(0, side.length - 1)] = 1 - side[0]!;
    this.nodes.forEach((node, i) => this.#group.set(node, side[i]!));
    return `partition ${this.nodes.filter((_, i) => side[i] === 0).join(',')} | ${this.nodes.filter((_, i) => side[i] === 1).join(',')}`;
  }

  heal(): void {
    for (const node of this.nodes) this.#group.set(node, 0);
  }

  private randomIndex(prng: Prng): number | undefined {
    return this.queue.length === 0 ? undefined : prng.int(0, this.queue.length - 1);
  }
}
