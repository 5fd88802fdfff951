/**
 * The outage report of one book for the read API (outage.ts builds it): when each
 * device was last heard from (by its entries, and by this hub's sync sessions) and
 * what arrived since the last reconnection after a silence (the first sync session
 * after none were open, or the moment this hub opened the book).
 */
import type { HubBook } from './books.ts';
import { arrivalsSince, outageReport as buildReport, type OutageReport } from './outage.ts';

/** The book's outage report at `nowMs`. Reads the journal past the marker: O(entries held). */
export async function outageReport(book: HubBook, nowMs: number): Promise<OutageReport> {
  await book.refreshQuarantine();
  // A device connected right now is heard from now; others when their last session event was.
  const seen = new Map(book.seen);
  for (const session of book.mesh.sessions()) if (session.state === 'open' && session.remotePeer !== undefined) seen.set(session.remotePeer, nowMs);
  const sessions = [...seen].map(([peer, lastSeenMs]) => ({ peer, lastSeenMs }));
  const arrivals = book.marker === undefined ? undefined : await arrivalsSince(book.journal, book.marker);
  return buildReport(book.store, { sessions, ...(arrivals === undefined ? {} : { arrivals }) });
}
