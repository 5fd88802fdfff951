/**
 * The outage report of one book: when each device was last heard from, and what
 * arrived after a reconnection (how many entries, from whom, which are late
 * adjustments carried into an open period, which are held for review, pending,
 * invalid or duplicate negations, and which inputs were refused into quarantine).
 *
 * Two halves:
 * - outageReport() is pure: the books (the query store), plus optionally the hub's
 *   sync sessions and the arrivals since a marker. "Last heard from" comes from the
 *   entries themselves (the highest hlc an author signed, a function of the set,
 *   so every peer reports the same) and, when given, from the hub's own sessions
 *   (local time the device was last connected, which only this hub knows).
 * - markArrivals() / arrivalsSince() read a journal: the marker is how many entries
 *   and which quarantine number the journal held at the reconnection; the journal's
 *   scan is in local arrival order (journal contract point 4), so what lies past the
 *   marker is exactly what arrived after it.
 */
import { parseHlc } from '../core/hlc.ts';
import type { HeldReason, SeqRange } from '../core/ledger.ts';
import type { BusinessDate, EntryId, Hlc, Kind, PeerId, PeriodId } from '../core/types.ts';
import type { Journal, QuarantineRecord } from '../journal/journal.ts';
import type { QueryStore } from '../query/index.ts';

/** What a journal held at one moment (the reconnection), to tell what came after. */
export interface ArrivalMarker {
  /** Entries held then. */
  entries: number;
  /** The highest quarantine record number then (0 when none). */
  quarantineNo: number;
  /** Local wall time of the marker, in ms (for the report only). */
  atMs: number;
}

/** What arrived after a marker, in arrival order. */
export interface Arrivals {
  since: ArrivalMarker;
  entries: EntryId[];
  quarantined: QuarantineRecord[];
}

/** One device as the hub's sync sessions saw it (optional input). */
export interface SessionSeen {
  peer: string;
  /** Local wall time the device was last connected or sent a frame, in ms. */
  lastSeenMs: number;
}

export interface DeviceReport {
  peer: PeerId;
  /** The roster's name for it, when enrolled. */
  name?: string;
  /** The highest hlc among its entries held here: when it last wrote, by its own clock. */
  lastHlc?: Hlc;
  /** That hlc's wall time in ms since the epoch. */
  lastWroteMs?: number;
  /** Business date of the entry with that hlc. */
  lastEntryDate?: BusinessDate;
  /** When the hub's sessions last saw it (local clock), if known. */
  lastSessionMs?: number;
  /** The later of lastWroteMs and lastSessionMs: when it was last heard from. */
  lastHeardMs?: number;
  /** Entries held from it, its highest seq, and the gaps below that seq. */
  entries: number;
  highestSeq: number;
  missing: SeqRange[];
  /** Set when it was retired (its entries past this seq are held). */
  retiredAt?: number;
}

export interface ArrivalReport {
  since: ArrivalMarker;
  /** Entries that arrived after the marker (ids not held by the books are left out). */
  count: number;
  byKind: Partial<Record<Kind, number>>;
  byDevice: Record<string, number>;
  /** Business dates the arrivals were written for: the outage's span. */
  firstDate?: BusinessDate;
  lastDate?: BusinessDate;
  /** Late adjustments: dated in a sealed period, carried into a later one. */
  late: Array<{ id: EntryId; peer: PeerId; date: BusinessDate; labelPeriod: PeriodId; into: PeriodId; provisional: boolean }>;
  /** Held for review, out of the balances until an admit. */
  held: Array<{ id: EntryId; peer: PeerId; reason: HeldReason; detail: string }>;
  pending: Array<{ id: EntryId; peer: PeerId; reason: string }>;
  invalid: Array<{ id: EntryId; peer: PeerId; reason: string }>;
  /** Second negations of one target, shown for review. */
  duplicates: Array<{ id: EntryId; peer: PeerId; of: EntryId }>;
  /** Inputs refused into quarantine after the marker. */
  quarantined: Array<{ no: number; from: string; code: string; message: string; atMs: number }>;
}

