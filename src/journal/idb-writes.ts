/**
 * What one write of the stored journal changes, planned in memory from the state
 * and tail it starts from, then issued as requests in one transaction. Planning is
 * pure (tested on its own); `issue` first checks that the newest state is the one
 * planned from, so a write that lost the race to another tab fails before it writes.
 */
import { journalLimits } from '../core/limits.ts';
import type { Entry } from '../core/types.ts';
import { addSeqs, emptyAuthor, seqsByAuthor, type AuthorRow } from './authors.ts';
import { blockStart, blockText, blocksSealedBy, sealedBlocks } from './blocks.ts';
import { onResult, type Fail } from './idb-raw.ts';
import { stateKey, stateKeys, type IdbState, type StateKey } from './idb-schema.ts';
import type { QuarantineRecord } from './journal.ts';

/** Every this many versions (and whenever a block is sealed) the superseded states are removed. */
const STATE_SWEEP = 64;

/** The stores a plan writes to. */
export function storesOf(plan: WritePlan): string[] {
  return ['log', ...(plan.blocks.length > 0 ? ['blocks'] : []), ...(plan.quarantine.length > 0 ? ['quarantine'] : [])];
}

/** A new entry and its canonical text. */
export interface NewEntry {
  entry: Entry;
  text: string;
}

export interface WritePlan {
  /** The state this write was planned from (its version is the compare-and-set). */
  from: IdbState;
  /** The state after it: version + 1. */
  state: IdbState;
  /** The new entries and the lsn each gets. */
  entries: Array<NewEntry & { lsn: number }>;
  /** Tail rows to add: [lsn, text]. */
  tailRows: Array<[number, string]>;
  /** Blocks sealed: [no, text]. */
  blocks: Array<[number, string]>;
  /** Tail rows to remove because a block now holds them: lsns in [from, to). */
  tailDrop?: [number, number];
  /** The unsealed tail after the write. */
  tail: string[];
  quarantine: QuarantineRecord[];
}

/**
 * Plan storing `items` (entries not held yet) after `from`, whose unsealed tail is
 * `tail`, with `next` holding the counters after them (next.nextLsn and
 * next.version are set here). Pure.
 */
export function planWrite(
  from: IdbState,
  tail: readonly string[],
  items: readonly NewEntry[],
  next: IdbState,
  blockSize: number,
  quarantine: QuarantineRecord[] = [],
): WritePlan {
  const first = from.nextLsn;
  const end = first + items.length;
  const base = blockStart(sealedBlocks(first, blockSize), blockSize);
  const texts = [...tail, ...items.map((item) => item.text)];
  const sealed = blocksSealedBy(first, end, blockSize);
  const newBase = blockStart(sealedBlocks(end, blockSize), blockSize);
  const plan: WritePlan = {
    from,
    state: { ...next, authors: authorsAfter(from.authors, items), nextLsn: end, version: from.version + 1 },
    entries: items.map((item, i) => ({ ...item, lsn: first + i })),
    tailRows: items.flatMap((item, i): Array<[number, string]> => (first + i >= newBase ? [[first + i, item.text]] : [])),
    blocks: sealed.map((no): [number, string] => [no, blockText(texts.slice(blockStart(no, blockSize) - base, blockStart(no + 1, blockSize) - base))]),
    tail: texts.slice(newBase - base),
    quarantine,
  };
  if (sealed.length > 0 && first > base) plan.tailDrop = [base, first];
  return plan;
}

function authorsAfter(authors: readonly AuthorRow[], items: readonly NewEntry[]): AuthorRow[] {
  if (items.length === 0) return [...authors];
  const byPeer = new Map(authors.map((row) => [row.peer, row]));
  for (const [peer, seqs] of seqsByAuthor(items.map((item) => item.entry))) {
    byPeer.set(peer, addSeqs(byPeer.get(peer) ?? emptyAuthor(peer), seqs));
  }
  return [...byPeer.values()].sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0));
}

/** Quarantine rows for refused inputs, numbered on from `state`, while there is room. */
export function quarantineRows(
  state: IdbState,
  refused: ReadonlyArray<Omit<QuarantineRecord, 'no'>>,
): QuarantineRecord[] {
  const room = Math.max(0, journalLimits.quarantineRowsMax - state.quarantineRows);
  return refused.slice(0, room).map((r, i) => ({ ...r, no: state.nextQuarantineNo + i }));
}

/**
 * Issue the plan's requests on `tx` (over storesOf(plan)), after the compare-and-set:
 * the newest state held must still be the one the plan starts from, or the
 * transaction fails with a ConstraintError (another tab committed first).
 *
 * Why a read and not only the `add` of the next version's key: sweeping superseded
 * states deletes their keys, and a writer that fell several versions behind would
 * add one of those keys again without a conflict, writing a seq another tab already
 * used (two tabs appending at once produced repeated seqs this way).
 */
export function issue(tx: IDBTransaction, plan: WritePlan, keyRange: typeof IDBKeyRange, fail: Fail): void {
  const log = tx.objectStore('log');
  onResult(log.openKeyCursor(stateKeys(keyRange), 'prev'), fail, (cursor) => {
    const newest = cursor === null ? undefined : (cursor.key as StateKey)[1];
    if (newest !== plan.from.version) {
      fail(new DOMException(`the journal moved on to version ${newest ?? 'none'} since version ${plan.from.version}`, 'ConstraintError'));
      return;
    }
    issueWrites(tx, plan, keyRange);
  });
}

function issueWrites(tx: IDBTransaction, plan: WritePlan, keyRange: typeof IDBKeyRange): void {
  const log = tx.objectStore('log');
  // The new state's key is also unique: a second line of defence for the compare-and-set.
  log.add(plan.state, stateKey(plan.state.version));
  // Older states are dropped now and then, not on every write: one request less on the append path.
  if (plan.blocks.length > 0 || plan.state.version % STATE_SWEEP === 0) log.delete(keyRange.bound(stateKey(0), stateKey(plan.from.version)));
  if (plan.tailDrop !== undefined) log.delete(keyRange.bound(plan.tailDrop[0], plan.tailDrop[1], false, true));
  for (const [lsn, text] of plan.tailRows) log.add(text, lsn);
  if (plan.blocks.length > 0) {
    const blocks = tx.objectStore('blocks');
    for (const [no, text] of plan.blocks) blocks.add(text, no);
  }
  if (plan.quarantine.length > 0) {
    const quarantine = tx.objectStore('quarantine');
    for (const row of plan.quarantine) quarantine.add(row);
  }
}
