/**
 * The demo store a hub seeds with `--demo`: a corner shop's working week, written
 * deterministically (nonces and clocks derived from the inputs, as the core's test
 * builders do, which production code may not import): the same entries, byte for
 * byte, on every run and every machine, which is what makes seeding idempotent (the
 * journal keys entries by id). Signed with the dev scheme, like every entry until
 * device keys land.
 *
 * Monday to Friday: the manager's tablet creates the book and enrols two tills; each
 * day the till gets a float, the tills sell (cash and card, 19% VAT included in
 * every price), pay for a supply now and then, and the manager banks the cash in the
 * evening. Each morning the manager closes the day before, the tills acknowledge and
 * the manager seals it. Along the week: a mistyped sale negated and keyed again, a
 * partial refund, a card sale rung up twice and negated on both tills (one negation
 * takes effect, the other is a duplicate to review), and a sale till 2 kept offline
 * that arrives after its day was sealed (carried into the next day). Friday is open.
 */
import { businessDateAsUtcMs } from '../core/dates.ts';
import { makeDevEntry } from '../core/entry.ts';
import { fold } from '../core/fold.ts';
import { sha256Hex } from '../core/hash.ts';
import { limits } from '../core/limits.ts';
import { sealBody } from '../core/reconcile.ts';
import type { BodyByKind, BookBody, BookId, BusinessDate, Entry, EntryId, EntryOf, Hlc, Kind, PeerId, SealBody } from '../core/types.ts';

export const DEMO_STORE_BOOK = 'corner-shop' as BookId;
/** The week seeded: Monday 2025-03-10 to Friday 2025-03-14. */
export const DEMO_STORE_DAYS = ['2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14'] as const;

const BOOK_BODY: BookBody = { name: 'Corner shop', currency: 'EUR', timezone: 'Europe/Berlin', period: 'day', windowDays: 28 };
const OPENING_MS = Date.UTC(2025, 2, 10, 6, 50, 0);
const FLOAT = 15_000;

/** What the shop sells: name, price with VAT and the VAT in it, in cents (integers, never computed by division). */
const CATALOG: ReadonlyArray<readonly [string, number, number]> = [
  ['Bread', 350, 56],
  ['Coffee', 280, 45],
  ['Milk', 129, 21],
  ['Newspaper', 250, 40],
  ['Flowers', 1190, 190],
  ['Cheese', 595, 95],
  ['Chocolate', 199, 32],
  ['Candles', 714, 114],
];

/** A small deterministic generator (mulberry32) for which item sells when; it never touches an amount. */
function picker(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n) >>> 0;
  };
}

interface Author {
  readonly peer: PeerId;
  write<K extends Kind>(kind: K, body: BodyByKind[K], date: string): EntryOf<K>;
  txn(date: string, postings: Array<[string, number]>, memo: string): EntryOf<'txn'>;
  negate(target: Entry, date: string, reason: string): EntryOf<'negate'>;
  join(device: string, date: string): EntryOf<'join'>;
  close(period: string, date: string): EntryOf<'close'>;
  ack(period: string, date: string): EntryOf<'ack'>;
  seal(body: SealBody, date: string): EntryOf<'seal'>;
}

/**
 * One device writing its chain: seq and prev in order, an hlc that follows the
 * business date (a second a step, never behind), a nonce derived from (book, peer,
 * count). Deterministic, so the same calls give the same ids.
 */
function author(book: BookId, peer: string, startMs: number): Author {
  let seq = 0;
  let head: EntryId | null = null;
  let wallMs = startMs;
  const write = <K extends Kind>(kind: K, body: BodyByKind[K], date: string): EntryOf<K> => {
    wallMs = Math.max(wallMs, businessDateAsUtcMs(date as BusinessDate));
    const hlc = `${String(wallMs).padStart(13, '0')}-0000` as Hlc;
    wallMs += 1000;
    const nonce = sha256Hex(`${book}\n${peer}\n${seq}`).slice(0, limits.nonceChars);
    const entry = makeDevEntry({ nonce, book, kind, peer: peer as PeerId, seq: seq + 1, prev: head, hlc, date: date as BusinessDate, body });
    seq = entry.seq;
    head = entry.id;
    return entry as EntryOf<K>;
  };
  return {
    peer: peer as PeerId,
    write,
    txn: (date, postings, memo) => write('txn', { postings: postings.map(([account, amount]) => ({ account, amount })), memo }, date),
    negate: (target, date, reason) => write('negate', { target: { peer: target.peer, seq: target.seq, id: target.id }, reason }, date),
    join: (device, date) => write('join', { device: device as PeerId, name: device, key: '', roles: [] }, date),
    close: (period, date) => write('close', { period }, date),
    ack: (period, date) => write('ack', { period }, date),
    seal: (body, date) => write('seal', body, date),
  };
}

/** The demo week's entries, in the order the devices wrote them. Pure: the same on every call. */
export function buildDemoStore(): Entry[] {
  return writeWeek().entries;
}

/** The date of the manager's join of a demo hub's device: Friday evening, after the week's last manager entry. */
const HUB_JOIN_DATE = '2025-03-14T18:45:00';

