/**
 * What the fuzzers start from: one valid, dev-signed entry of every kind (the
 * shared samples) plus entries made the way devices make them (the builders: a
 * book, joins, sales, a negation, a close, an ack), as canonical texts. Mutations
 * of valid entries reach the deep rules; random bytes alone rarely get past the
 * JSON parser.
 */
import { encodeEntry } from '../src/core/entry.ts';
import { device, newBook } from '../src/core/testing/build.ts';
import type { Entry } from '../src/core/types.ts';
import { sampleEntry } from '../src/testing/sample-entries.ts';
import { KINDS } from '../src/core/types.ts';

/** The corpus's entries, fixed: every call returns equal data. */
export function corpusEntries(): Entry[] {
  const samples: Entry[] = KINDS.map((kind) => sampleEntry(kind));
  const { book, owner, genesis } = newBook({ period: 'day' });
  const till = device(book, 'till-1');
  const join = owner.join('till-1', ['enrol']);
  const sale = till.txn('2025-01-01T09:30:00', [['Assets:Cash', 1250], ['Income:Sales', -1250]], 'Coffee ☕ and a croissant');
  const split = till.txn('2025-01-01T10:00:00', [['Assets:Cash', 500], ['Assets:Card', 75], ['Income:Sales', -575]]);
  const negation = till.negate(sale, '2025-01-01T11:00:00');
  const close = owner.close('2025-01-01', '2025-01-02T08:00:00');
  const ack = till.ack('2025-01-01', '2025-01-02T08:05:00');
  return [...samples, genesis, join, sale, split, negation, close, ack];
}

/** The corpus as canonical texts. */
export function corpusTexts(): string[] {
  return corpusEntries().map(encodeEntry);
}
