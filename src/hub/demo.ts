/**
 * `daybook hub --demo`: seed the demo store (demo-store.ts) into the hub's database
 * and say where to open the app. Seeding is idempotent: the entries are the same on
 * every run and the journal keys them by id, so a restart adds nothing. The book's
 * pairing secret is made once and kept in the hub's device settings for the book.
 */
import { nanoid } from 'nanoid';
import { formatPairingLink } from '../sync/pairing.ts';
import type { Books } from './books.ts';
import { buildDemoStore, DEMO_STORE_BOOK } from './demo-store.ts';

export interface DemoSeed {
  book: string;
  /** Entries new to the journal (0 on every run after the first). */
  added: number;
  /** Entries already held. */
  duplicates: number;
  /** The book secret (y-webrtc room password) that pairing links carry. */
  secret: string;
}

/** Seed the demo store into `books`. Rejects only when the book cannot be opened or written. */
export async function seedDemo(books: Books): Promise<DemoSeed> {
  const opened = await books.open(DEMO_STORE_BOOK, { create: true });
  if (!opened.ok) throw new Error(`cannot open the demo book: ${opened.reason}`);
  const { journal } = opened.book;
  const report = await journal.ingest(buildDemoStore(), 'demo');
  if (report.refused.length > 0) throw new Error(`the demo store was refused: ${report.refused[0]!.reason.message}`);
  const settings = (await journal.device()).settings;
  let secret = settings['pairingSecret'];
  if (typeof secret !== 'string') {
    secret = nanoid(24);
    await journal.updateSettings({ pairingSecret: secret });
  }
  return { book: DEMO_STORE_BOOK, added: report.accepted.length, duplicates: report.duplicates, secret };
}

/** The pairing link for `book` on the hub at `hubUrl` (http://host:port): the app, signaling and sync all on this hub. */
export function demoPairingLink(hubUrl: string, book: string, secret: string): string {
  const ws = hubUrl.replace(/^http/, 'ws');
  return formatPairingLink(`${hubUrl}/`, {
    book: book as Parameters<typeof formatPairingLink>[1]['book'],
    secret,
    signaling: [`${ws}/signaling`],
    hubs: [`${ws}/sync/${encodeURIComponent(book)}`],
  });
}
