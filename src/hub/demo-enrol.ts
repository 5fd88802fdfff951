/**
 * Demo mode only (`daybook hub --demo`): the hub enrols the tablets that open its
 * pairing link, so the demo's first sale counts instead of staying pending.
 *
 * How: the demo book's owner ("manager", whose entries the demo store writes with
 * the dev scheme) enrols the hub's own device for the book with the `enrol` role
 * (buildDemoHubJoin, ingested once; the same entry on every restart). Then, when a
 * tablet says hello on a sync session of the demo book (`/sync/corner-shop`, the
 * hub the pairing link names) with a peer id the roster does not hold, the hub
 * appends a `join` for it with no roles: a clerk, who may post and negate but not
 * close, seal or enrol. The join travels back to the tablet on the same session, and
 * the tablet's entries, written before or after, stop being pending.
 *
 * Why on the sync session and not a separate request: the tablet needs no new code
 * and no new endpoint, and the hub learns the peer id where it already hears it.
 * Sessions are not authenticated yet (issue 8), so anyone who can reach the hub may
 * enrol an id in the demo book: acceptable for a demo on one machine, never for a
 * store, which is why nothing here runs outside `--demo` and why it acts on the demo
 * book only. Outside demo mode enrolment stays a manager's act (issue 8 adds
 * pairing codes).
 *
 * One demo hub per demo book: two demo hubs linked by `--upstream` would each write
 * a different manager entry at the same seq (a fork, held as equivocation).
 */
import { checkPeerId } from '../core/validate-fields.ts';
import { limits } from '../core/limits.ts';
import type { PeerId } from '../core/types.ts';
import type { Books, HubBook } from './books.ts';
import { buildDemoHubJoin, DEMO_STORE_BOOK } from './demo-store.ts';
import type { Log } from './log.ts';

/** Limits of demo enrolment. */
export const demoEnrolLimits = {
  /** Devices on the demo book's roster beyond which the hub enrols no more (a runaway script, not a shop). */
  rosterDevicesMax: 256,
} as const;

export type DemoEnrolOutcome =
  | { status: 'enrolled'; peer: PeerId }
  /** Already on the roster, or being enrolled by an earlier call. */
  | { status: 'known' }
  /** Not enrolled, with the reason (another book, a bad id, the roster is full, the journal failed). */
  | { status: 'refused'; reason: string };

export interface DemoEnrolment {
  /** The hub's device for the demo book (holds the enrol role). */
  readonly hubPeer: PeerId;
  /**
   * A peer said hello on a sync session of `book`: enrol it in the demo book if it is
   * not on the roster yet. Never rejects: every failure is a refused outcome.
   */
  heard(book: HubBook, peer: string): Promise<DemoEnrolOutcome>;
}

/**
 * Make the hub's device an enroller of the demo book (idempotent) and return the
 * enrolment. Call after seedDemo. Peers already connected to the demo book are
 * enrolled at once (they said hello before this existed). Rejects only when the
 * book cannot be opened or the hub's join is refused.
 */
export async function startDemoEnrolment(books: Books, log: Log): Promise<DemoEnrolment> {
  const opened = await books.open(DEMO_STORE_BOOK, { create: true });
  if (!opened.ok) throw new Error(`cannot open the demo book: ${opened.reason}`);
  const demo = opened.book;
  const hubPeer = demo.journal.peer;
  const report = await demo.journal.ingest([buildDemoHubJoin(hubPeer)], 'demo');
  if (report.refused.length > 0) throw new Error(`the demo hub's enrolment was refused: ${report.refused[0]!.reason.message}`);
  const busy = new Set<string>();

  const heard = async (book: HubBook, peer: string): Promise<DemoEnrolOutcome> => {
    if (book.book !== DEMO_STORE_BOOK || book.journal !== demo.journal) return { status: 'refused', reason: `only the demo book ${DEMO_STORE_BOOK} enrols by itself` };
    const bad = checkPeerId(peer, 'peer', 'The device id');
    if (bad !== undefined) return { status: 'refused', reason: bad.message };
    const roster = book.store.roster();
    if (busy.has(peer) || roster.some((m) => m.peer === peer)) return { status: 'known' };
    if (roster.length >= demoEnrolLimits.rosterDevicesMax) {
      return { status: 'refused', reason: `the demo book has ${roster.length} devices, the most the demo hub enrols by itself` };
    }
    busy.add(peer);
    try {
      await book.journal.append({ kind: 'join', body: { device: peer as PeerId, name: peer.slice(0, limits.nameCharsMax), key: '', roles: [] } });
      log.info('demo tablet enrolled', { book: book.book, peer, roles: 'clerk' });
      return { status: 'enrolled', peer: peer as PeerId };
    } catch (error) {
      // Not kept busy: the next hello (a reconnection) tries again.
      busy.delete(peer);
      const reason = error instanceof Error ? error.message : String(error);
      log.warn('demo tablet not enrolled', { book: book.book, peer, reason });
      return { status: 'refused', reason };
    }
  };

  for (const session of demo.mesh.sessions()) {
    if (session.state === 'open' && session.remotePeer !== undefined) void heard(demo, session.remotePeer);
  }
  return { hubPeer, heard };
}
