/**
 * What this device holds, as the frontier sync announces, and what it lacks of what
 * another peer announced. Read from the Journal interface: `authors()` gives each
 * author's contiguous prefix and highest seq; the held seqs above the prefix (few in
 * practice: they exist only while entries arrive out of order) are read with
 * `range()`. Heads are cached per author, since the prefix rarely moves between two
 * announcements compared with how often it is asked for.
 */
import { journalLimits } from '../core/limits.ts';
import type { Entry, PeerId } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import type { FrontierLine, WireRange } from './frame.ts';
import { heldSpans, intersect, subtract, union, type Span } from './ranges.ts';

/** One author as held here, gaps complete (never cut short). */
export type HeldLine = FrontierLine;

/** Remembers heads between calls of `localFrontier`. */
export type HeadCache = Map<string, { seq: number; head: string | undefined }>;

/**
 * This device's frontier: one line per author held, sorted by peer, with every gap.
 * Costs one `authors()` call, plus `range()` reads of entries held above each
 * author's contiguous prefix, plus one read per author whose prefix moved.
 */
export async function localFrontier(journal: Journal, cache: HeadCache = new Map()): Promise<HeldLine[]> {
  const lines: HeldLine[] = [];
  for (const author of await journal.authors()) {
    const line: HeldLine = { peer: author.peer, contiguous: author.contiguous, highest: author.highest, gaps: [] };
    if (author.highest > author.contiguous) line.gaps = await gapsOf(journal, author.peer, author.contiguous, author.highest);
    const head = await headOf(journal, author.peer, author.contiguous, cache);
    if (head !== undefined) line.head = head;
    lines.push(line);
  }
  return lines;
}

async function headOf(journal: Journal, peer: PeerId, seq: number, cache: HeadCache): Promise<string | undefined> {
  if (seq === 0) return undefined;
  const known = cache.get(peer);
  if (known !== undefined && known.seq === seq) return known.head;
  const here = await journal.range(peer, seq, seq + 1);
  const atSeq = here.filter((e) => e.seq === seq);
  // With two entries at one seq (equivocation), the head is the one the next entry names, as in core/frontier.ts.
  const named = new Set(here.filter((e) => e.seq === seq + 1).map((e) => e.prev));
  const head = (atSeq.find((e) => named.has(e.id)) ?? atSeq[0])?.id;
  cache.set(peer, { seq, head });
  return head;
}

/** The unheld seqs of `peer` between contiguous and highest. */
async function gapsOf(journal: Journal, peer: PeerId, contiguous: number, highest: number): Promise<Span[]> {
  const held: Span[] = [];
  await forEachHeld(journal, peer, [[contiguous + 1, highest]], (entries) => {
    for (const e of entries) held.push([e.seq, e.seq]);
  });
  return subtract([[contiguous + 1, highest]], union(held));
}

/**
 * Read every entry of `peer` held in `spans`, window by window of at most
 * journalLimits.ingestBatchMax seqs (a journal's range answer is capped at that many
 * entries), handing each window's entries to `each`. Resolves false when `stop()` says so.
 */
export async function forEachHeld(
  journal: Journal,
  peer: PeerId,
  spans: readonly Span[],
  each: (entries: Entry[]) => void | Promise<void>,
  stop: () => boolean = () => false,
): Promise<boolean> {
  // One seq fewer than a range answer may hold: a full answer then means several entries at one seq.
  const window = journalLimits.ingestBatchMax - 1;
  for (const [from, to] of spans) {
    let start = from;
    while (start <= to) {
      if (stop()) return false;
      const end = Math.min(to, start + window - 1);
      const entries = await journal.range(peer, start, end);
      await each(entries);
      // A full answer may have stopped inside the window (several entries at one seq): go on from its last seq.
      const last = entries[entries.length - 1];
      start = entries.length >= journalLimits.ingestBatchMax && last !== undefined && last.seq > start ? last.seq : end + 1;
    }
  }
  return true;
}

/** The seqs a frontier line says are held (gaps as announced: possibly fewer than the truth). */
export function spansOfLine(line: FrontierLine): Span[] {
  return heldSpans(line.contiguous, line.highest, line.gaps);
}

/**
 * What this device lacks of what the remote holds, as want ranges, sorted by peer
 * then seq, leaving out `asked` (ranges already asked for, per author). An over-ask
 * is harmless: the remote answers with what it holds.
 */
export function lacking(remote: readonly FrontierLine[], local: readonly HeldLine[], asked: ReadonlyMap<string, Span[]> = new Map()): WireRange[] {
  const mine = new Map(local.map((l) => [l.peer, spansOfLine(l)]));
  const out: WireRange[] = [];
  for (const line of [...remote].sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0))) {
    const missing = subtract(subtract(spansOfLine(line), mine.get(line.peer) ?? []), asked.get(line.peer) ?? []);
    for (const [from, to] of missing) out.push({ peer: line.peer, from, to });
  }
  return out;
}

/** The held spans of `local` for one author, intersected with `spans`: what may be served of a want. */
export function servable(local: readonly HeldLine[], peer: string, spans: readonly Span[]): Span[] {
  const line = local.find((l) => l.peer === peer);
  return line === undefined ? [] : intersect(union(spans), spansOfLine(line));
}
