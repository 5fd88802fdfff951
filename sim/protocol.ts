/**
 * The simulated sync protocol's messages and its pure decisions: a stand-in for
 * src/sync until it exists. Peers exchange what they hold ("have": each author's
 * frontier, as core/frontier.ts computes it), pull what they lack ("want": missing
 * (peer, seq) ranges, from core's lackingBelow) and answer with canonical entry
 * texts in bounded frames. Everything here is a plain function of its arguments;
 * gossip.ts drives it over a Transport.
 */
import { lackingBelow, mergeRanges } from '../src/core/frontier.ts';
import type { AuthorFrontier, SeqRange } from '../src/core/ledger.ts';
import type { PeerId } from '../src/core/types.ts';

/** One author as a peer holds it: the frontier without its head (sync needs seqs only). */
export interface HaveLine {
  peer: PeerId;
  contiguous: number;
  highest: number;
  /** Gaps below `highest`, inclusive. */
  missing: Array<[number, number]>;
}

/** Where a message comes from: the network address to answer, and the device that speaks. */
export interface Sender {
  node: string;
  device: string;
}

export type SyncMessage =
  /** What the sender holds. `reply` marks an answer to a have, which is never answered with another have. */
  | { type: 'have'; from: Sender; lines: HaveLine[]; reply: boolean }
  /** Ranges the sender lacks and asks the receiver for. */
  | { type: 'want'; from: Sender; ranges: SeqRange[] }
  /** Canonical entry texts (a live push, a relay, or an answer to a want). */
  | { type: 'entries'; from: Sender; texts: string[] };

/** The have lines of a frontier: authors of whom something is held, in the frontier's (peer) order. */
export function haveOf(frontier: ReadonlyMap<PeerId, AuthorFrontier>): HaveLine[] {
  const lines: HaveLine[] = [];
  for (const f of frontier.values()) {
    if (f.highest > 0) lines.push({ peer: f.peer, contiguous: f.contiguous, highest: f.highest, missing: f.missing.map((m) => [m.from, m.to]) });
  }
  return lines;
}

/** The frontier a have line stands for (enough for core's lackingBelow). */
function asFrontier(line: HaveLine): AuthorFrontier {
  return { peer: line.peer, contiguous: line.contiguous, highest: line.highest, missing: line.missing.map(([from, to]) => ({ peer: line.peer, from, to })) };
}

/** True when the holder of `line` (or of `frontier`) holds something at `seq`. */
export function lineHolds(line: HaveLine | AuthorFrontier | undefined, seq: number): boolean {
  if (line === undefined || seq < 1 || seq > line.highest) return false;
  if (seq <= line.contiguous) return true;
  for (const gap of line.missing) {
    const [from, to] = Array.isArray(gap) ? gap : [gap.from, gap.to];
    if (seq >= from && seq <= to) return false;
  }
  return true;
}

/**
 * The ranges `mine` lacks among the seqs `theirs` holds, merged, by peer: exactly
 * what a want asks them for. Seqs in their gaps are left out (they would answer
 * them with nothing).
 */
export function wantFrom(theirs: readonly HaveLine[], mine: ReadonlyMap<PeerId, AuthorFrontier>): SeqRange[] {
  const wanted: SeqRange[] = [];
  for (const line of theirs) {
    const lacking = lackingBelow(line.peer, line.highest, mine.get(line.peer));
    // Keep only seqs they actually hold: asking for their gaps would be answered with nothing.
    for (const range of lacking) wanted.push(...intersectHeld(range, line));
  }
  return mergeRanges(wanted);
}

/**
 * True when `mine` holds some seq that `theirs` lacks: then a have from them is
 * answered with a have of ours, so that they pull it.
 */
export function holdsWhatTheyLack(mine: ReadonlyMap<PeerId, AuthorFrontier>, theirs: readonly HaveLine[]): boolean {
  const byPeer = new Map(theirs.map((line) => [line.peer, line]));
  for (const f of mine.values()) {
    if (f.highest === 0) continue;
    const line = byPeer.get(f.peer);
    const lacking = lackingBelow(f.peer, f.highest, line === undefined ? undefined : asFrontier(line));
    if (lacking.some((range) => intersectHeld(range, f).length > 0)) return true;
  }
  return false;
}

/** The parts of `range` that the holder of `line` holds. */
function intersectHeld(range: SeqRange, line: HaveLine | AuthorFrontier): SeqRange[] {
  const out: SeqRange[] = [];
  const to = Math.min(range.to, line.highest);
  let from = range.from;
  const gaps = line.missing.map((g): [number, number] => (Array.isArray(g) ? g : [g.from, g.to]));
  for (const [gapFrom, gapTo] of gaps) {
    if (gapTo < from) continue;
    if (gapFrom > to) break;
    if (gapFrom > from) out.push({ peer: range.peer, from, to: gapFrom - 1 });
    from = Math.max(from, gapTo + 1);
  }
  if (from <= to) out.push({ peer: range.peer, from, to });
  return out;
}

/**
 * Cut texts into frames of at most `frameBytesMax` bytes of payload each (one entry
 * always fits: limits.entryBytesMax is below a frame). Order is kept.
 */
export function packFrames(texts: readonly string[], frameBytesMax: number): string[][] {
  const frames: string[][] = [];
  let frame: string[] = [];
  let bytes = 0;
  for (const text of texts) {
    const size = byteLength(text);
    if (frame.length > 0 && bytes + size > frameBytesMax) {
      frames.push(frame);
      frame = [];
      bytes = 0;
    }
    frame.push(text);
    bytes += size;
  }
  if (frame.length > 0) frames.push(frame);
  return frames;
}

const encoder = new TextEncoder();

/** UTF-8 length of a text. */
export function byteLength(text: string): number {
  return encoder.encode(text).byteLength;
}
