/**
 * The stored log of one journal instance: the latest device state and unsealed
 * tail it knows, the keydir, and the three things done with them: refresh (catch
 * up with writes of other tabs), commit (a planned write, compare-and-set on the
 * state version) and scan (every entry, by blocks, then the tail).
 */
import type { Entry, EntryId, PeerId } from '../core/types.ts';
import { blockStart, parseBlock, sealedBlocks } from './blocks.ts';
import { checkIdentity, initialState } from './device-state.ts';
import { JournalClosedError, JournalError } from './errors.ts';
import { onResult, runTx, type Fail } from './idb-raw.ts';
import { stateKey, stateKeys, type IdbState, type JournalDb } from './idb-schema.ts';
import { issue, storesOf, type WritePlan } from './idb-writes.ts';
import { createKeydir, type Keydir } from './keydir.ts';

/** Blocks fetched per read while scanning: enough to keep the parser busy while the next read runs. */
const BLOCKS_PER_READ = 8;
/** Parsed blocks kept for get and range. */
const BLOCK_CACHE_MAX = 4;

/** A snapshot of the stored state and the tail it goes with. */
interface Snapshot {
  state: IdbState | undefined;
  /** Tail texts, present when the state's version differs from the one asked about. */
  tail?: string[];
}

export class IdbLog {
  state!: IdbState;
  /** Canonical texts of the unsealed tail: lsns [blockStart(sealed), state.nextLsn). */
  tail: string[] = [];
  readonly keydir: Keydir = createKeydir();
  /** Set once a scan has begun feeding the keydir; from then on refresh feeds it too. */
  private keydirFrom: number | undefined;
  private keydirBuild: Promise<void> | undefined;
  private keydirComplete = false;
  private readonly blockCache = new Map<number, Entry[]>();
  private refreshing: Promise<void> = Promise.resolve();
  /** Told about entries another instance (tab) stored, as refresh finds them. */
  onDiscovered: (entries: readonly Entry[]) => void = () => undefined;

  constructor(
    readonly db: JournalDb,
    readonly blockSize: number,
    readonly keyRange: typeof IDBKeyRange,
  ) {}

  /** The open IDBDatabase under Dexie. Throws JournalClosedError when there is none. */
  idb(): IDBDatabase {
    const idb = this.db.isOpen() ? this.db.backendDB() : undefined;
    if (idb === undefined || idb === null) throw new JournalClosedError('the database connection is closed');
    return idb;
  }

  /** Load the state (creating the journal's first state if there is none) and check whose it is. */
  async load(book: IdbState['book'], peer: IdbState['peer']): Promise<void> {
    let snap = await this.snapshot(undefined);
    if (snap.state === undefined) {
      const first: IdbState = { ...initialState(book, peer), authors: [], quarantineRows: 0 };
      // Add, not put: two tabs creating the journal at once must not both succeed.
      await runTx(this.idb(), ['log'], 'readwrite', (tx) => tx.objectStore('log').add(first, stateKey(0))).catch((error: unknown) => {
        if ((error as Error).name !== 'ConstraintError') throw error;
      });
      snap = await this.snapshot(undefined);
    }
    this.state = snap.state!;
    this.tail = snap.tail ?? [];
    checkIdentity(this.state, book, peer);
  }

  /** Read the newest state and, if its version is not `known`, the tail with it, in one transaction. */
  private async snapshot(known: number | undefined): Promise<Snapshot> {
    const snap: Snapshot = { state: undefined };
    await runTx(this.idb(), ['log'], 'readonly', (tx, fail) => {
      const log = tx.objectStore('log');
      onResult(log.openCursor(stateKeys(this.keyRange), 'prev'), fail, (cursor) => {
        snap.state = cursor?.value as IdbState | undefined;
        if (snap.state === undefined || snap.state.version === known) return;
        const from = blockStart(sealedBlocks(snap.state.nextLsn, this.blockSize), this.blockSize);
        if (from === snap.state.nextLsn) {
          snap.tail = [];
          return;
        }
        onResult(log.getAll(this.keyRange.bound(from, snap.state.nextLsn, false, true)), fail, (rows) => {
          snap.tail = rows as string[];
        });
      });
    });
    return snap;
  }

