/**
 * Summaries: a device's signed claim "as of this day, over this cut, these were the
 * balances". This peer checks it against the books restricted to the cut (the fold
 * of exactly the entries within the cut), then against its whole books:
 * - unverifiable: it lacks entries within the cut (listed);
 * - false: the books restricted to the cut give other balances (differences listed);
 * - stale: the cut's balances are right, but entries beyond the cut change them
 *   (the effective money entries outside the cut landing by the end of the day);
 * - agreed: otherwise.
 * A summary is superseded by the latest summary (highest seq) of the same author.
 */
import { endOfDay } from './dates.ts';
import { cutMap, entriesWithin, isWithin, lackingWithin, type ChainIndex } from './fold-chain.ts';
import type { Money } from './fold-money.ts';
import { compareStrings } from './fold-order.ts';
import { balancesAsOf } from './queries.ts';
import type { Ledger, SummaryVerdict, SummaryView } from './ledger.ts';
import type { BalanceLine, Cut, Entry, EntryOf, PeerId } from './types.ts';

/** Folds a subset of the entries without verifying its summaries (no recursion). */
export type FoldSubset = (entries: Entry[]) => Ledger;

/** Views of the given summaries (each recorded: its author may write), sorted by (author, seq, id). */
export function foldSummaries(
  chains: ChainIndex,
  books: Ledger,
  money: Money,
  summaries: Array<EntryOf<'summary'>>,
  foldSubset: FoldSubset,
): SummaryView[] {
  const restricted = new Map<string, Ledger>();
  const booksWithin = (cut: Cut): Ledger => {
    const key = JSON.stringify(cut);
    let ledger = restricted.get(key);
    if (ledger === undefined) restricted.set(key, (ledger = foldSubset(entriesWithin(chains, cut))));
    return ledger;
  };
  const latest = new Map<PeerId, EntryOf<'summary'>>();
  for (const s of summaries) {
    const before = latest.get(s.peer);
    if (before === undefined || s.seq > before.seq || (s.seq === before.seq && s.id > before.id)) latest.set(s.peer, s);
  }
  const views = summaries.map((summary): SummaryView => {
    const view: SummaryView = {
      summary: summary.id,
      author: summary.peer,
      asOf: summary.body.asOf,
      result: verdict(chains, books, money, summary, booksWithin),
    };
    const newest = latest.get(summary.peer)!;
    if (newest.id !== summary.id && newest.seq > summary.seq) view.supersededBy = newest.id;
    return view;
  });
  return views.sort((a, b) => compareStrings(a.author, b.author) || seqOf(chains, a) - seqOf(chains, b) || compareStrings(a.summary, b.summary));
}

function seqOf(chains: ChainIndex, view: SummaryView): number {
  return chains.byId.get(view.summary)!.seq;
}

function verdict(chains: ChainIndex, books: Ledger, money: Money, summary: EntryOf<'summary'>, booksWithin: (cut: Cut) => Ledger): SummaryVerdict {
  const { cut, asOf } = summary.body;
  const lacking = lackingWithin(chains, cut);
  if (lacking.length > 0) return { verdict: 'unverifiable', lacking };
  const actual = balancesAsOf(booksWithin(cut), asOf);
  const differences = compareClaim(summary.body.balances, actual);
  if (differences.length > 0) return { verdict: 'false', differences };
  const whole = balancesAsOf(books, asOf);
  if (sameBalances(whole, actual)) return { verdict: 'agreed' };
  const lines = cutMap(cut);
  const end = endOfDay(asOf);
  const beyond = money.effective
    .filter(({ entry, effectiveDate }) => effectiveDate <= end && !isWithin(chains, lines.get(entry.peer), entry))
    .map(({ entry }) => entry.id)
    .sort(compareStrings);
  return { verdict: 'stale', beyond };
}

/** Per account where the claim and the books differ, in account order. */
function compareClaim(claimed: BalanceLine[], actual: Map<string, bigint>): Array<{ account: string; claimed: bigint; actual: bigint }> {
  const claim = new Map<string, bigint>();
  for (const line of claimed) claim.set(line.account, (claim.get(line.account) ?? 0n) + decimal(line.amount));
  const accounts = [...new Set([...claim.keys(), ...actual.keys()])].sort(compareStrings);
  return accounts
    .map((account) => ({ account, claimed: claim.get(account) ?? 0n, actual: actual.get(account) ?? 0n }))
    .filter((d) => d.claimed !== d.actual);
}

/** A validated balance string as bigint; anything else counts as no balance (it then differs). */
function decimal(text: string): bigint {
  return /^-?\d{1,40}$/.test(text) ? BigInt(text) : 0n;
}

function sameBalances(a: Map<string, bigint>, b: Map<string, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [account, amount] of a) if (b.get(account) !== amount) return false;
  return true;
}
