/**
 * The stored journal under Node, on fake-indexeddb: the conformance suite, then what
 * only storage can do wrong: quota and aborted transactions (nothing partly
 * written), a connection the browser closes, another tab writing, damaged blocks.
 * The same suite runs again in real Chromium (e2e/journal.spec.ts).
 */
import { IDBFactory, IDBKeyRange, IDBObjectStore as FakeObjectStore, IDBTransaction as FakeTransaction, forceCloseDatabase } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import { propertyRuns } from '../testing/runs.ts';
import { blockText } from './blocks.ts';
import { journalConformance } from './conformance.ts';
import { peerChain, sale, testDeps } from './conformance-kit.ts';
import { openIdbJournal, type IdbJournalOptions } from './idb-journal.ts';
import { journalDb } from './idb-schema.ts';
import type { JournalDeps } from './journal.ts';

let nextDb = 0;

/** A fresh fake IndexedDB, and the connections opened on it (to close them as a browser would). */
function fakeIdb(): { options: IdbJournalOptions; connections: IDBDatabase[] } {
  const idb = new IDBFactory();
  const connections: IDBDatabase[] = [];
  const tracking = Object.create(idb) as IDBFactory;
  tracking.open = (name: string, version?: number) => {
    const request = idb.open(name, version);
    request.addEventListener('success', () => connections.push(request.result));
    return request;
  };
  return { options: { indexedDB: tracking, IDBKeyRange, name: `journal-${++nextDb}` }, connections };
}

const factory = (blockEntries: number) => async () => {
  const { options } = fakeIdb();
  return { open: (deps: JournalDeps) => openIdbJournal(deps, { ...options, blockEntries }), dispose: async () => undefined };
};

describe('idb journal (fake-indexeddb): conformance, blocks of 4 entries', () => {
  for (const c of journalConformance(factory(4), { propertyRuns: propertyRuns() })) it(c.name, c.run);
});

/**
 * Faults, as a browser produces them: a write refused for quota (thrown by the
 * request), or a transaction aborted when it commits (a failed commit, or the
 * connection closed under it).
 */
interface Fault {
  stores: string[];
  kind: 'quota' | 'abort' | 'close';
  connections?: IDBDatabase[];
}
let fault: Fault | undefined;
type Write = IDBObjectStore['add'];
const originalAdd: Write = FakeObjectStore.prototype.add;
const originalPut: Write = FakeObjectStore.prototype.put;
const originalCommit: IDBTransaction['commit'] = FakeTransaction.prototype.commit;
function faulty(original: Write): Write {
  return function (this: IDBObjectStore, ...args: Parameters<Write>): IDBRequest<IDBValidKey> {
    if (fault?.kind === 'quota' && fault.stores.includes(this.name)) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const request = original.apply(this, args);
    // A write issued after a read (the compare-and-set) in a transaction that is not
    // committed early: abort it at its first write instead of at commit().
    const now = fault;
    if (now !== undefined && now.kind !== 'quota' && now.stores.includes(this.name)) {
      fault = undefined;
      this.transaction.abort();
      if (now.kind === 'close') for (const c of now.connections ?? []) forceClose(c);
    }
    return request;
  };
}
FakeObjectStore.prototype.add = faulty(originalAdd);
FakeObjectStore.prototype.put = faulty(originalPut);
FakeTransaction.prototype.commit = function (this: IDBTransaction): void {
  const now = fault;
  if (now === undefined || now.kind === 'quota' || !now.stores.some((s) => this.objectStoreNames.contains(s))) return originalCommit.call(this);
  fault = undefined;
  this.abort();
  if (now.kind === 'close') for (const c of now.connections ?? []) forceClose(c);
};
afterEach(() => {
  fault = undefined;
});

/** What a browser does when it closes a connection on its own (WebKit, backgrounded page): abort, close, tell. */
function forceClose(connection: IDBDatabase): void {
  (forceCloseDatabase as unknown as (db: IDBDatabase) => void)(connection);
}