export interface OutageReport {
  book: string;
  /** Every author of an entry held, and every device a session saw, by peer id. */
  devices: DeviceReport[];
  /** Totals over the whole book, whatever the marker. */
  totals: { entries: number; late: number; held: number; pending: number; quarantined: number };
  /** Present when arrivals were given. */
  arrivals?: ArrivalReport;
}

export interface OutageOptions {
  sessions?: readonly SessionSeen[];
  arrivals?: Arrivals;
}

/**
 * The outage report of the books in `store`. Pure and deterministic for the same
 * store and options; O(entries held) for the devices, O(arrivals) for the rest.
 */
export function outageReport(store: QueryStore, opts: OutageOptions = {}): OutageReport {
  const report: OutageReport = {
    book: bookOf(store),
    devices: devicesOf(store, opts.sessions ?? []),
    totals: {
      entries: store.size,
      late: store.late().length,
      held: store.held().length,
      pending: store.withStatus('pending').length,
      quarantined: store.quarantine().length,
    },
  };
  if (opts.arrivals !== undefined) report.arrivals = arrivalsOf(store, opts.arrivals);
  return report;
}

function bookOf(store: QueryStore): string {
  return store.size === 0 ? '' : store.entries.books.name(store.entries.book.data[0]!);
}

function devicesOf(store: QueryStore, sessions: readonly SessionSeen[]): DeviceReport[] {
  const e = store.entries;
  const byPeer = new Map<string, { row: number; count: number }>();
  for (let row = 0; row < e.size; row++) {
    const peer = e.peers.name(e.peer.data[row]!);
    const seen = byPeer.get(peer);
    if (seen === undefined) byPeer.set(peer, { row, count: 1 });
    else {
      seen.count++;
      if (e.hlcOf(row) > e.hlcOf(seen.row)) seen.row = row;
    }
  }
  const frontier = new Map(store.frontier().map((f) => [f.peer as string, f]));
  const roster = new Map(store.roster().map((m) => [m.peer as string, m]));
  const session = new Map<string, number>();
  for (const s of sessions) session.set(s.peer, Math.max(session.get(s.peer) ?? -Infinity, s.lastSeenMs));
  const peers = [...new Set([...byPeer.keys(), ...session.keys()])].sort();
  return peers.map((peer) => {
    const held = byPeer.get(peer);
    const f = frontier.get(peer);
    const member = roster.get(peer);
    const d: DeviceReport = { peer: peer as PeerId, entries: held?.count ?? 0, highestSeq: f?.highest ?? 0, missing: f?.missing ?? [] };
    if (member !== undefined) d.name = member.name;
    if (member?.lastSeq !== undefined) d.retiredAt = member.lastSeq;
    if (held !== undefined) {
      d.lastHlc = e.hlcOf(held.row);
      d.lastWroteMs = parseHlc(d.lastHlc).wallMs;
      d.lastEntryDate = e.dateOf(held.row);
    }
    const s = session.get(peer);
    if (s !== undefined) d.lastSessionMs = s;
    const heard = Math.max(d.lastWroteMs ?? -Infinity, s ?? -Infinity);
    if (heard !== -Infinity) d.lastHeardMs = heard;
    return d;
  });
}

