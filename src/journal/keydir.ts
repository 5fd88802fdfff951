/**
 * The in-memory key directory of the stored journal: where each entry lives, by id
 * and by (author, seq). Storage keeps entries only in sealed blocks and the unsealed
 * tail (see blocks.ts), because one IndexedDB request per entry costs more than all
 * the rest of an ingest; so "do I hold this id?" is answered here, in memory, as in
 * a Bitcask keydir. It is built from the same scan the app's cold start makes, and
 * holds the id strings of the parsed entries (shared with them while the app keeps
 * them), one number per entry, and one array slot per author seq.
 */
import type { Entry, EntryId, PeerId } from '../core/types.ts';

export interface Keydir {
  /** Record that the entry is stored at `lsn`. */
  add(entry: Pick<Entry, 'id' | 'peer' | 'seq'>, lsn: number): void;
  /** The lsn of the entry with this id, or undefined. */
  lsnOf(id: EntryId): number | undefined;
  /** The lsns of one author's entries with fromSeq <= seq <= toSeq, by seq (several at one seq: equivocation), at most `max`. */
  lsnsOf(peer: PeerId, fromSeq: number, toSeq: number, max: number): number[];
  /** Entries recorded. */
  readonly size: number;
}

/** Above this many seqs, a range is walked by the seqs held instead. */
const SPARSE_WALK = 100_000;

function heldSeqs(seqs: readonly number[], first: number, last: number): number[] {
  return Object.keys(seqs)
    .map(Number)
    .filter((seq) => seq >= first && seq <= last)
    .sort((a, b) => a - b);
}

/** An empty keydir. */
export function createKeydir(): Keydir {
  const byId = new Map<string, number>();
  // Per author, the lsn at each seq; a second entry at one seq (equivocation) goes to `more`.
  const bySeq = new Map<string, number[]>();
  const more = new Map<string, number[]>();
  return {
    add(entry, lsn) {
      if (byId.has(entry.id)) return;
      byId.set(entry.id, lsn);
      let seqs = bySeq.get(entry.peer);
      if (seqs === undefined) bySeq.set(entry.peer, (seqs = []));
      if (seqs[entry.seq] === undefined) {
        seqs[entry.seq] = lsn;
      } else {
        const key = `${entry.peer}\n${entry.seq}`;
        more.set(key, [...(more.get(key) ?? []), lsn]);
      }
    },
    lsnOf: (id) => byId.get(id),
    lsnsOf(peer, fromSeq, toSeq, max) {
      const seqs = bySeq.get(peer);
      const out: number[] = [];
      if (seqs === undefined) return out;
      const first = Math.max(0, fromSeq);
      const last = Math.min(toSeq, seqs.length - 1);
      // A sparse author (a far seq from a bad peer) is walked by its held seqs, not by every number.
      const walk = last - first > SPARSE_WALK ? heldSeqs(seqs, first, last) : Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
      for (const seq of walk) {
        const lsn = seqs[seq];
        if (lsn !== undefined) out.push(lsn, ...(more.get(`${peer}\n${seq}`) ?? []));
        if (out.length >= max) break;
      }
      return out.slice(0, max);
    },
    get size() {
      return byId.size;
    },
  };
}
