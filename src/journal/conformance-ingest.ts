/**
 * Conformance cases for ingest: entries from peers, duplicates, the quarantine,
 * conflicts kept for the fold, and this device's own identity seen from outside.
 */
import { encodeEntry } from '../core/entry.ts';
import { parseHlc } from '../core/hlc.ts';
import { journalLimits } from '../core/limits.ts';
import type { EntryId, PeerId } from '../core/types.ts';
import {
  START_MS,
  check,
  devEntry,
  equal,
  peerChain,
  sale,
  withJournal,
  type ConformanceCase,
  type JournalFactory,
} from './conformance-kit.ts';

/** The ingest cases, for one implementation. */
export function ingestCases(factory: JournalFactory): ConformanceCase[] {
  return [
    {
      name: 'ingest accepts valid entries once and counts duplicates, in and across calls',
      run: () =>
        withJournal(factory, async (j) => {
          const chain = peerChain('T2', 5);
          const first = await j.ingest([chain[0], chain[1], chain[0], encodeEntry(chain[2]!)], 'T2');
          equal(first.accepted.map((e) => e.seq), [1, 2, 3], 'accepted (the text form too)');
          equal([first.duplicates, first.refused.length], [1, 0], 'one duplicate in the call');
          const second = await j.ingest(chain, 'T3');
          equal([second.accepted.map((e) => e.seq), second.duplicates], [[4, 5], 3], 'second call');
          equal(await j.count(), 5, 'count');
          equal(await j.get(chain[4]!.id), chain[4], 'get');
          const again = await j.ingest(chain, 'T2');
          equal([again.accepted.length, again.duplicates], [0, 5], 'idempotent');
          equal(await j.ingest([], 'T2'), { accepted: [], duplicates: 0, refused: [], alarms: [] }, 'empty call');
        }),
    },
    {
      name: 'ingest quarantines refusals with reason, sender and time, never in the journal, and counts them',
      run: () =>
        withJournal(factory, async (j) => {
          const [good] = peerChain('T2', 1);
          const tampered = { ...good!, date: '2025-01-01T00:00:00' };
          const otherBook = peerChain('T2', 1, { book: 'B9' })[0]!;
          const cyclic: { self?: unknown } = {};
          cyclic.self = cyclic;
          const inputs: unknown[] = [tampered, 'not json {', 42, null, cyclic, otherBook, new Uint8Array([0xff, 0xfe]), good];
          const report = await j.ingest(inputs, 'peer-X');
          equal(report.accepted.map((e) => e.id), [good!.id], 'only the good one');
          equal(report.refused.length, 7, 'refused');
          check(report.refused.every((r) => r.from === 'peer-X' && typeof r.reason.message === 'string'), 'reasons and sender');
          equal(report.refused[0]!.reason.code, 'bad-id', 'tampered entry');
          equal(report.refused[5]!.reason.code, 'wrong-book', 'entry of another book');
          equal(await j.count(), 1, 'refusals are not in the journal');
          check((await j.get(tampered.id)) !== undefined && (await j.get(tampered.id))!.date === good!.date, 'the id holds the good entry only');
          const rows = await j.quarantine();
          equal(rows.length, 7, 'quarantine rows');
          equal(await j.quarantineCount(), 7, 'quarantine count');
          equal((await j.device()).quarantined, 7, 'counted in device state');
          check(rows.every((r, i) => r.from === 'peer-X' && r.atMs >= START_MS && r.reason.code === report.refused[i]!.reason.code), 'rows');
          equal(rows[1]!.raw, 'not json {', 'raw text kept');
          equal(rows[2]!.raw, '42', 'raw value as JSON');
          check(rows.every((r, i) => i === 0 || r.no > rows[i - 1]!.no), 'numbered in order');
          equal((await j.quarantine({ afterNo: rows[4]!.no, limit: 1 })).map((r) => r.no), [rows[5]!.no], 'paging');
        }),
    },
    {
      name: 'quarantine keeps at most quarantineRawCharsMax characters of an input',
      run: () =>
        withJournal(factory, async (j) => {
          const huge = 'x'.repeat(journalLimits.quarantineRawCharsMax * 3);
          await j.ingest([huge], 'T5');
          const [row] = await j.quarantine();
          equal([row!.raw.length, row!.truncated, row!.reason.code], [journalLimits.quarantineRawCharsMax, true, 'too-large'], 'cut');
        }),
    },
    {
      name: 'entries valid alone but in conflict (equivocation, unknown target) are kept for the fold',
      run: () =>
        withJournal(factory, async (j) => {
          const main = peerChain('T2', 3);
          const fork = peerChain('T2', 1, { variant: 'w', fromSeq: 3, prev: main[1]!.id });
          const negate = devEntry('negate', 'T3', 1, {
            target: { peer: 'T9', seq: 4, id: 'a'.repeat(64) },
            reason: 'wrong amount',
          });
          const report = await j.ingest([...main, ...fork, negate], 'T2');
          equal(report.accepted.length, 5, 'all kept');
          equal((await j.range('T2' as PeerId, 3, 3)).map((e) => e.id).sort(), [main[2]!.id, fork[0]!.id].sort(), 'both seq 3');
          equal((await j.authors()).find((a) => a.peer === 'T2'), { peer: 'T2', contiguous: 3, highest: 3, count: 4 }, 'counted');
        }),
    },
    {
      name: 'an entry of this device seen from outside never moves its counters back, and a newer one moves them forward',
      run: () =>
        withJournal(factory, async (j) => {
          const mine = [await j.append(sale(1)), await j.append(sale(2)), await j.append(sale(3))];
          const replay = peerChain('T1', 1, { variant: 'z', fromSeq: 2, prev: mine[0]!.id });
          const report = await j.ingest(replay, 'T2');
          equal(report.accepted.length, 1, 'the equivocating copy is kept as evidence');
          let device = await j.device();
          equal([device.seq, device.head], [3, mine[2]!.id], 'counters not moved back');
          const ahead = peerChain('T1', 1, { variant: 'y', fromSeq: 9, prev: 'b'.repeat(64) as EntryId });
          await j.ingest(ahead, 'T2');
          device = await j.device();
          equal([device.seq, device.head], [9, ahead[0]!.id], 'moved forward past a seq seen in use');
          const next = await j.append(sale(4));
          equal([next.seq, next.prev], [10, ahead[0]!.id], 'the next append never reuses a seq');
        }),
    },
    {
      name: 'ingest follows a peer clock somewhat ahead (with an alarm) but not one far ahead',
      run: () =>
        withJournal(factory, async (j) => {
          const near = devEntry('ack', 'T4', 1, { period: '2025-02' }, null, START_MS + 10 * 60_000);
          const far = devEntry('ack', 'T5', 1, { period: '2025-02' }, null, START_MS + 3 * 3_600_000);
          const report = await j.ingest([near, far], 'T4');
          equal([report.accepted.length, report.alarms.length], [2, 2], 'both kept, both alarm');
          const mine = await j.append(sale(1));
          check(mine.hlc > near.hlc, 'the next stamp orders after a stamp 10 minutes ahead');
          check(mine.hlc < far.hlc, 'a stamp 3 hours ahead is not followed');
          check(parseHlc(mine.hlc).wallMs >= START_MS, 'and it keeps up with the wall clock');
        }),
    },
  ];
}