/**
 * The manager's join of a demo hub's own device (`device`) with the enrol role:
 * the manager's next entry after the week, so a hub running `--demo` may enrol the
 * tablets that open its pairing link (demo-enrol.ts). Pure and deterministic in
 * `device`: a restarted hub (same device) writes the same entry, byte for byte.
 * Two demo hubs with different devices would fork the manager's chain, so only one
 * demo hub should hold a given demo book (see demo-enrol.ts).
 */
export function buildDemoHubJoin(device: PeerId): EntryOf<'join'> {
  const { manager } = writeWeek();
  return manager.write('join', { device, name: 'Demo hub (enrols tablets)', key: '', roles: ['enrol'] }, HUB_JOIN_DATE);
}

function writeWeek(): { entries: Entry[]; manager: Author } {
  const book = DEMO_STORE_BOOK;
  const manager = author(book, 'manager', OPENING_MS);
  const tills = [author(book, 'till-1', OPENING_MS), author(book, 'till-2', OPENING_MS)] as const;
  const entries: Entry[] = [];
  const add = <E extends Entry>(entry: E): E => {
    entries.push(entry);
    return entry;
  };
  const pad = (n: number): string => String(n).padStart(2, '0');

  add(manager.write('book', BOOK_BODY, '2025-03-10T06:50:00'));
  add(manager.join('till-1', '2025-03-10T06:55:00'));
  add(manager.join('till-2', '2025-03-10T06:55:30'));

  let late: Entry | undefined;
  DEMO_STORE_DAYS.forEach((day, index) => {
    const at = (h: number, m: number): string => `${day}T${pad(h)}:${pad(m)}:00`;
    if (index > 0) {
      // The morning after: close yesterday, the tills acknowledge, the manager seals.
      const yesterday = DEMO_STORE_DAYS[index - 1]!;
      add(manager.close(yesterday, at(7, 0)));
      add(tills[0].ack(yesterday, at(7, 2)));
      if (index !== 3) add(tills[1].ack(yesterday, at(7, 3)));
      add(manager.seal(sealBody(fold(entries), yesterday, manager.peer), at(7, 10)));
      if (late !== undefined) entries.push(late);
      late = undefined;
    }
    add(manager.txn(at(7, 30), [['Assets:Cash:Till-1', FLOAT], ['Assets:Bank', -FLOAT]], 'Opening float'));
    const pick = picker(index + 1);
    let cash = FLOAT;
    for (let sale = 0; sale < 10; sale++) {
      const [item, gross, vat] = CATALOG[pick(CATALOG.length)]!;
      const till = tills[sale % 2]!;
      const hour = 8 + Math.floor(sale * 1.1);
      const minute = (sale * 17 + index * 7) % 60;
      const byCard = pick(3) === 0;
      const account = byCard ? 'Assets:Card-Clearing' : 'Assets:Cash:Till-1';
      add(till.txn(at(hour, minute), [[account, gross], ['Income:Sales', vat - gross], ['Liabilities:VAT', -vat]], byCard ? `${item}, card` : item));
      if (!byCard) cash += gross;
    }
    if (index === 1) {
      // A mistyped price (59.50 for 5.95), negated at once and keyed again.
      const typo = add(tills[0].txn(at(10, 5), [['Assets:Cash:Till-1', 5950], ['Income:Sales', -5000], ['Liabilities:VAT', -950]], 'Cheese'));
      add(tills[0].negate(typo, at(10, 6), 'Typed 59.50 for 5.95'));
      add(tills[0].txn(at(10, 7), [['Assets:Cash:Till-1', 595], ['Income:Sales', -500], ['Liabilities:VAT', -95]], 'Cheese'));
      cash += 595;
    }
    if (index === 2) {
      add(tills[1].txn(at(11, 30), [['Income:Sales', 1000], ['Liabilities:VAT', 190], ['Assets:Card-Clearing', -1190]], 'Refund: one bunch of flowers'));
      // Rung up twice while the Wi-Fi was down; both tills negate the second one.
      const twice = add(tills[1].txn(at(12, 40), [['Assets:Card-Clearing', 714], ['Income:Sales', -600], ['Liabilities:VAT', -114]], 'Candles, card'));
      add(tills[1].negate(twice, at(12, 45), 'Rung up twice'));
      add(tills[0].negate(twice, at(12, 46), 'Customer charged twice'));
    }
    if (index % 2 === 0) {
      add(tills[0].txn(at(14, 0), [['Expenses:Supplies', 850], ['Assets:Cash:Till-1', -850]], 'Milk for the coffee machine'));
      cash -= 850;
    }
    if (index === 2) {
      // Till 2 goes offline in the evening; this sale reaches the others after Wednesday is sealed.
      late = tills[1].txn(at(19, 10), [['Assets:Card-Clearing', 595], ['Income:Sales', -500], ['Liabilities:VAT', -95]], 'Cheese, card (offline till)');
    }
    add(manager.txn(at(18, 30), [['Assets:Bank', cash], ['Assets:Cash:Till-1', -cash]], 'Banked the takings'));
  });
  return { entries, manager };
}
