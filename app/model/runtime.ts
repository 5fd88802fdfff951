/**
 * The tablet runtime behind the screens: the device's journal in IndexedDB, the
 * query store loaded from it and kept current with every entry the journal adds
 * (own appends, entries from peers, other tabs' writes), sync with the other devices,
 * storage persistence, and a status the screens can show.
 *
 * The store is the only thing screens read for the books; the journal is written
 * only through this runtime's methods, whose failures come back as messages a
 * person can read (never a thrown error on a screen).
 */
import { nanoid } from 'nanoid';
import { devSigner, devVerifier } from '../../src/core/entry.ts';
import type { BookSettings } from '../../src/core/ledger.ts';
import type { BusinessDate, Entry, PeerId } from '../../src/core/types.ts';
import { JournalRefusedError } from '../../src/journal/errors.ts';
import { openIdbJournal } from '../../src/journal/idb-journal.ts';
import { journalDbName } from '../../src/journal/idb-schema.ts';
import type { AppendInput, Draft, DraftInput, Journal, JournalDeps, StorageStatus } from '../../src/journal/journal.ts';
import { QueryStore } from '../../src/query/index.ts';
import type { Presence } from '../../src/sync/presence.ts';
import type { TabletSync, TabletSyncOptions } from '../../src/sync/tablet.ts';
import { businessDateAt } from './dates.ts';
import type { DeviceIdentity } from './identity.ts';
import { currencyDecimals } from './money.ts';
import { atRiskCount } from './sync-status.ts';

/** How often the status (peers, presence, what is at risk) is refreshed, in ms. */
export const statusIntervalMs = 1500;
/** How often storage usage and the quarantine are read again, in ms. */
export const storageIntervalMs = 15_000;

export interface RuntimeStatus {
  /** The browser says it has a network. */
  online: boolean;
  /** Sync runs in this tab (one tab per book leads). */
  syncing: boolean;
  /** Devices connected now (their ids). */
  peers: string[];
  /** This device's own entries that no other device is known to hold yet. */
  atRisk: number;
  presence?: Presence;
  storage?: StorageStatus;
  /** The browser refused to keep the storage when asked (it may be evicted). */
  persistRefused: boolean;
  /** Each configured hub and its connection state (while this tab syncs). */
  hubs: Array<{ url: string; state: 'connecting' | 'open' | 'closed' }>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

export interface RuntimeOptions {
  /** Wall clock (ms); Date.now by default. */
  clock?: () => number;
  /** Start sync (default true). */
  sync?: boolean;
  /** Hear how the start goes: entries read so far, then 'folding' before the books are computed. */
  onProgress?: (read: number, phase: 'reading' | 'folding') => void;
}

type Listener = () => void;

/** The message a person reads for a failed journal write. */
export function messageOf(error: unknown): string {
  if (error instanceof JournalRefusedError) return error.refusal.message;
  if (error instanceof Error) {
    if (error.name === 'JournalQuotaError') return 'The tablet’s storage is full: nothing was saved. Free some space or ask for more storage on the Devices screen.';
    return `Nothing was saved: ${error.message}`;
  }
  return 'Nothing was saved: an unknown error.';
}

/** A performance mark (figures for benchmarks and tests: how long a start took, step by step). */
function mark(name: string): void {
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(name);
}

export class Runtime {
  readonly store = new QueryStore();
  readonly clock: () => number;
  #status: RuntimeStatus = { online: true, syncing: false, peers: [], atRisk: 0, persistRefused: false, hubs: [] };
  readonly #statusListeners = new Set<Listener>();
  readonly #entryListeners = new Set<Listener>();
  #sync: TabletSync | undefined;
  #timers: Array<ReturnType<typeof setInterval>> = [];
  #stopEntries: (() => void) | undefined;
  #quarantineSeen = 0;
  #closed = false;
  /** Entries version: grows with every batch the store applies. */
  version = 0;

  private constructor(
    readonly identity: DeviceIdentity,
    readonly journal: Journal,
    clock: () => number,
  ) {
    this.clock = clock;
  }

