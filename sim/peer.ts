/**
 * One simulated device: a tablet or a hub, running the real in-memory journal and
 * the real query store, with its clock, its storage and its network address under
 * the world's control. Beside the real parts it keeps a model of what its journal
 * must hold (every resolved append, every genuine entry delivered to it), which the
 * invariants compare with what the journal really holds.
 *
 * Storage outlives a crash (the journal's store object is kept and reopened);
 * eviction replaces it with an empty one, and the tablet comes back as a new device.
 */
import { devSigner, devVerifier } from '../src/core/entry.ts';
import { fold } from '../src/core/fold.ts';
import { frontierOf } from '../src/core/frontier.ts';
import type { AuthorFrontier, Ledger } from '../src/core/ledger.ts';
import type { BookId, Entry, EntryId, PeerId, PeriodId } from '../src/core/types.ts';
import type { AppendInput, Journal } from '../src/journal/journal.ts';
import { createMemoryStore, openMemoryJournal, type MemoryJournalStore } from '../src/journal/memory-journal.ts';
import { QueryStore } from '../src/query/store.ts';
import type { FrontierLine } from '../src/sync/frame.ts';
import type { IngestReport } from '../src/journal/journal.ts';
import { lineHolds, type HaveLine } from './held-by.ts';

export type PeerKind = 'tablet' | 'hub';

/** What the world knows about every entry text in the run. */
export interface Registry {
  /** The id of a genuine entry text (one an author made), else undefined. */
  idOfText(text: string): EntryId | undefined;
  /** True for a text the network damaged. */
  isDamaged(text: string): boolean;
  /** Record an entry a device made, with the world time it was made at. */
  made(entry: Entry, atMs: number): void;
  /** Entries newly held by `peer` through ingest (an entry thought lost may come back from the wire). */
  ingested(peer: SimPeer, accepted: readonly Entry[]): void;
  /** The peer opened its journal (start, restart, after a wipe): its sync starts over it. */
  opened(peer: SimPeer): void;
  /** The peer's process died: its connections drop. */
  crashed(peer: SimPeer): void;
}

/** What the journal must hold, kept by the simulator beside the real thing. */
export interface PeerModel {
  held: Set<EntryId>;
  drafts: Set<string>;
  /** Damaged copies delivered: the journal must have refused exactly these. */
  refused: number;
}

/** An append the app started and the journal has not committed yet. */
export interface PendingAppend {
  input: AppendInput;
  startedMs: number;
}

export interface PeerEnv {
  book: BookId;
  /** World time, ms since the epoch. */
  now(): number;
  nonce(): string;
  registry: Registry;
}

interface View {
  entries: Entry[];
  frontier?: Map<PeerId, AuthorFrontier>;
  ledger?: Ledger;
}

export class SimPeer {
  device: PeerId;
  /** 1 for the first identity on this node; grows with each eviction. */
  generation = 1;
  store: MemoryJournalStore = createMemoryStore();
  journal: Journal | undefined;
  query: QueryStore | undefined;
  clockOffsetMs = 0;
  pending: PendingAppend[] = [];
  model: PeerModel = { held: new Set(), drafts: new Set(), refused: 0 };
  /** The last have heard from each device: the "held by N devices" figure. Kept across restarts (as if in the device settings), gone with a wipe. */
  readonly heardFrom = new Map<string, Map<PeerId, HaveLine>>();
  /** Periods seen final here, with their figures: a final period must never change. */
  readonly finals = new Map<PeriodId, string>();
  /** An error thrown by the query store while applying entries (a product bug if ever set). */
  listenerError: unknown;
  /** Set when the journal changed since the invariants last looked. */
  dirty = true;
  /** Batches the query store applied on its fast path, and by folding again. */
  readonly applies = { fast: 0, refold: 0 };
  #view: View | undefined;

  constructor(
    readonly node: string,
    readonly kind: PeerKind,
    private readonly env: PeerEnv,
  ) {
    this.device = node as PeerId;
  }

  get relays(): boolean {
    return this.kind === 'hub';
  }

  get up(): boolean {
    return this.journal !== undefined;
  }

  /** This device's wall clock: the world's, plus its skew. */
  clockMs(): number {
    return this.env.now() + this.clockOffsetMs;
  }

  /** Open the journal over the stored content and load the query store from it (a start or restart). */
  async open(): Promise<void> {
    const journal = openMemoryJournal(
      { book: this.env.book, peer: this.device, signer: devSigner, verify: devVerifier, clock: () => this.clockMs(), nonce: () => this.env.nonce() },
      this.store,
    );
    const query = new QueryStore();
    query.load(await journal.all());
    journal.onEntries((added) => {
      try {
        query.apply(added);
        if (query.lastApply.added > 0) this.applies[query.lastApply.fast ? 'fast' : 'refold']++;
      } catch (error) {
        this.listenerError ??= error;
      }
      this.touch();
    });
    this.journal = journal;
    this.query = query;
    this.touch();
    this.env.registry.opened(this);
  }

