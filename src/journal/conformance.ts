/**
 * The journal conformance suite: the contract of journal.ts as executable cases,
 * run by every implementation (in memory and on fake-indexeddb under vitest, on
 * IndexedDB inside real Chromium, and later by the hub's SQL journal). It depends
 * on no test runner: each case is an async function that throws on failure, and a
 * runner wraps them (`for (const c of journalConformance(f)) it(c.name, c.run)`).
 */
import { validate } from '../core/validate.ts';
import type { EntryId, PeerId } from '../core/types.ts';
import { draftCases } from './conformance-drafts.ts';
import {
  BOOK,
  SELF,
  check,
  equal,
  peerChain,
  rejects,
  sale,
  testDeps,
  withJournal,
  type ConformanceCase,
  type ConformanceOptions,
  type JournalFactory,
} from './conformance-kit.ts';
import { ingestCases } from './conformance-ingest.ts';
import { propertyCases } from './conformance-properties.ts';
import type { JournalDeps } from './journal.ts';

export type { ConformanceCase, ConformanceOptions, JournalFactory, JournalUnderTest } from './conformance-kit.ts';

/** Every case of the contract, for one implementation. */
export function journalConformance(factory: JournalFactory, options: ConformanceOptions): ConformanceCase[] {
  return [...appendCases(factory), ...ingestCases(factory), ...draftCases(factory), ...stateCases(factory), ...propertyCases(factory, options)];
}

