/**
 * What one device last heard another hold, as the "held by N devices" figure reads
 * it: per author, the contiguous prefix, the highest seq and the gaps below it (the
 * lines of a sync `frontier` frame, without the head).
 */
import type { AuthorFrontier } from '../src/core/ledger.ts';
import type { PeerId } from '../src/core/types.ts';

/** One author as a peer holds it. */
export interface HaveLine {
  peer: PeerId;
  contiguous: number;
  highest: number;
  /** Gaps below `highest`, inclusive. */
  missing: Array<[number, number]>;
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
