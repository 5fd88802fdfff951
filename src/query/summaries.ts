/**
 * A summary's verdict without a fold, in the one case where that is exact: the
 * summary's cut is precisely what this peer holds (every author's line is its
 * frontier, no gaps, no forks anywhere). Then the books within the cut are this
 * peer's whole books before the summary arrived, which the store holds: nothing is
 * lacking, and the verdict is 'false' when the claimed balances differ from the
 * store's as of the summary's day, else 'agreed' (nothing lies beyond the cut).
 * Any other summary goes to the fold (fold-summaries.ts).
 */
import type { AccountAmount, AuthorFrontier, SummaryVerdict, SummaryView } from '../core/ledger.ts';
import type { BalanceLine, Cut, EntryOf, PeerId } from '../core/types.ts';

/** The verdict when the cut is exactly `frontier` (gap-free), else undefined. */
export function verdictOverHeld(
  summary: EntryOf<'summary'>,
  frontier: ReadonlyMap<PeerId, AuthorFrontier>,
  balances: (day: string) => AccountAmount[],
): SummaryVerdict | undefined {
  const { cut, asOf } = summary.body;
  if (!cutIsHeld(cut, frontier)) return undefined;
  const differences = compareClaim(summary.body.balances, balances(asOf));
  return differences.length > 0 ? { verdict: 'false', differences } : { verdict: 'agreed' };
}

/**
 * True when `cut` is exactly what `frontier` holds: one line per author at its
 * contiguous seq and head, no gaps anywhere, no line for an author not held. Then,
 * without forks, every entry held lies within the cut and none is lacking.
 */
export function cutIsHeld(cut: Cut, frontier: ReadonlyMap<PeerId, AuthorFrontier>): boolean {
  let lines = 0;
  for (const f of frontier.values()) {
    if (f.highest === 0) continue;
    if (f.contiguous !== f.highest || f.head === undefined) return false;
    const line = cut.find((l) => l.peer === f.peer);
    if (line === undefined || line.seq !== f.contiguous || line.head !== f.head) return false;
    lines++;
  }
  return lines === cut.length;
}

/** Per account where the claim and the books differ, in account order (as fold-summaries.ts's compareClaim). */
function compareClaim(claimed: BalanceLine[], actual: AccountAmount[]): Array<{ account: string; claimed: bigint; actual: bigint }> {
  const claim = new Map<string, bigint>();
  for (const line of claimed) claim.set(line.account, (claim.get(line.account) ?? 0n) + decimal(line.amount));
  const books = new Map(actual.map((a) => [a.account, a.amount]));
  const accounts = [...new Set([...claim.keys(), ...books.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return accounts
    .map((account) => ({ account, claimed: claim.get(account) ?? 0n, actual: books.get(account) ?? 0n }))
    .filter((d) => d.claimed !== d.actual);
}

function decimal(text: string): bigint {
  return /^-?\d{1,40}$/.test(text) ? BigInt(text) : 0n;
}

/**
 * `views` with the newest summary of its author added: it sorts last among its
 * author's (its seq is the highest held), and supersedes every earlier one.
 */
export function withNewestSummary(views: readonly SummaryView[], view: SummaryView): SummaryView[] {
  const out = views.map((v) => (v.author === view.author ? { ...v, supersededBy: view.summary } : v));
  const at = out.findIndex((v) => v.author > view.author);
  out.splice(at < 0 ? out.length : at, 0, view);
  return out;
}
