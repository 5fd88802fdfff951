/**
 * One day of a demo store, written with the core's test builders: a manager's
 * tablet creates the book and enrols two tills, the tills sell, one mistake is
 * negated and re-entered, a customer gets a partial refund, the till pays for
 * supplies, and the manager banks the takings. Next morning the manager closes
 * the day, till 1 acknowledges, and the manager seals what it holds; till 2 was
 * offline since the evening, and the sale it made then arrives after the seal, so
 * it is carried into the next day. Everything is deterministic (the builders derive
 * nonces and clocks from their inputs), so the demo prints the same ids on every run.
 */
import { businessDateFromUtcMs } from '../core/dates.ts';
import { fold } from '../core/fold.ts';
import { sealBody } from '../core/reconcile.ts';
import { device, type DeviceBuilder } from '../core/testing/build.ts';
import type { BookBody, Entry } from '../core/types.ts';

export const DEMO_BOOK = 'corner-shop';
export const DEMO_DAY = '2025-03-14';
/** The morning after, when the day is closed and sealed. */
export const NEXT_DAY = '2025-03-15';
/** 2025-03-14T07:00:00, the manager's clock when the book is created. */
const OPENING_MS = Date.UTC(2025, 2, 14, 7, 0, 0);

const BOOK_BODY: BookBody = {
  name: 'Corner shop',
  currency: 'EUR',
  timezone: 'Europe/Berlin',
  period: 'day',
  windowDays: 28,
};

export interface StoreDay {
  /** Every entry written that day, in the order the devices wrote them. */
  entries: Entry[];
  manager: DeviceBuilder;
  tills: [DeviceBuilder, DeviceBuilder];
  /** Minor units a person can count in the till drawer at the end of the day. */
  expectedCashInTill: bigint;
  /** The sale written offline on DEMO_DAY that arrives after the day was sealed. */
  lateSale: Entry;
}

/** Build the demo store's day. Pure: the same call returns the same entries. */
export function buildStoreDay(): StoreDay {
  const manager = device(DEMO_BOOK, 'manager', OPENING_MS);
  const till1 = device(DEMO_BOOK, 'till-1', OPENING_MS);
  const till2 = device(DEMO_BOOK, 'till-2', OPENING_MS);
  const at = (time: string): string => `${DEMO_DAY}T${time}`;
  const entries: Entry[] = [];
  const add = (entry: Entry): Entry => {
    entries.push(entry);
    return entry;
  };

  add(manager.raw('book', BOOK_BODY, businessDateFromUtcMs(OPENING_MS, 0)));
  add(manager.join('till-1', [], at('07:05:00')));
  add(manager.join('till-2', [], at('07:05:30')));
  add(manager.txn(at('07:30:00'), [['Assets:Cash:Till-1', 15000], ['Assets:Bank', -15000]], 'Opening float'));

  // Prices include 19% VAT: 11.90 is 10.00 of sales and 1.90 of VAT owed.
  add(till1.txn(at('09:12:00'), [['Assets:Cash:Till-1', 1190], ['Income:Sales', -1000], ['Liabilities:VAT', -190]], 'Bread and coffee'));
  add(till2.txn(at('09:40:00'), [['Assets:Card-Clearing', 2380], ['Income:Sales', -2000], ['Liabilities:VAT', -380]], 'Flowers, card'));
  const typo = add(till1.txn(at('10:05:00'), [['Assets:Cash:Till-1', 11900], ['Income:Sales', -10000], ['Liabilities:VAT', -1900]], 'Cheese'));
  add(till1.negate(typo, at('10:06:00'), 'Typed 119.00 for 11.90'));
  add(till1.txn(at('10:06:30'), [['Assets:Cash:Till-1', 1190], ['Income:Sales', -1000], ['Liabilities:VAT', -190]], 'Cheese'));
  add(till2.txn(at('11:30:00'), [['Income:Sales', 1000], ['Liabilities:VAT', 190], ['Assets:Card-Clearing', -1190]], 'Refund: half the flowers'));
  add(till1.txn(at('14:00:00'), [['Expenses:Supplies', 850], ['Assets:Cash:Till-1', -850]], 'Milk from the shop next door'));
  add(manager.txn(at('18:30:00'), [['Assets:Bank', 16000], ['Assets:Cash:Till-1', -16000]], 'Banked the takings'));

  // Till 2 is offline in the evening: this sale stays on the tablet until after the seal.
  const lateSale = till2.txn(at('19:10:00'), [['Assets:Card-Clearing', 595], ['Income:Sales', -500], ['Liabilities:VAT', -95]], 'Candles, card');

  const morning = (time: string): string => `${NEXT_DAY}T${time}`;
  add(manager.close(DEMO_DAY, morning('07:00:00')));
  add(till1.ack(DEMO_DAY, morning('07:01:00')));
  // Till 2 is silent, so the seal's cut holds the seqs the manager has from it (up to 2).
  add(manager.seal(sealBody(fold(entries), DEMO_DAY, manager.peer), morning('07:05:00')));
  add(lateSale);

  return {
    entries,
    lateSale,
    manager,
    tills: [till1, till2],
    // Float 150.00 + 11.90 + 11.90 - 8.50 - 160.00 banked = 5.30 left in the drawer.
    expectedCashInTill: 15000n + 1190n + 1190n - 850n - 16000n,
  };
}
