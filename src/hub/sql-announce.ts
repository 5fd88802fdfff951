/**
 * Listeners of a SQL journal hear entries other instances stored (other hub
 * processes on one PostgreSQL), not only this instance's own: contract point 6.
 *
 * Every write of a book locks the book's device row before it inserts, so the
 * arrival numbers of one book's rows grow in commit order: once a reader sees the
 * row with arrival N, every row of that book with a smaller number is committed and
 * visible too. An instance therefore only needs the highest arrival it announced
 * (`seen`): whatever is above it, in arrival order, is news, and each entry is
 * announced once per instance however reads and writes interleave.
 */
import { journalLimits } from '../core/limits.ts';
import type { BookId, Entry } from '../core/types.ts';
import type { EntriesListener } from '../journal/journal.ts';
import type { Listeners } from '../journal/listeners.ts';
import type { SqlTx } from './db.ts';
import type { Tables } from './schema.ts';

/** An entry with its arrival number in this database. */
export interface Arrived {
  arrival: number;
  entry: Entry;
}

export interface Announcer {
  /** Every entry of the book stored after what this instance announced, in arrival order, read through `q` a block at a time. */
  since(q: SqlTx): Promise<Arrived[]>;
  /** Tell the listeners, in one call, of those not announced yet; forget the rest. */
  announce(arrived: readonly Arrived[]): void;
  /** Read and announce everything new (other instances' writes). */
  catchUp(q: SqlTx): Promise<void>;
  add(listener: EntriesListener): () => void;
}

/**
 * An announcer for `book` that starts after what the table holds now. While no
 * listener is subscribed it reads nothing (so journals nobody listens to pay no
 * extra query); the first subscriber starts from what the table holds then.
 */
export async function createAnnouncer(q: SqlTx, t: Tables, book: BookId, listeners: Listeners): Promise<Announcer> {
  const latest = async (tx: SqlTx): Promise<number> => {
    const { rows } = await tx.query<{ at: string | null }>(`SELECT max(arrival)::text AS at FROM ${t.entries} WHERE book = $1`, [book]);
    return Number(rows[0]?.at ?? 0);
  };
  let seen = await latest(q);
  let subscribed = 0;
  /** Set while the first subscriber's starting point is read; reads and writes wait for it. */
  let baseline: Promise<void> | undefined;
  const since = async (tx: SqlTx): Promise<Arrived[]> => {
    if (baseline !== undefined) await baseline;
    if (subscribed === 0) return [];
    const out: Arrived[] = [];
    for (let after = seen; ; ) {
      const { rows: page } = await tx.query<{ at: string; canonical: string }>(
        `SELECT arrival::text AS at, canonical FROM ${t.entries} WHERE book = $1 AND arrival > $2::bigint ORDER BY arrival LIMIT $3`,
        [book, String(after), journalLimits.blockEntries],
      );
      for (const r of page) out.push({ arrival: Number(r.at), entry: JSON.parse(r.canonical) as Entry });
      if (page.length < journalLimits.blockEntries) return out;
      after = out[out.length - 1]!.arrival;
    }
  };
  const announce = (arrived: readonly Arrived[]): void => {
    const news = arrived.filter((a) => a.arrival > seen).sort((a, b) => a.arrival - b.arrival);
    if (news.length === 0) return;
    seen = news[news.length - 1]!.arrival;
    listeners.emit(news.map((a) => a.entry));
  };
  return {
    since,
    announce,
    catchUp: async (tx) => announce(await since(tx)),
    add: (listener) => {
      if (subscribed++ === 0) {
        baseline = latest(q)
          .then((at) => {
            // Only forward: what this instance announced meanwhile stays announced.
            seen = Math.max(seen, at);
          })
          .catch(() => undefined) // a failed read keeps the old starting point
          .finally(() => {
            baseline = undefined;
          });
      }
      const remove = listeners.add(listener);
      let removed = false;
      return () => {
        if (removed) return;
        removed = true;
        subscribed--;
        remove();
      };
    },
  };
}
