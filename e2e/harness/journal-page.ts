/**
 * The journal harness page: the stored journal in a real browser, driven by
 * e2e/journal.spec.ts through `window.daybook`. Real dependencies: the wall clock,
 * nanoid nonces, the dev signature scheme.
 */
import { nanoid } from 'nanoid';
import { canonicalString } from '../../src/core/canonical.ts';
import { devSigner, devVerifier, encodeEntry } from '../../src/core/entry.ts';
import { journalLimits } from '../../src/core/limits.ts';
import type { BookId, PeerId, TxnBody } from '../../src/core/types.ts';
import { validate } from '../../src/core/validate.ts';
import { journalConformance, type ConformanceCase } from '../../src/journal/conformance.ts';
import { openIdbJournal } from '../../src/journal/idb-journal.ts';
import { journalDb, journalDbName } from '../../src/journal/idb-schema.ts';
import type { Journal, JournalDeps } from '../../src/journal/journal.ts';

const BOOK = 'B1' as BookId;
const PEER = 'T1' as PeerId;

function realDeps(): JournalDeps {
  return { book: BOOK, peer: PEER, signer: devSigner, verify: devVerifier, clock: () => Date.now(), nonce: () => nanoid() };
}

let journal: Journal | undefined;
let blockSize: number = journalLimits.blockEntries;
/** Ids of every entry the journal's onEntries listener heard of, in order. */
const heard: string[] = [];

function must(): Journal {
  if (journal === undefined) throw new Error('call open() first');
  return journal;
}

function sale(amount: number, postings = 2, memo = ''): { kind: 'txn'; body: TxnBody } {
  const lines = Array.from({ length: postings - 1 }, (_, i) => ({ account: `Assets:Till-${i}`, amount }));
  const body: TxnBody = { postings: [...lines, { account: 'Income:Sales', amount: -amount * (postings - 1) }] };
  if (memo !== '') body.memo = memo;
  return { kind: 'txn', body };
}

/** What the resolved-appends stream reports to the test, one call per resolved write. */
type Report = (kind: 'append' | 'draft' | 'saved', detail: StreamDetail) => Promise<void>;
export interface StreamDetail {
  seq?: number;
  id?: string;
  draft?: string;
  /** The memo of a draft's entry: tells which entry a saved draft became. */
  tag?: string;
}