  /**
   * Open this device's journal, load the books, and (unless told not to) start sync.
   * Entries the journal adds while the books load are applied once they are loaded.
   */
  static async open(identity: DeviceIdentity, options: RuntimeOptions = {}): Promise<Runtime> {
    const clock = options.clock ?? (() => Date.now());
    let zone = 'UTC';
    const deps: JournalDeps = {
      book: identity.book,
      peer: identity.peer,
      signer: devSigner,
      verify: devVerifier,
      clock,
      nonce: () => nanoid(),
      dateOf: (ms) => businessDateAt(zone, ms),
    };
    mark('daybook:open-start');
    // One database per book and device: a browser profile that held another device of
    // the same book (a re-pairing) never opens that device's journal as its own.
    const journal = await openIdbJournal(deps, { name: `${journalDbName(identity.book)}:${identity.peer}` });
    mark('daybook:journal-open');
    const runtime = new Runtime(identity, journal, clock);
    const early: Entry[] = [];
    let loaded = false;
    runtime.#stopEntries = journal.onEntries((added) => {
      if (!loaded) early.push(...added);
      else runtime.#apply(added);
    });
    const all: Entry[] = [];
    await journal.scan((chunk) => {
      all.push(...chunk);
      options.onProgress?.(all.length, 'reading');
    });
    mark('daybook:journal-read');
    if (options.onProgress !== undefined && all.length > 0) {
      options.onProgress(all.length, 'folding');
      // Let the page paint the progress before the books are computed (one long task).
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    runtime.store.load(all);
    mark('daybook:books-loaded');
    loaded = true;
    if (early.length > 0) runtime.store.apply(early);
    zone = runtime.settings?.timezone ?? 'UTC';
    // Time zone of a book that arrives later by sync.
    runtime.onEntries(() => {
      zone = runtime.settings?.timezone ?? zone;
    });
    await runtime.#readQuarantine();
    runtime.#timers.push(setInterval(() => void runtime.refreshStatus(), statusIntervalMs));
    runtime.#timers.push(setInterval(() => void runtime.#slowRefresh(), storageIntervalMs));
    void runtime.#slowRefresh();
    if (options.sync !== false) void runtime.startSync();
    return runtime;
  }

  /** The book's settings, once its genesis is held. */
  get settings(): BookSettings | undefined {
    return this.store.structure.settings;
  }

  get decimals(): number {
    return currencyDecimals(this.settings?.currency ?? 'EUR');
  }

  get peer(): PeerId {
    return this.identity.peer;
  }

  /** Now, as a business date in the book's zone. */
  nowDate(): BusinessDate {
    return businessDateAt(this.settings?.timezone ?? 'UTC', this.clock());
  }

  get status(): RuntimeStatus {
    return this.#status;
  }

  /** Hear about status changes. Returns the unsubscribe function. */
  onStatus(listener: Listener): () => void {
    this.#statusListeners.add(listener);
    return () => void this.#statusListeners.delete(listener);
  }

  /** Hear about every batch of entries applied to the store. Returns the unsubscribe function. */
  onEntries(listener: Listener): () => void {
    this.#entryListeners.add(listener);
    return () => void this.#entryListeners.delete(listener);
  }