function arrivalsOf(store: QueryStore, arrivals: Arrivals): ArrivalReport {
  const out: ArrivalReport = {
    since: arrivals.since,
    count: 0,
    byKind: {},
    byDevice: {},
    late: [],
    held: [],
    pending: [],
    invalid: [],
    duplicates: [],
    quarantined: arrivals.quarantined.map((q) => ({ no: q.no, from: q.from, code: q.reason.code, message: q.reason.message, atMs: q.atMs })),
  };
  for (const id of new Set(arrivals.entries)) {
    const info = store.entry(id);
    if (info === undefined) continue;
    out.count++;
    out.byKind[info.kind] = (out.byKind[info.kind] ?? 0) + 1;
    out.byDevice[info.peer] = (out.byDevice[info.peer] ?? 0) + 1;
    if (out.firstDate === undefined || info.date < out.firstDate) out.firstDate = info.date;
    if (out.lastDate === undefined || info.date > out.lastDate) out.lastDate = info.date;
    const who = { id: info.id, peer: info.peer };
    if (info.late !== undefined) out.late.push({ ...who, date: info.date, ...info.late });
    const state = info.state;
    if (state.status === 'held') out.held.push({ ...who, reason: state.reason, detail: state.detail });
    else if (state.status === 'pending') out.pending.push({ ...who, reason: state.reason });
    else if (state.status === 'invalid') out.invalid.push({ ...who, reason: state.reason });
    else if (state.status === 'duplicate') out.duplicates.push({ ...who, of: state.of });
  }
  return out;
}

/** The marker of what `journal` holds now: call it when a device or upstream reconnects. */
export async function markArrivals(journal: Pick<Journal, 'count' | 'quarantine' | 'quarantineCount'>, atMs: number): Promise<ArrivalMarker> {
  const entries = await journal.count();
  let quarantineNo = 0;
  if ((await journal.quarantineCount()) > 0) {
    // Pages of records after the last number seen, until the end.
    for (;;) {
      const page = await journal.quarantine({ afterNo: quarantineNo, limit: 1000 });
      if (page.length === 0) break;
      quarantineNo = page[page.length - 1]!.no;
    }
  }
  return { entries, quarantineNo, atMs };
}

/** What `journal` received after `marker`: entries past it in arrival order, and later quarantine records. */
export async function arrivalsSince(journal: Pick<Journal, 'scan' | 'quarantine'>, marker: ArrivalMarker): Promise<Arrivals> {
  const entries: EntryId[] = [];
  let seen = 0;
  await journal.scan((chunk) => {
    for (const entry of chunk) if (seen++ >= marker.entries) entries.push(entry.id);
  });
  const quarantined: QuarantineRecord[] = [];
  let after = marker.quarantineNo;
  for (;;) {
    const page = await journal.quarantine({ afterNo: after, limit: 1000 });
    if (page.length === 0) break;
    quarantined.push(...page);
    after = page[page.length - 1]!.no;
  }
  return { since: marker, entries, quarantined };
}

/** Per-book reconnection markers, for the read API: note reconnections, report since the last one. */
export interface OutageTracker {
  /** Note that `book` reconnected (a device or the upstream hub came back) at `atMs`: arrivals count from here. */
  reconnected(book: string, journal: Pick<Journal, 'count' | 'quarantine' | 'quarantineCount'>, atMs: number): Promise<ArrivalMarker>;
  /** The marker of `book`'s last reconnection, if any. */
  marker(book: string): ArrivalMarker | undefined;
  /** The report of `book`, with its arrivals since the last reconnection when one was noted. */
  report(book: string, store: QueryStore, journal: Pick<Journal, 'scan' | 'quarantine'>, sessions?: readonly SessionSeen[]): Promise<OutageReport>;
}

/** An OutageTracker holding one marker per book in memory (a restart forgets them: the report then has no arrivals). */
export function createOutageTracker(): OutageTracker {
  const markers = new Map<string, ArrivalMarker>();
  return {
    async reconnected(book, journal, atMs) {
      const marker = await markArrivals(journal, atMs);
      markers.set(book, marker);
      return marker;
    },
    marker: (book) => markers.get(book),
    async report(book, store, journal, sessions = []) {
      const since = markers.get(book);
      const options: OutageOptions = { sessions };
      if (since !== undefined) options.arrivals = await arrivalsSince(journal, since);
      return outageReport(store, options);
    },
  };
}