  /**
   * Catch up with writes made by other tabs. Once a scan has built (or is building)
   * the keydir, their entries are indexed and passed to onDiscovered; before that,
   * the coming scan will read them anyway.
   */
  refresh(): Promise<void> {
    // One at a time: two overlapping catch-ups would index and announce the same entries twice.
    const run = this.refreshing.then(() => this.catchUp());
    this.refreshing = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<void> {
    const snap = await this.snapshot(this.state.version);
    // Versions only grow; a snapshot older than a commit made meanwhile has nothing new.
    if (snap.state === undefined || snap.state.version <= this.state.version) return;
    const tailStart = blockStart(sealedBlocks(snap.state.nextLsn, this.blockSize), this.blockSize);
    if (snap.tail === undefined || snap.tail.length !== snap.state.nextLsn - tailStart) {
      throw new JournalError('the stored tail does not match the stored state');
    }
    const from = this.state.nextLsn;
    if (this.keydirFrom !== undefined && snap.state.nextLsn > from) await this.index(from, snap.state.nextLsn, snap.tail);
    if (snap.state.version <= this.state.version) return;
    this.state = snap.state;
    this.tail = snap.tail;
  }

  /** Add the entries with lsns [from, to) to the keydir, reading them from blocks and `tail`, and pass them on. */
  private async index(from: number, to: number, tail: readonly string[]): Promise<void> {
    const tailStart = blockStart(sealedBlocks(to, this.blockSize), this.blockSize);
    const found: Entry[] = [];
    for (let no = sealedBlocks(from, this.blockSize); no < sealedBlocks(to, this.blockSize); no++) {
      const entries = await this.block(no);
      entries.forEach((entry, i) => {
        const lsn = blockStart(no, this.blockSize) + i;
        if (lsn >= from) {
          this.keydir.add(entry, lsn);
          found.push(structuredClone(entry));
        }
      });
    }
    tail.forEach((text, i) => {
      if (tailStart + i < from) return;
      const entry = JSON.parse(text) as Entry;
      this.keydir.add(entry, tailStart + i);
      found.push(entry);
    });
    this.onDiscovered(found);
  }

  /**
   * Commit `plan` (made from this.state and this.tail). Resolves false when another
   * tab wrote first: refresh and plan again. `extra` issues more requests in the
   * same transaction (over `extraStores`) and may fail it.
   */
  async commit(plan: WritePlan, extraStores: readonly string[] = [], extra?: (tx: IDBTransaction, fail: Fail) => void): Promise<boolean> {
    const stores = [...storesOf(plan), ...extraStores];
    try {
      await runTx(
        this.idb(),
        stores,
        'readwrite',
        (tx, fail) => {
          extra?.(tx, fail);
          issue(tx, plan, this.keyRange, fail);
        },
        // Not committed early: the writes are issued once the compare-and-set read answers.
        { commitNow: false },
      );
    } catch (error) {
      if ((error as Error).name === 'ConstraintError') return false;
      throw error;
    }
    this.state = plan.state;
    this.tail = plan.tail;
    for (const { entry, lsn } of plan.entries) this.keydir.add(entry, lsn);
    return true;
  }

  /** Resolve once the keydir knows every stored entry (scanning them all the first time). */
  async ensureKeydir(): Promise<void> {
    if (this.keydirComplete) return;
    if (this.keydirBuild !== undefined) return this.keydirBuild;
    await this.scan(() => undefined);
  }

  /**
   * Hand every entry held to `onChunk` (a block at a time, then the tail), as of
   * the state when the scan starts; resolves to how many. The first scan also fills
   * the keydir (so the app's cold start builds it for free). Blocks never change
   * once written, so only the state and the tail need to come from one snapshot.
   */
  async scan(onChunk: (entries: readonly Entry[]) => void): Promise<number> {
    const feeding = !this.keydirComplete && this.keydirBuild === undefined;
    let settle: ((error?: Error) => void) | undefined;
    if (feeding) {
      const build = new Promise<void>((resolve, reject) => {
        settle = (error) => (error === undefined ? resolve() : reject(error));
      });
      build.catch(() => undefined); // a failed build is reported to whoever awaits it, and retried later
      this.keydirBuild = build;
    }
    try {
      const upTo = await this.scanFrom(onChunk, feeding);
      if (feeding) this.keydirComplete = true;
      settle?.();
      return upTo;
    } catch (error) {
      if (feeding) {
        this.keydirFrom = undefined;
        this.keydirBuild = undefined;
      }
      settle?.(error instanceof Error ? error : new Error(String(error)));
      throw error;
    }
  }

  private async scanFrom(onChunk: (entries: readonly Entry[]) => void, feeding: boolean): Promise<number> {
    await this.refresh();
    const upTo = this.state.nextLsn;
    const tail = this.tail;
    if (feeding) this.keydirFrom = upTo;
    await this.readBlocks(sealedBlocks(upTo, this.blockSize), (no, entries) => {
      if (feeding) entries.forEach((entry, i) => this.keydir.add(entry, blockStart(no, this.blockSize) + i));
      onChunk(entries);
    });
    const tailStart = blockStart(sealedBlocks(upTo, this.blockSize), this.blockSize);
    const entries = tail.map((text) => JSON.parse(text) as Entry);
    if (feeding) entries.forEach((entry, i) => this.keydir.add(entry, tailStart + i));
    if (entries.length > 0) onChunk(entries);
    return upTo;
  }

  /** Read blocks [0, count), the next few already in flight while the current ones are parsed. */
  private async readBlocks(count: number, each: (no: number, entries: Entry[]) => void): Promise<void> {
    const read = (from: number): Promise<string[]> =>
      from >= count ? Promise.resolve([]) : this.getAll('blocks', this.keyRange.bound(from, Math.min(from + BLOCKS_PER_READ, count), false, true));
    let pending = read(0);
    for (let from = 0; from < count; from += BLOCKS_PER_READ) {
      const texts = await pending;
      pending = read(from + BLOCKS_PER_READ);
      if (texts.length !== Math.min(BLOCKS_PER_READ, count - from)) throw new JournalError(`blocks from ${from} are missing`);
      texts.forEach((text, i) => each(from + i, this.mustParse(text, from + i)));
    }
  }

  private mustParse(text: string, no: number): Entry[] {
    const entries = parseBlock(text, this.blockSize);
    if (entries === undefined) throw new JournalError(`block ${no} is damaged`);
    return entries;
  }

  private async getAll(store: string, range: IDBKeyRange): Promise<string[]> {
    let result: string[] = [];
    await runTx(this.idb(), [store], 'readonly', (tx, fail) =>
      onResult(tx.objectStore(store).getAll(range), fail, (rows) => {
        result = rows as string[];
      }),
    );
    return result;
  }

  /** The parsed entries of sealed block `no` (a few are cached for get and range). */
  private async block(no: number): Promise<Entry[]> {
    const cached = this.blockCache.get(no);
    if (cached !== undefined) return cached;
    const [text] = await this.getAll('blocks', this.keyRange.only(no));
    if (text === undefined) throw new JournalError(`block ${no} is missing`);
    const entries = this.mustParse(text, no);
    if (this.blockCache.size >= BLOCK_CACHE_MAX) this.blockCache.delete(this.blockCache.keys().next().value!);
    this.blockCache.set(no, entries);
    return entries;
  }

  /** The entry stored at `lsn` (below state.nextLsn). A fresh copy the caller owns. */
  async entryAt(lsn: number): Promise<Entry> {
    const tailStart = blockStart(sealedBlocks(this.state.nextLsn, this.blockSize), this.blockSize);
    if (lsn >= tailStart) return JSON.parse(this.tail[lsn - tailStart]!) as Entry;
    const no = Math.floor(lsn / this.blockSize);
    return structuredClone((await this.block(no))[lsn - blockStart(no, this.blockSize)]!);
  }

  /** The entry with this id, or undefined. */
  async get(id: EntryId): Promise<Entry | undefined> {
    await this.refresh();
    await this.ensureKeydir();
    const lsn = this.keydir.lsnOf(id);
    return lsn === undefined ? undefined : this.entryAt(lsn);
  }

  /** One author's entries in a seq range, by seq then id. */
  async range(peer: PeerId, fromSeq: number, toSeq: number, max: number): Promise<Entry[]> {
    await this.refresh();
    await this.ensureKeydir();
    const entries = await Promise.all(this.keydir.lsnsOf(peer, fromSeq, toSeq, max).map((lsn) => this.entryAt(lsn)));
    return entries.sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : 1));
  }
}
