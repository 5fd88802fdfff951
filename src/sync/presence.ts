/**
 * Presence: which devices are online and what each holds, so a tablet can show
 * "missing entries 58-61 from Till 2" and "this entry is held by 3 devices". A pure
 * function of this device's frontier and the frontiers its peers last announced.
 */
import type { FrontierLine } from './frame.ts';
import { spansOfLine } from './held.ts';
import { subtract, union, type Span } from './ranges.ts';

export interface PeerPresence {
  /** The device id of a peer connected now. */
  peer: string;
  /** Its last announced frontier. */
  frontier: readonly FrontierLine[];
}

export interface Missing {
  /** The author whose entries this device lacks. */
  author: string;
  from: number;
  to: number;
  /** Online devices that hold (some of) them. */
  heldBy: string[];
}

export interface Presence {
  self: string;
  online: string[];
  /** What online peers hold and this device lacks, by author then seq. */
  missing: Missing[];
  /** How many devices (this one included) hold the author's entry at `seq`, as far as their frontiers say. */
  heldBy(author: string, seq: number): number;
}

/** Presence from this device's own frontier and its connected peers'. */
export function presenceOf(self: string, local: readonly FrontierLine[], peers: readonly PeerPresence[]): Presence {
  const mine = new Map(local.map((l) => [l.peer, spansOfLine(l)]));
  const missing: Missing[] = [];
  const authors = new Set(peers.flatMap((p) => p.frontier.map((l) => l.peer)));
  for (const author of [...authors].sort()) {
    const byPeer = peers.map((p) => ({ peer: p.peer, spans: lineOf(p.frontier, author) }));
    const lackedHere = subtract(union(byPeer.flatMap((p) => p.spans)), mine.get(author) ?? []);
    for (const [from, to] of lackedHere) {
      const heldBy = byPeer.filter((p) => p.spans.some(([f, t]) => f <= to && t >= from)).map((p) => p.peer);
      missing.push({ author, from, to, heldBy });
    }
  }
  const holds = (spans: readonly Span[], seq: number): boolean => spans.some(([f, t]) => f <= seq && seq <= t);
  return {
    self,
    online: peers.map((p) => p.peer).sort(),
    missing,
    heldBy: (author, seq) =>
      (holds(mine.get(author) ?? [], seq) ? 1 : 0) + peers.filter((p) => holds(lineOf(p.frontier, author), seq)).length,
  };
}

function lineOf(frontier: readonly FrontierLine[], author: string): Span[] {
  const line = frontier.find((l) => l.peer === author);
  return line === undefined ? [] : spansOfLine(line);
}

/** "missing entries 58-61 from Till 2": a line a screen can show, with the author's display name. */
export function describeMissing(m: Missing, nameOf: (peer: string) => string = (p) => p): string {
  const what = m.from === m.to ? `entry ${m.from}` : `entries ${m.from}-${m.to}`;
  const where = m.heldBy.length === 0 ? '' : ` (held by ${m.heldBy.map(nameOf).join(', ')})`;
  return `missing ${what} from ${nameOf(m.author)}${where}`;
}