  /** Append this device's next entry; a refusal or a storage failure comes back as a message. */
  async append(input: AppendInput): Promise<Outcome<Entry>> {
    try {
      return { ok: true, value: await this.journal.append(input) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  async createDraft(input: DraftInput): Promise<Outcome<Draft>> {
    try {
      return { ok: true, value: await this.journal.drafts.create(input) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  async editDraft(id: string, input: DraftInput, version: number): Promise<Outcome<Draft>> {
    try {
      return { ok: true, value: await this.journal.drafts.edit(id, input, version) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  /** Turn a draft into an entry (the draft goes, the entry appears, atomically). */
  async saveDraft(id: string, version: number): Promise<Outcome<Entry>> {
    try {
      return { ok: true, value: await this.journal.drafts.save(id, version) };
    } catch (error) {
      return { ok: false, message: messageOf(error) };
    }
  }

  /** Ask the browser to keep this origin's storage; records a refusal for the screens. */
  async persist(): Promise<boolean> {
    const granted = await this.journal.persist();
    this.#setStatus({ persistRefused: !granted, storage: await this.journal.storageStatus() });
    return granted;
  }

  /** Start syncing (sync code is loaded on demand: it is not needed for the first paint). */
  async startSync(): Promise<void> {
    if (this.#sync !== undefined || this.#closed) return;
    const { startTabletSync } = await import('../../src/sync/tablet.ts');
    if (this.#closed || this.#sync !== undefined) return;
    const options: TabletSyncOptions = {
      journal: this.journal,
      secret: this.identity.secret,
      signaling: this.identity.signaling,
      clock: this.clock,
    };
    if (this.identity.hubs.length > 0) options.hubs = this.identity.hubs;
    this.#sync = startTabletSync(options);
    void this.refreshStatus();
  }

  /** Stop syncing (the tablet keeps working alone). */
  stopSync(): void {
    this.#sync?.stop();
    this.#sync = undefined;
    void this.refreshStatus();
  }

  /** Read peers and presence again and tell the status listeners. */
  async refreshStatus(): Promise<void> {
    if (this.#closed) return;
    const mesh = this.#sync?.mesh();
    const presence = mesh === undefined ? undefined : await mesh.presence().catch(() => undefined);
    const own = this.store.frontier().find((f) => f.peer === this.peer);
    const ownSeq = own?.highest ?? 0;
    const held = this.#heldElsewhere();
    const heldBy = presence === undefined ? undefined : (seq: number): number => presence.heldBy(this.peer, seq);
    const atRisk = atRiskCount(ownSeq, heldBy, held);
    if (heldBy !== undefined) this.#noteHeldElsewhere(ownSeq - atRisk);
    const next: Partial<RuntimeStatus> = {
      online: typeof navigator === 'undefined' ? true : navigator.onLine,
      syncing: mesh !== undefined,
      peers: presence?.online ?? [],
      atRisk,
      hubs: (this.#sync?.hubs() ?? []).map((dial, i) => ({ url: this.identity.hubs[i] ?? '', state: dial.state() })),
    };
    if (presence !== undefined) next.presence = presence;
    this.#setStatus(next);
  }

  /** Stop everything and release the journal. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearInterval(t);
    this.#sync?.stop();
    this.#stopEntries?.();
    await this.journal.close();
  }

  #apply(added: readonly Entry[]): void {
    this.store.apply(added);
    this.version++;
    for (const l of [...this.#entryListeners]) l();
  }

  async #slowRefresh(): Promise<void> {
    if (this.#closed) return;
    await this.#readQuarantine().catch(() => undefined);
    this.#setStatus({ storage: await this.journal.storageStatus() });
  }

  async #readQuarantine(): Promise<void> {
    const records = await this.journal.quarantine({ afterNo: this.#quarantineSeen, limit: 1000 });
    if (records.length === 0) return;
    this.#quarantineSeen = records[records.length - 1]!.no;
    this.store.applyQuarantine(records);
  }

  #heldKey(): string {
    return `daybook:held-elsewhere:${this.identity.book}:${this.peer}`;
  }

  /** The highest own seq another device was last seen to hold (remembered across restarts). */
  #heldElsewhere(): number {
    const value = typeof localStorage === 'undefined' ? 0 : Number(localStorage.getItem(this.#heldKey()) ?? 0);
    return Number.isSafeInteger(value) && value > 0 ? value : 0;
  }

  #noteHeldElsewhere(seq: number): void {
    if (typeof localStorage === 'undefined' || seq <= this.#heldElsewhere()) return;
    localStorage.setItem(this.#heldKey(), String(seq));
  }

  #setStatus(patch: Partial<RuntimeStatus>): void {
    this.#status = { ...this.#status, ...patch };
    for (const l of [...this.#statusListeners]) l();
  }
}
