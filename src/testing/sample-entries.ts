/**
 * One valid sample entry of every kind, for validation tests: the validator's unit
 * tests break one field at a time, the foolishness suite mutates them at random.
 * Fixed values only (no clock, no randomness), signed with the dev scheme.
 */
import { makeDevEntry } from '../core/entry.ts';
import type { BodyByKind, BookId, Entry, EntryId, Hlc, BusinessDate, Kind, PeerId, UnsignedEntry } from '../core/types.ts';

export const SAMPLE_BOOK = 'store-7.main' as BookId;
export const SAMPLE_PEER = 'till-1' as PeerId;
export const SAMPLE_ID_A = 'a'.repeat(64) as EntryId;
export const SAMPLE_ID_B = '0123456789abcdef'.repeat(4) as EntryId;

/** A valid body of every kind. */
export function sampleBodies(): BodyByKind {
  return {
    book: { name: 'Corner shop', currency: 'EUR', timezone: 'Europe/Paris', period: 'day', windowDays: 28 },
    txn: {
      postings: [
        { account: 'Assets:Cash', amount: 1250 },
        { account: 'Income:Sales', amount: -1000 },
        { account: 'Liabilities:VAT', amount: -250 },
      ],
      memo: 'Two coffees, one croissant ☕',
      ref: 'R-0042',
    },
    negate: { target: { peer: 'till-2' as PeerId, seq: 4, id: SAMPLE_ID_A }, reason: 'Rang up twice' },
    admit: { target: { peer: 'till-2' as PeerId, seq: 9, id: SAMPLE_ID_B }, reason: 'Receipt found' },
    summary: {
      asOf: '2025-03-01',
      cut: [
        { peer: 'till-1' as PeerId, seq: 40, head: SAMPLE_ID_A },
        { peer: 'till-2' as PeerId, seq: 12, head: SAMPLE_ID_B },
      ],
      balances: [
        { account: 'Assets:Cash', amount: '125000' },
        { account: 'Income:Sales', amount: '-125000' },
      ],
    },
    close: { period: '2025-03-01' },
    ack: { period: '2025-03' },
    seal: {
      period: '2025-03-01',
      prevSeal: SAMPLE_ID_B,
      cut: [{ peer: 'till-1' as PeerId, seq: 40, head: SAMPLE_ID_A }],
      balances: [{ account: 'Assets:Cash', amount: '99' }, { account: 'Equity:Opening', amount: '-99' }],
      digest: 'f'.repeat(64),
    },
    join: { device: 'till-3' as PeerId, name: 'Back office tablet', key: '', roles: ['closer', 'enrol'] },
    retire: { device: 'till-2' as PeerId, lastSeq: 17, reason: 'Stolen from the counter' },
    succeed: { from: 'till-1' as PeerId, to: 'till-1b' as PeerId, lastSeq: 40, name: 'Till 1 (new)', key: 'AbC-_9' },
  };
}

/** The signed part of a sample entry of `kind` (seq 2, chained), with `overrides` applied. */
export function sampleUnsigned<K extends Kind>(kind: K, overrides: Partial<UnsignedEntry<K>> = {}): UnsignedEntry<K> {
  return {
    nonce: 'V1StGXR8_Z5jdHi6B-myT',
    book: SAMPLE_BOOK,
    kind,
    peer: SAMPLE_PEER,
    seq: 2,
    prev: SAMPLE_ID_A,
    hlc: '1740830400000-0003' as Hlc,
    date: '2025-03-01T12:00:00' as BusinessDate,
    body: sampleBodies()[kind],
    ...overrides,
  };
}

/** A valid, dev-signed sample entry of `kind`, with `overrides` applied before signing. */
export function sampleEntry<K extends Kind>(kind: K, overrides: Partial<UnsignedEntry<K>> = {}): Entry & { kind: K } {
  return makeDevEntry(sampleUnsigned(kind, overrides));
}

/** A plain, mutable JSON copy of an entry (what a test breaks). */
export function plainCopy(entry: Entry): Record<string, unknown> & { body: Record<string, unknown> } {
  return JSON.parse(JSON.stringify(entry)) as Record<string, unknown> & { body: Record<string, unknown> };
}