function appendCases(factory: JournalFactory): ConformanceCase[] {
  return [
    {
      name: 'starts empty',
      run: () =>
        withJournal(factory, async (j) => {
          equal(await j.count(), 0, 'count');
          equal(await j.all(), [], 'all');
          equal(await j.authors(), [], 'authors');
          const device = await j.device();
          equal([device.book, device.peer, device.seq, device.head, device.quarantined], [BOOK, SELF, 0, null, 0], 'device state');
        }),
    },
    {
      name: 'append assigns seq, prev and a rising hlc, and the core accepts the entry',
      run: () =>
        withJournal(factory, async (j, _u, deps) => {
          const a = await j.append(sale(100));
          const b = await j.append(sale(200));
          const c = await j.append({ kind: 'ack', body: { period: '2025-02' } });
          equal([a.seq, b.seq, c.seq], [1, 2, 3], 'seqs');
          equal([a.prev, b.prev, c.prev], [null, a.id, b.id], 'prev chain');
          check(a.hlc < b.hlc && b.hlc < c.hlc, 'hlc rises');
          for (const e of [a, b, c]) {
            check(e.peer === SELF && e.book === BOOK, 'author and book');
            check(validate(e, { verify: deps.verify, book: BOOK }).ok, `entry ${e.seq} validates`);
            equal(await j.get(e.id), e, `get(${e.seq})`);
          }
          equal(await j.count(), 3, 'count');
          const device = await j.device();
          equal([device.seq, device.head], [3, c.id], 'device counters');
        }),
    },
    {
      name: 'append dates an entry by the clock unless the input has a date',
      run: () =>
        withJournal(factory, async (j) => {
          const dated = await j.append(sale(1, '2025-02-14T10:30:00'));
          equal(dated.date, '2025-02-14T10:30:00', 'explicit date kept');
          const undated = await j.append(sale(1));
          check(/^2025-03-01T09:00:\d\d$/.test(undated.date), `date from the clock, got ${undated.date}`);
        }),
    },
    {
      name: 'append refuses invalid input with the core refusal and writes nothing',
      run: () =>
        withJournal(factory, async (j) => {
          const unbalanced = { kind: 'txn' as const, body: { postings: [{ account: 'Assets:Cash', amount: 5 }, { account: 'Income:Sales', amount: -4 }] } };
          const e1 = await rejects(j.append(unbalanced), 'JournalRefusedError', 'unbalanced txn');
          equal((e1 as unknown as { refusal: { code: string } }).refusal.code, 'unbalanced', 'refusal code');
          const fraction = { kind: 'txn' as const, body: { postings: [{ account: 'Assets:Cash', amount: 1.5 }, { account: 'Income:Sales', amount: -1.5 }] } };
          await rejects(j.append(fraction), 'JournalRefusedError', 'fractional amount');
          await rejects(j.append({ kind: 'nope', body: {} } as never), 'JournalRefusedError', 'unknown kind');
          equal(await j.count(), 0, 'nothing written');
          equal((await j.device()).seq, 0, 'counters unchanged');
          equal((await j.append(sale(3))).seq, 1, 'next append takes seq 1');
        }),
    },
    {
      name: 'a failed append leaves the counters unchanged and the next append has no gap',
      run: async () => {
        let fail = false;
        const base = testDeps();
        const deps: JournalDeps = {
          ...base,
          signer: (message, peer) => {
            if (fail) throw new Error('key unavailable');
            return base.signer(message, peer);
          },
        };
        await withJournal(
          factory,
          async (j) => {
            const first = await j.append(sale(1));
            fail = true;
            await rejects(j.append(sale(2)), 'JournalError', 'signer failure');
            fail = false;
            equal((await j.device()).seq, 1, 'counters unchanged');
            const next = await j.append(sale(3));
            equal([next.seq, next.prev], [2, first.id], 'no gap, chain intact');
            equal(await j.count(), 2, 'count');
          },
          deps,
        );
      },
    },
    {
      name: 'concurrent appends queue: seqs 1..n, each once, one chain',
      run: () =>
        withJournal(factory, async (j) => {
          const entries = await Promise.all(Array.from({ length: 25 }, (_, i) => j.append(sale(i + 1))));
          const bySeq = [...entries].sort((a, b) => a.seq - b.seq);
          equal(bySeq.map((e) => e.seq), Array.from({ length: 25 }, (_, i) => i + 1), 'seqs');
          bySeq.forEach((e, i) => check(e.prev === (i === 0 ? null : bySeq[i - 1]!.id), `prev of ${e.seq}`));
          equal((await j.device()).seq, 25, 'device seq');
        }),
    },
    {
      name: 'entries, counters and settings survive a reopen; the next append continues the chain',
      run: () =>
        withJournal(factory, async (j, under, deps) => {
          const a = await j.append(sale(1));
          const b = await j.append(sale(2));
          await j.updateSettings({ locale: 'de-CH' });
          await j.close();
          const again = await under.open(deps);
          try {
            equal(await again.all(), [a, b], 'entries');
            const device = await again.device();
            equal([device.seq, device.head, device.settings], [2, b.id, { locale: 'de-CH' }], 'device state');
            const c = await again.append(sale(3));
            equal([c.seq, c.prev], [3, b.id], 'chain continues');
            check(c.hlc > b.hlc, 'hlc continues');
          } finally {
            await again.close();
          }
        }),
    },
    {
      name: 'there is no update and no delete of entries: no such method, and reads are copies',
      run: () =>
        withJournal(factory, async (j, _u, deps) => {
          const forbidden = /^(update|put|set|delete|remove|clear|replace|modify|edit|overwrite|truncate|drop|upsert|patch)/i;
          const methods = Object.keys(j).filter((k) => typeof (j as unknown as Record<string, unknown>)[k] === 'function');
          const bad = methods.filter((k) => forbidden.test(k) && k !== 'updateSettings');
          equal(bad, [], 'journal methods that could change entries');
          const entry = await j.append(sale(10));
          const copy = (await j.get(entry.id))!;
          (copy.body as { postings: Array<{ amount: number }> }).postings[0]!.amount = 999;
          equal(await j.get(entry.id), entry, 'mutating a read changes nothing held');
          const forged = { ...entry, body: { postings: [{ account: 'Assets:Cash', amount: 999 }, { account: 'Income:Sales', amount: -999 }] } };
          const report = await j.ingest([forged], 'mallory');
          equal(report.refused.map((r) => r.reason.code), ['bad-id'], 'a changed copy under the same id is refused');
          equal(await j.get(entry.id), entry, 'still the original');
          check(validate(entry, { verify: deps.verify }).ok, 'original still valid');
        }),
    },
    {
      name: 'range returns one author by seq and authors() gives the frontier inputs',
      run: () =>
        withJournal(factory, async (j) => {
          const chain = peerChain('T2', 6);
          await j.ingest([chain[0], chain[1], chain[3], chain[5]], 'T2');
          equal(await j.authors(), [{ peer: 'T2', contiguous: 2, highest: 6, count: 4 }], 'with holes');
          await j.ingest([chain[4], chain[2]], 'T2');
          equal(await j.authors(), [{ peer: 'T2', contiguous: 6, highest: 6, count: 6 }], 'holes filled');
          equal((await j.range('T2' as PeerId, 2, 4)).map((e) => e.seq), [2, 3, 4], 'range');
          equal(await j.range('T9' as PeerId, 1, 10), [], 'unknown author');
          await j.append(sale(5));
          equal((await j.authors()).map((a) => a.peer), ['T1', 'T2'], 'sorted by peer');
        }),
    },
    {
      name: 'all() and scan() return every entry once, in arrival order',
      run: () =>
        withJournal(factory, async (j) => {
          const chain = peerChain('T2', 40);
          const ids: EntryId[] = [];
          for (let i = 0; i < 40; i += 7) {
            ids.push(...(await j.ingest(chain.slice(i, i + 7), 'T2')).accepted.map((e) => e.id));
            ids.push((await j.append(sale(i + 1))).id);
          }
          equal((await j.all()).map((e) => e.id), ids, 'all');
          const scanned: EntryId[] = [];
          const total = await j.scan((chunk) => scanned.push(...chunk.map((e) => e.id)));
          equal([total, scanned], [ids.length, ids], 'scan');
          equal(await j.count(), ids.length, 'count');
        }),
    },
  ];
}

