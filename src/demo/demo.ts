/**
 * The terminal demo of the core (`npx tsx src/demo/main.ts`). It runs the pure
 * core only: builds the demo store's day, folds it, prints the journal and the
 * trial balance, and shows that the same entries in another order, duplicated,
 * give the same books. It says plainly that the app and the hub are not built.
 */
import { stateDigest } from '../core/digest.ts';
import { fold } from '../core/fold.ts';
import type { Ledger } from '../core/ledger.ts';
import { balancesAsOf, trialBalance } from '../core/queries.ts';
import type { Entry } from '../core/types.ts';
import { formatMinor } from './money.ts';
import { renderJournal, renderPeriods, renderTrialBalance } from './render.ts';
import { buildStoreDay, DEMO_DAY, NEXT_DAY } from './store-day.ts';

export const NOT_THE_APP =
  'This is the terminal demo of the core, not the daybook app: `npm start` runs the hub and the app.';

export interface DemoResult {
  lines: string[];
  ledger: Ledger;
  /** True when the reordered, duplicated entries folded to the same books. */
  sameBooksInAnyOrder: boolean;
}

/** Run the demo and return what it prints. Pure and deterministic. */
export function runDemo(): DemoResult {
  const day = buildStoreDay();
  const ledger = fold(day.entries);
  const tb = trialBalance(ledger, DEMO_DAY);
  const shuffled = reorderAndDuplicate(day.entries);
  const digest = stateDigest(ledger);
  const sameBooksInAnyOrder = stateDigest(fold(shuffled)) === digest;
  const cash = balancesAsOf(ledger, DEMO_DAY).get('Assets:Cash:Till-1') ?? 0n;
  const sales = (asOf: string): string => formatMinor(-(balancesAsOf(ledger, asOf).get('Income:Sales') ?? 0n));
  const settings = ledger.settings;
  const lines = [
    'daybook: a terminal demo of the core',
    '',
    NOT_THE_APP,
    'What runs here is the pure core (src/core): one day of a demo store, closed and sealed',
    'the next morning, is written with the test builders (src/core/testing/build.ts),',
    'folded into the books, and printed.',
    '',
    `Book ${settings === undefined ? '(none)' : `"${settings.name}", ${settings.currency}, owner ${settings.owner}`}; ` +
      `devices: ${[...ledger.roster.keys()].join(', ')}`,
    '',
    `Journal: ${ledger.entries.size} entries, in business-date order`,
    ...renderJournal(ledger),
    '',
    'Periods',
    ...renderPeriods(ledger),
    '',
    `Trial balance at the end of ${DEMO_DAY}`,
    ...renderTrialBalance(tb),
    '',
    `Cash in Till-1 by the books: ${formatMinor(cash)}; counted by hand from the day: ${formatMinor(day.expectedCashInTill)}.`,
    `Sales: ${sales(DEMO_DAY)} by the end of ${DEMO_DAY}, ${sales(NEXT_DAY)} by the end of ${NEXT_DAY} ` +
      '(the late candle sale counts from the day it was carried into, never in the sealed day).',
    `The same ${day.entries.length} entries folded in reverse order, each twice (${shuffled.length} arrivals): ` +
      `${sameBooksInAnyOrder ? 'the same books' : 'DIFFERENT books (a bug)'} (state digest ${digest.slice(0, 16)}…).`,
    '',
    'Next: `npm test` runs the test suites, `npm run bench` the benchmarks (README.md).',
  ];
  return { lines, ledger, sameBooksInAnyOrder };
}

/** The entries as a late, repetitive network might deliver them: reversed, each twice. */
function reorderAndDuplicate(entries: readonly Entry[]): Entry[] {
  const reversed = [...entries].reverse();
  return [...reversed, ...reversed.map((e) => ({ ...e }))];
}