describe('idb journal (fake-indexeddb): storage failures write nothing', () => {
  it('a quota error is a JournalQuotaError, with nothing written and the counters unchanged', async () => {
    const journal = await openIdbJournal(testDeps(), fakeIdb().options);
    const first = await journal.append(sale(1));
    const draft = await journal.drafts.create(sale(2));
    fault = { stores: ['log', 'blocks'], kind: 'quota' };
    await expect(journal.append(sale(3))).rejects.toMatchObject({ name: 'JournalQuotaError', code: 'quota' });
    await expect(journal.drafts.save(draft.id)).rejects.toMatchObject({ name: 'JournalQuotaError' });
    await expect(journal.ingest(peerChain('T2', 3), 'T2')).rejects.toMatchObject({ name: 'JournalQuotaError' });
    fault = undefined;
    expect(await journal.count()).toBe(1);
    expect(await journal.device()).toMatchObject({ seq: 1, head: first.id });
    expect(await journal.drafts.get(draft.id)).toEqual(draft);
    expect(await journal.authors()).toEqual([{ peer: 'T1', contiguous: 1, highest: 1, count: 1 }]);
    const next = await journal.drafts.save(draft.id);
    expect([next.seq, next.prev]).toEqual([2, first.id]);
    await journal.close();
  });

  it('an aborted transaction is a JournalAbortError, with nothing written', async () => {
    const journal = await openIdbJournal(testDeps(), { ...fakeIdb().options, blockEntries: 2 });
    await journal.append(sale(1));
    fault = { stores: ['log'], kind: 'abort' };
    // This append would also seal block 0: the block must vanish with the rest.
    await expect(journal.append(sale(2))).rejects.toMatchObject({ name: 'JournalAbortError', code: 'abort' });
    expect(await journal.count()).toBe(1);
    expect((await journal.device()).seq).toBe(1);
    expect((await journal.append(sale(3))).seq).toBe(2);
    expect((await journal.all()).map((e) => e.seq)).toEqual([1, 2]);
    await journal.close();
  });

  it('recovers from a connection the browser closed, between writes and in the middle of one', async () => {
    const { options, connections } = fakeIdb();
    const journal = await openIdbJournal(testDeps(), options);
    await journal.append(sale(1));
    connections.forEach(forceClose);
    expect((await journal.append(sale(2))).seq).toBe(2);
    expect(await journal.count()).toBe(2);
    connections.forEach((c) => c.close()); // closed without telling anyone
    expect((await journal.append(sale(3))).seq).toBe(3);
    fault = { stores: ['log'], kind: 'close', connections: [...connections] };
    expect((await journal.append(sale(4))).seq).toBe(4);
    expect((await journal.all()).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    await journal.close();
  });
});

describe('idb journal (fake-indexeddb): layout and concurrency', () => {
  it('two tabs appending at once never hand out the same seq', async () => {
    const { options } = fakeIdb();
    const deps = testDeps();
    const [a, b] = await Promise.all([openIdbJournal(deps, options), openIdbJournal(deps, options)]);
    const entries = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? a : b).append(sale(i + 1))));
    expect(entries.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const all = await a.all();
    const bySeq = new Map(all.map((e) => [e.seq, e]));
    for (const e of all) expect(e.prev).toBe(e.seq === 1 ? null : bySeq.get(e.seq - 1)!.id);
    await Promise.all([a.close(), b.close()]);
  });

  it('stores sealed blocks of blockEntries entries plus the tail, and reads them back at cold start', async () => {
    const { options } = fakeIdb();
    const journal = await openIdbJournal(testDeps(), options);
    const chain = peerChain('T2', 2 * journalLimits.blockEntries + 77);
    await journal.ingest(chain.slice(0, 1500), 'T2');
    const mine = await journal.append(sale(1));
    await journal.ingest(chain.slice(1500), 'T2');
    const texts = [...chain.slice(0, 1500), mine, ...chain.slice(1500)].map(encodeEntry);
    await journal.close();
    const db = journalDb(options.name!, options);
    const blocks = await db.blocks.toArray();
    const tail = await db.log.where(':id').between(0, Infinity).toArray();
    expect(blocks).toEqual([0, 1].map((no) => blockText(texts.slice(no * journalLimits.blockEntries, (no + 1) * journalLimits.blockEntries))));
    expect(tail).toEqual(texts.slice(2 * journalLimits.blockEntries));
    // A fresh journal (a cold start) reads the same entries, and knows their ids.
    const again = await openIdbJournal(testDeps(), options);
    expect((await again.all()).map(encodeEntry)).toEqual(texts);
    expect(await again.get(chain[5]!.id)).toEqual(chain[5]);
    expect((await again.ingest(chain, 'T2')).duplicates).toBe(chain.length);
    // A damaged block is an error, never a silently shorter journal.
    await db.blocks.put('[{"truncated', 1);
    db.close();
    const third = await openIdbJournal(testDeps(), options);
    await expect(third.all()).rejects.toMatchObject({ name: 'JournalError' });
    await Promise.all([again.close(), third.close()]);
  });

  it('one tab sees what another tab wrote: entries, counters, duplicates', async () => {
    const { options } = fakeIdb();
    const deps = testDeps();
    const a = await openIdbJournal(deps, options);
    const b = await openIdbJournal(deps, options);
    const chain = peerChain('T2', 10);
    expect(await b.count()).toBe(0);
    await a.ingest(chain.slice(0, 6), 'T2');
    await b.all(); // b's keydir is built now, and must follow a's later writes
    const mine = await a.append(sale(3));
    await a.ingest(chain.slice(6), 'T2');
    expect(await b.count()).toBe(11);
    expect(await b.get(mine.id)).toEqual(mine);
    expect((await b.ingest(chain, 'T2')).duplicates).toBe(10);
    expect((await b.append(sale(4))).prev).toBe(mine.id);
    await Promise.all([a.close(), b.close()]);
  });

  it("a tab's listeners hear another tab's entries, announced after its commit", async () => {
    const { options } = fakeIdb();
    const deps = testDeps();
    const [a, b] = [await openIdbJournal(deps, options), await openIdbJournal(deps, options)];
    await b.all(); // the app's cold start in tab b
    const heard: string[] = [];
    b.onEntries((added) => heard.push(...added.map((e) => e.id)));
    const mine = await a.append(sale(1));
    const theirs = (await a.ingest(peerChain('T2', 2), 'T2')).accepted;
    const want = [mine.id, ...theirs.map((e) => e.id)];
    await expect.poll(() => heard, { timeout: 2000 }).toEqual(want);
    await Promise.all([a.close(), b.close()]);
  });
});