  /**
   * The journal as sync sees it: the real one, with ingest also keeping the model
   * (what was delivered must be held, damaged copies refused). Everything else is
   * the journal's own method, bound to it.
   */
  syncJournal(): Journal {
    const journal = this.mustJournal();
    const ingest = async (texts: readonly unknown[], from: string): Promise<IngestReport> => {
      const report = await journal.ingest(texts, from);
      this.noteIngest(texts, report);
      return report;
    };
    return new Proxy(journal, {
      get(target, prop) {
        if (prop === 'ingest') return ingest;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /**
   * The process dies: storage stays, pending appends are gone (the caller decides
   * which of them committed first). What the device heard from others is assumed
   * kept with its settings, so the "held by" figure survives a restart.
   */
  crash(): PendingAppend[] {
    if (this.journal !== undefined) this.env.registry.crashed(this);
    const lost = this.pending;
    this.pending = [];
    this.journal = undefined;
    this.query = undefined;
    this.touch();
    return lost;
  }

  /** The browser wiped the storage: the tablet starts over as a new device. */
  evict(): void {
    this.crash();
    this.heardFrom.clear();
    this.store = createMemoryStore();
    this.generation++;
    this.device = `${this.node}.${this.generation}` as PeerId;
    this.model = { held: new Set(), drafts: new Set(), refused: 0 };
    this.finals.clear();
  }

  mustJournal(): Journal {
    if (this.journal === undefined) throw new Error(`${this.node} is down`);
    return this.journal;
  }

  mustQuery(): QueryStore {
    if (this.query === undefined) throw new Error(`${this.node} is down`);
    return this.query;
  }

  /** Append for the app, registering the entry; the caller decides whether the app saw it resolve. */
  async append(input: AppendInput): Promise<Entry> {
    const entry = await this.mustJournal().append(input);
    this.env.registry.made(entry, this.env.now());
    this.model.held.add(entry.id);
    return entry;
  }

  /** Save a draft as this device's next entry (one transaction), registering it like an append. */
  async saveDraft(id: string): Promise<Entry> {
    const entry = await this.mustJournal().drafts.save(id);
    this.env.registry.made(entry, this.env.now());
    this.model.held.add(entry.id);
    this.model.drafts.delete(id);
    return entry;
  }

  touch(): void {
    this.dirty = true;
    this.#view = undefined;
  }

  // ---- the journal as the invariants and the actions read it --------------

  async entries(): Promise<Entry[]> {
    this.#view ??= { entries: await this.mustJournal().all() };
    return this.#view.entries;
  }

  /** The core's fold of everything held: the reference the query store must equal. */
  async ledger(): Promise<Ledger> {
    const entries = await this.entries();
    const view = this.#view!;
    view.ledger ??= fold(entries);
    return view.ledger;
  }

  // ---- sync ------------------------------------------------------------------

  async frontier(): Promise<ReadonlyMap<PeerId, AuthorFrontier>> {
    const entries = await this.entries();
    const view = this.#view!;
    view.frontier ??= frontierOf(entries);
    return view.frontier;
  }

  /** Ingest texts from a device directly (pairing), keeping the model. */
  async ingest(texts: readonly string[], fromDevice: string): Promise<readonly Entry[]> {
    const journal = this.mustJournal();
    const report = await journal.ingest(texts, fromDevice);
    this.noteIngest(texts, report);
    return report.accepted;
  }

  /** After an ingest: genuine texts must be held from now on, damaged ones refused. */
  private noteIngest(texts: readonly unknown[], report: IngestReport): void {
    for (const text of texts) {
      const id = typeof text === 'string' ? this.env.registry.idOfText(text) : undefined;
      if (id !== undefined) this.model.held.add(id);
      else if (typeof text === 'string' && this.env.registry.isDamaged(text)) this.model.refused++;
      // A product bug (sync made up a text): reported by the invariants, not thrown into the session.
      else this.listenerError ??= new Error(`sync handed ${this.node} a text nobody made: ${String(text).slice(0, 120)}`);
    }
    this.env.registry.ingested(this, report.accepted);
    // A refusal changes no entry, but the quarantine count must be checked.
    if (report.refused.length > 0) this.dirty = true;
  }

  /** A session heard `device`'s frontier: the "held by N devices" figure is made of these. */
  heard(device: string, lines: readonly FrontierLine[]): void {
    if (device === this.device) return;
    this.heardFrom.set(device, new Map(lines.map((line): [PeerId, HaveLine] => [line.peer as PeerId, { peer: line.peer as PeerId, contiguous: line.contiguous, highest: line.highest, missing: line.gaps.map(([a, b]): [number, number] => [a, b]) }])));
  }

  /**
   * How many devices this one believes hold (author, seq): itself when it holds it,
   * plus every device whose last have said so. Stale by design: a device that was
   * wiped since it spoke still counts, which is exactly what the figure can get wrong.
   */
  heldBy(author: PeerId, seq: number, holdsItself: boolean): number {
    let n = holdsItself ? 1 : 0;
    for (const lines of this.heardFrom.values()) if (lineHolds(lines.get(author), seq)) n++;
    return n;
  }
}