function stateCases(factory: JournalFactory): ConformanceCase[] {
  return [
    {
      name: 'settings merge, a null removes a key, and non-JSON is refused',
      run: () =>
        withJournal(factory, async (j) => {
          await j.updateSettings({ a: 1, b: 'x' });
          equal((await j.updateSettings({ a: null, c: [true] })).settings, { b: 'x', c: [true] }, 'merged');
          await rejects(j.updateSettings({ f: (() => 1) as never }), 'JournalRefusedError', 'a function');
          equal((await j.device()).settings, { b: 'x', c: [true] }, 'unchanged after refusal');
        }),
    },
    {
      name: 'onEntries hears appends, saves and accepted ingests, after commit; unsubscribe stops it',
      run: () =>
        withJournal(factory, async (j) => {
          const heard: string[][] = [];
          const stop = j.onEntries((added) => heard.push(added.map((e) => e.id)));
          const a = await j.append(sale(1));
          const chain = peerChain('T2', 2);
          await j.ingest([...chain, chain[0]], 'T2');
          await j.ingest([chain[0]], 'T2');
          const draft = await j.drafts.create(sale(4));
          const saved = await j.drafts.save(draft.id);
          stop();
          await j.append(sale(2));
          equal(heard, [[a.id], chain.map((e) => e.id), [saved.id]], 'heard');
        }),
    },
    {
      name: 'the storage of one device refuses to open as another device or book',
      run: () =>
        withJournal(factory, async (j, under) => {
          await j.append(sale(1));
          await j.close();
          await rejects(under.open(testDeps({ peer: 'T7' as PeerId })), 'JournalIdentityError', 'other device');
        }),
    },
    {
      name: 'a closed journal refuses writes and reads',
      run: () =>
        withJournal(factory, async (j) => {
          await j.close();
          await rejects(j.append(sale(1)), 'JournalClosedError', 'append after close');
          await rejects(j.count(), 'JournalClosedError', 'count after close');
        }),
    },
    {
      name: 'persist() and storageStatus() answer without throwing',
      run: () =>
        withJournal(factory, async (j) => {
          const answer = await j.persist();
          check(typeof answer === 'boolean', 'persist answers a boolean');
          const status = await j.storageStatus();
          check(typeof status.persisted === 'boolean', 'status.persisted');
        }),
    },
  ];
}
