/**
 * What the Devices screen and the status bar say about sync, computed from plain
 * inputs (the roster, what this device holds, and who is online with what), so it
 * can be tested without a browser or a network.
 */
import { parseHlc } from '../../src/core/hlc.ts';
import type { AuthorFrontier, RosterMember } from '../../src/core/ledger.ts';
import type { Hlc, PeerId } from '../../src/core/types.ts';

/** How many of this device's own entries no other device is known to hold. */
export function atRiskCount(ownSeq: number, heldBy: ((seq: number) => number) | undefined, heldElsewhereUpTo: number): number {
  if (ownSeq <= 0) return 0;
  let held = Math.min(heldElsewhereUpTo, ownSeq);
  if (heldBy !== undefined) {
    // Peers hold a prefix of this device's chain (they fetch by seq): find its end from the top.
    for (let seq = ownSeq; seq > held; seq--) {
      if (heldBy(seq) > 1) {
        held = seq;
        break;
      }
    }
  }
  return ownSeq - held;
}

export interface DeviceRow {
  peer: PeerId;
  name: string;
  roles: string[];
  self: boolean;
  online: boolean;
  retired: boolean;
  /** Entries held from it, 1..contiguous with no gap. */
  contiguous: number;
  highest: number;
  /** Gaps in what this device holds from it, as "58-61". */
  missing: string[];
  /** Wall time (ms) of the newest entry held from it, when any. */
  lastSeenMs?: number;
}

/** One row per enrolled device, this device first, then by name. */
export function deviceRows(
  self: PeerId,
  roster: readonly RosterMember[],
  frontier: readonly AuthorFrontier[],
  online: ReadonlySet<string>,
  hlcOf: (id: string) => string | undefined,
): DeviceRow[] {
  const byPeer = new Map(frontier.map((f) => [f.peer, f]));
  const rows = roster.map((m): DeviceRow => {
    const f = byPeer.get(m.peer);
    const row: DeviceRow = {
      peer: m.peer,
      name: m.name,
      roles: [...m.roles],
      self: m.peer === self,
      online: m.peer === self || online.has(m.peer),
      retired: m.lastSeq !== undefined,
      contiguous: f?.contiguous ?? 0,
      highest: f?.highest ?? 0,
      missing: (f?.missing ?? []).map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)),
    };
    const hlc = f?.head === undefined ? undefined : hlcOf(f.head);
    if (hlc !== undefined) row.lastSeenMs = parseHlc(hlc as Hlc).wallMs;
    return row;
  });
  return rows.sort((a, b) => (a.self !== b.self ? (a.self ? -1 : 1) : a.name.localeCompare(b.name)));
}

/** "3 min ago", "2 h ago", "5 d ago": how long ago `thenMs` was. */
export function ago(thenMs: number, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - thenMs) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "1.5 MB": a byte count for people. */
export function bytesText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]!}`;
}
