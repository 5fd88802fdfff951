/**
 * The simulated sync engine: anti-entropy by frontiers plus live pushes, over a
 * Transport. A peer announces what it holds; the receiver pulls what it lacks and,
 * when it holds something the announcer lacks, announces back (once: a reply is
 * never answered with another have). Entries travel as canonical texts in frames
 * of at most `frameBytesMax` bytes, and every receiver validates them through its
 * journal's ingest: the network is untrusted.
 *
 * The engine knows its peer only through GossipHost and the network only through
 * Transport, so src/sync's real protocol logic can take its place behind the same
 * two interfaces without touching the world or the invariants.
 */
import { encodeEntry } from '../src/core/entry.ts';
import type { AuthorFrontier, SeqRange } from '../src/core/ledger.ts';
import type { Entry, PeerId } from '../src/core/types.ts';
import { haveOf, holdsWhatTheyLack, packFrames, wantFrom, type HaveLine, type Sender, type SyncMessage } from './protocol.ts';

/** The network as a peer sees it. */
export interface Transport {
  /** Put `message` on the wire from `from` to `to`. False (nothing sent) when there is no link now. */
  send(from: string, to: string, message: SyncMessage): boolean;
  /** The nodes `node` has a link to right now, in a stable order. */
  links(node: string): string[];
}

/** What the engine needs of the peer it runs on. */
export interface GossipHost {
  /** Network address. */
  readonly node: string;
  /** Device id the peer speaks as (changes when a wiped tablet comes back as a new device). */
  readonly device: string;
  /** Hubs relay every newly accepted entry to their other links. */
  readonly relays: boolean;
  /** What the peer's journal holds, by author. */
  frontier(): Promise<ReadonlyMap<PeerId, AuthorFrontier>>;
  /** The journal's range(): one author's entries in [from, to], at most `rangeBatchMax`. */
  range(peer: PeerId, from: number, to: number): Promise<Entry[]>;
  /** The journal's ingest(); resolves to the entries newly accepted. */
  ingest(texts: readonly string[], from: Sender): Promise<readonly Entry[]>;
  /** A peer told us what it holds (the "held by N devices" figure is made of these). */
  heard(from: Sender, lines: readonly HaveLine[]): void;
}

export interface GossipOptions {
  frameBytesMax: number;
  /** Entries asked of the journal per range() call (its own cap is journalLimits.ingestBatchMax). */
  rangeBatchMax: number;
}

/** Counters shared by every engine of a world. */
export interface GossipStats {
  haves: number;
  wants: number;
  frames: number;
  entriesSent: number;
  /** Entries received that were not new: already held, or refused as damaged. */
  entriesRedundant: number;
  /** Sends refused because there was no link. */
  noLink: number;
}

export function emptyGossipStats(): GossipStats {
  return { haves: 0, wants: 0, frames: 0, entriesSent: 0, entriesRedundant: 0, noLink: 0 };
}

export class Gossip {
  constructor(
    private readonly host: GossipHost,
    private readonly transport: Transport,
    private readonly options: GossipOptions,
    private readonly stats: GossipStats,
  ) {}

  private get me(): Sender {
    return { node: this.host.node, device: this.host.device };
  }

  /** Tell `to` what this peer holds. */
  async announce(to: string, reply = false): Promise<void> {
    const lines = haveOf(await this.host.frontier());
    this.stats.haves++;
    this.send(to, { type: 'have', from: this.me, lines, reply });
  }

  /** Push entries to every link (but `except`): a new append, or a hub's relay. */
  push(entries: readonly Entry[], except?: string): void {
    if (entries.length === 0) return;
    const texts = entries.map(encodeEntry);
    for (const to of this.transport.links(this.host.node)) {
      if (to !== except) this.sendTexts(to, texts);
    }
  }

  /** Handle one delivered message. */
  async receive(message: SyncMessage): Promise<void> {
    switch (message.type) {
      case 'have':
        return this.onHave(message.from, message.lines, message.reply);
      case 'want':
        return this.onWant(message.from, message.ranges);
      case 'entries':
        return this.onEntries(message.from, message.texts);
    }
  }

  private async onHave(from: Sender, lines: readonly HaveLine[], reply: boolean): Promise<void> {
    this.host.heard(from, lines);
    const mine = await this.host.frontier();
    const ranges = wantFrom(lines, mine);
    if (ranges.length > 0) {
      this.stats.wants++;
      this.send(from.node, { type: 'want', from: this.me, ranges });
    }
    if (!reply && holdsWhatTheyLack(mine, lines)) await this.announce(from.node, true);
  }

  private async onWant(from: Sender, ranges: readonly SeqRange[]): Promise<void> {
    const texts: string[] = [];
    for (const range of ranges) {
      for (let seq = range.from; seq <= range.to; seq += this.options.rangeBatchMax) {
        const to = Math.min(range.to, seq + this.options.rangeBatchMax - 1);
        for (const entry of await this.host.range(range.peer, seq, to)) texts.push(encodeEntry(entry));
      }
    }
    this.sendTexts(from.node, texts);
  }

  private async onEntries(from: Sender, texts: readonly string[]): Promise<void> {
    const accepted = await this.host.ingest(texts, from);
    this.stats.entriesRedundant += texts.length - accepted.length;
    if (this.host.relays) this.push(accepted, from.node);
  }

  private sendTexts(to: string, texts: readonly string[]): void {
    for (const frame of packFrames(texts, this.options.frameBytesMax)) {
      if (this.send(to, { type: 'entries', from: this.me, texts: frame })) {
        this.stats.frames++;
        this.stats.entriesSent += frame.length;
      }
    }
  }

  private send(to: string, message: SyncMessage): boolean {
    const sent = this.transport.send(this.host.node, to, message);
    if (!sent) this.stats.noLink++;
    return sent;
  }
}
