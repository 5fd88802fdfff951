/**
 * Per-author held-seq bookkeeping (src/journal/authors.ts) under gappy seqs: a peer
 * sends every other seq of one author, in random order (what a hostile or badly
 * shuffled upload looks like). Baseline: sorting the same seqs (a floor no merge
 * can beat). The old seq-by-seq insert is measured at 10k only: at 50k it ran for
 * minutes.
 *
 *   npx tsx bench/authors.bench.ts   (alone)
 *   npm run bench -- authors         (through the runner)
 */
import { pathToFileURL } from 'node:url';
import type { PeerId } from '../src/core/types.ts';
import { addSeqs, emptyAuthor, type AuthorRow } from '../src/journal/authors.ts';
import { heading, measure, report } from './lib.ts';
import { seeded } from './seeded.ts';

const RUNS = 7;
const peer = 'T1' as PeerId;

/** Every odd seq below 2n, shuffled with a fixed seed. */
function gappy(n: number): number[] {
  const random = seeded(4);
  const seqs = Array.from({ length: n }, (_, i) => 2 * i + 1);
  for (let i = seqs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [seqs[i], seqs[j]] = [seqs[j]!, seqs[i]!];
  }
  return seqs;
}

/** The old algorithm, kept here only to show what it cost: insert seq by seq, copying. */
function oldAddSeqs(row: AuthorRow, seqs: readonly number[]): AuthorRow {
  let above = row.above.map(([a, b]): [number, number] => [a, b]);
  let { contiguous, highest } = row;
  for (const seq of seqs) {
    highest = Math.max(highest, seq);
    if (seq > contiguous) {
      const out: Array<[number, number]> = [];
      let placed = false;
      for (const [from, to] of above) {
        if (placed || to < seq - 1) out.push([from, to]);
        else if (from > seq + 1) {
          out.push([seq, seq], [from, to]);
          placed = true;
        } else {
          out.push([Math.min(from, seq), Math.max(to, seq)]);
          placed = true;
        }
      }
      if (!placed) out.push([seq, seq]);
      above = [];
      for (const [from, to] of out) {
        const last = above[above.length - 1];
        if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
        else above.push([from, to]);
      }
    }
  }
  while (above.length > 0 && above[0]![0] <= contiguous + 1) {
    contiguous = Math.max(contiguous, above[0]![1]);
    above = above.slice(1);
  }
  return { peer: row.peer, contiguous, highest, count: row.count + seqs.length, above };
}

export async function run(): Promise<void> {
  for (const n of [10_000, 50_000]) {
    const seqs = gappy(n);
    heading(`authors: ${n / 1000}k gappy seqs of one author (every other seq, random order), median of ${RUNS} runs`);
    const baseline = await measure('baseline: sort the seqs', () => [...seqs].sort((a, b) => a - b), { runs: RUNS, items: n });
    report(baseline);
    report(await measure('addSeqs, one call', () => addSeqs(emptyAuthor(peer), seqs), { runs: RUNS, items: n }), baseline);
    report(
      await measure(
        'addSeqs, batches of 500',
        () => {
          let row = emptyAuthor(peer);
          for (let i = 0; i < n; i += 500) row = addSeqs(row, seqs.slice(i, i + 500));
          return row;
        },
        { runs: RUNS, items: n },
      ),
      baseline,
    );
    if (n <= 10_000) report(await measure('old seq-by-seq insert, one call', () => oldAddSeqs(emptyAuthor(peer), seqs), { runs: 3, items: n }), baseline);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