const api = {
  async open(options: { blockEntries?: number } = {}): Promise<void> {
    blockSize = options.blockEntries ?? journalLimits.blockEntries;
    journal = await openIdbJournal(realDeps(), { blockEntries: blockSize });
    journal.onEntries((added) => heard.push(...added.map((e) => e.id)));
  },
  /** What onEntries reported so far (own writes, and other tabs' once caught up with). */
  heard(): string[] {
    return [...heard];
  },
  /** Load every entry (the app's cold start), which also lets this tab follow the others. */
  async load(): Promise<number> {
    return must().scan(() => undefined);
  },
  async close(): Promise<void> {
    await journal?.close();
    journal = undefined;
  },
  async append(amount: number): Promise<{ seq: number; id: string }> {
    const entry = await must().append(sale(amount));
    return { seq: entry.seq, id: entry.id };
  },
  /** An entry of about 7 KB that does not compress (100 postings to random accounts): fills storage fast. */
  async appendLarge(): Promise<{ seq: number; id: string }> {
    const body = sale(7, 100, randomText(500));
    body.body.postings.forEach((p, i) => (p.account = `Assets:R${i}${randomText(50)}`));
    const entry = await must().append(body);
    return { seq: entry.seq, id: entry.id };
  },
  async createDraft(amount: number, memo = ''): Promise<string> {
    return (await must().drafts.create(sale(amount, 2, memo))).id;
  },
  async saveDraft(id: string): Promise<{ seq: number; id: string }> {
    const entry = await must().drafts.save(id);
    return { seq: entry.seq, id: entry.id };
  },
  /**
   * Append for ever, telling the test after each write resolved (and waiting for it
   * to hear, so what it heard is a lower bound of what resolved). Every fifth write
   * goes through a draft, tagged by its memo. Ends only when the browser dies.
   */
  async stream(report: Report): Promise<never> {
    const run = Date.now().toString(36);
    for (let i = 1; ; i++) {
      if (i % 5 === 0) {
        const tag = `draft-${run}-${i}`;
        const draft = await api.createDraft(i, tag);
        await report('draft', { draft, tag });
        const saved = await api.saveDraft(draft);
        await report('saved', { ...saved, draft, tag });
      } else {
        await report('append', await api.append(i));
      }
    }
  },
  /** Everything a durability check looks at, read back through the journal and, for the layout, directly. */
  async snapshot(): Promise<Snapshot> {
    const j = must();
    const all = await j.all();
    const db = journalDb(journalDbName(BOOK));
    await db.open();
    const blocks = await db.blocks.toArray();
    const tail = (await db.log.where(':id').between(0, Infinity).toArray()) as string[];
    db.close();
    const stored = [...blocks.flatMap((text) => JSON.parse(text) as unknown[]), ...tail.map((text) => JSON.parse(text) as unknown)];
    return {
      count: await j.count(),
      device: await j.device(),
      entries: all.map((e) => ({ seq: e.seq, peer: e.peer, id: e.id, prev: e.prev, memo: e.kind === 'txn' ? (e.body.memo ?? '') : '' })),
      allValid: all.every((e) => validate(e, { verify: devVerifier, book: BOOK }).ok),
      storedMatches: stored.length === all.length && all.every((e, i) => encodeEntry(e) === canonicalString(stored[i])),
      layoutHolds: blocks.length === Math.floor(all.length / blockSize) && tail.length === all.length % blockSize,
      blocks: blocks.length,
      drafts: (await j.drafts.list()).map((d) => ({ id: d.id, memo: (d.body as TxnBody).memo ?? '' })),
      authors: await j.authors(),
    };
  },
  async persist(): Promise<boolean> {
    return must().persist();
  },
  async storageStatus(): Promise<unknown> {
    return must().storageStatus();
  },
  /** Run the shared conformance suite on this browser's IndexedDB; one result per case. */
  async conformance(propertyRuns: number, only?: string): Promise<Array<{ name: string; ok: boolean; error?: string; ms: number }>> {
    let n = 0;
    const factory = async () => {
      const name = `conformance-${Date.now()}-${++n}`;
      return {
        open: (deps: JournalDeps) => openIdbJournal(deps, { name, blockEntries: 4 }),
        dispose: () => deleteDb(name),
      };
    };
    const cases: ConformanceCase[] = journalConformance(factory, { propertyRuns }).filter((c) => only === undefined || c.name.includes(only));
    const results = [];
    for (const c of cases) {
      const start = performance.now();
      try {
        await c.run();
        results.push({ name: c.name, ok: true, ms: performance.now() - start });
      } catch (error) {
        results.push({ name: c.name, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), ms: performance.now() - start });
      }
    }
    return results;
  },
};

/** Letters and digits from crypto randomness (a test page, not journal logic). */
function randomText(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(length)), (b) => alphabet[b % alphabet.length]).join('');
}

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error('delete failed'));
    request.onblocked = () => resolve();
  });
}

export interface Snapshot {
  count: number;
  device: Awaited<ReturnType<Journal['device']>>;
  entries: Array<{ seq: number; peer: string; id: string; prev: string | null; memo: string }>;
  allValid: boolean;
  /** The blocks and tail, read directly, hold exactly what all() returns, in order. */
  storedMatches: boolean;
  /** floor(count / blockEntries) blocks and count % blockEntries tail rows. */
  layoutHolds: boolean;
  blocks: number;
  drafts: Array<{ id: string; memo: string }>;
  authors: Awaited<ReturnType<Journal['authors']>>;
}

export type DaybookHarness = typeof api;
declare global {
  interface Window {
    daybook: DaybookHarness;
  }
}
window.daybook = api;
document.title = 'journal harness ready';
