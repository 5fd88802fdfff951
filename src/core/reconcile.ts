/**
 * Builders for the bodies a device writes to reconcile the books: a summary (any
 * device) and a seal (the closer). Each builds exactly what the fold will verify,
 * so an honest summary is 'agreed' and an honest seal agrees with every peer.
 */
import { nextPeriod, periodStart } from './dates.ts';
import { makeDevEntry } from './entry.ts';
import { buildChains, cutMap, entriesWithin, isWithin, type ChainIndex } from './fold-chain.ts';
import { computeRoster, isRosterEntry } from './fold-roster.ts';
import { foldBooks } from './fold.ts';
import { cutOf } from './frontier.ts';
import { balancesAsOf } from './queries.ts';
import { AssertionError } from './result.ts';
import type { AccountAmount, Ledger } from './ledger.ts';
import type { BalanceLine, Cut, CutLine, Day, Entry, Hlc, PeerId, PeriodId, SealBody, SummaryBody } from './types.ts';

/**
 * The summary a device holding `ledger` writes as of `asOf`: its cut is the ledger's
 * frontier, its balances those of the books restricted to that cut (what verifiers
 * compute), sorted by account, zero omitted.
 */
export function summaryBody(ledger: Ledger, asOf: Day): SummaryBody {
  const chains = buildChains(entriesOf(ledger));
  const cut = cutOf(ledger.frontier);
  const within = foldBooks(entriesWithin(chains, cut));
  return { asOf, cut, balances: toLines([...balancesAsOf(within, asOf)].map(([account, amount]) => ({ account, amount }))) };
}

/**
 * The seal `closer` writes for `period` on top of `ledger`.
 * Its cut is the ledger's frontier, less what the closer itself would not count:
 * authors not enrolled are left out, a retired author is cut at its lastSeq, an
 * equivocating author just below its first conflicting seq. Its balances and
 * digest are the period's figures in the books as they will be once the seal is
 * held (computed by folding the ledger's entries plus this very seal), so the seal
 * agrees with the fold on every peer holding its cut.
 * Throws AssertionError when the seal would not make the period final here: the
 * closer lacks the role within the cut, the period is not after the last sealed
 * one, or an earlier sealed period is not final yet. Callers check those first.
 */
export function sealBody(ledger: Ledger, period: PeriodId, closer: PeerId): SealBody {
  const entries = entriesOf(ledger);
  const chains = buildChains(entries);
  const prevSeal = lastSeal(ledger);
  const cut = sealCut(ledger, chains);
  const draft = draftSeal(ledger, closer, { period, prevSeal, cut, balances: [], digest: '' });
  const view = foldBooks([...entries, draft]).periods.find((p) => p.seal === draft.id);
  if (view === undefined) throw new AssertionError(`A seal of ${period} by ${closer} would not be valid (role, or period order).`);
  if (view.status !== 'final' || view.closingBalances === undefined || view.digest === undefined) {
    throw new AssertionError(`A seal of ${period} would not make it final here: an earlier sealed period is not final.`);
  }
  return { period, prevSeal, cut, balances: toLines(view.closingBalances), digest: view.digest };
}

function entriesOf(ledger: Ledger): Entry[] {
  return [...ledger.entries.values()].map((v) => v.entry);
}

function lastSeal(ledger: Ledger): SealBody['prevSeal'] {
  let seal: SealBody['prevSeal'] = null;
  for (const p of ledger.periods) if (p.seal !== undefined) seal = p.seal;
  return seal;
}

function toLines(balances: AccountAmount[]): BalanceLine[] {
  return balances.map((b) => ({ account: b.account, amount: b.amount.toString() }));
}

/**
 * The frontier's cut, each line shortened to what the closer counts (see sealBody).
 * The seal will be judged by the roster within its own cut, so lines are also cut
 * to what that roster enrols; dropping a line can drop joins from the roster, so
 * this repeats until the cut no longer shrinks.
 */
function sealCut(ledger: Ledger, chains: ChainIndex): Cut {
  const conflictAt = new Map<PeerId, number>();
  for (const alarm of ledger.alarms) {
    if (alarm.kind === 'equivocation') conflictAt.set(alarm.peer, Math.min(alarm.seq, conflictAt.get(alarm.peer) ?? Infinity));
  }
  let cut = shorten(chains, cutOf(ledger.frontier), (peer) => {
    const member = ledger.roster.get(peer);
    return member === undefined ? 0 : Math.min(member.lastSeq ?? Infinity, (conflictAt.get(peer) ?? Infinity) - 1);
  });
  const genesis = ledger.settings === undefined ? undefined : ledger.entries.get(ledger.settings.genesis)?.entry;
  if (genesis?.kind !== 'book') return cut;
  const rosterEntries = chains.sorted.filter(isRosterEntry).filter((e) => e.book === genesis.book);
  for (;;) {
    const lines = cutMap(cut);
    const within = computeRoster(genesis, rosterEntries.filter((e) => isWithin(chains, lines.get(e.peer), e))).members;
    const next = shorten(chains, cut, (peer) => within.get(peer)?.lastSeq ?? (within.has(peer) ? Infinity : 0));
    if (next.length === cut.length && next.every((line, i) => line.seq === cut[i]!.seq)) return next;
    cut = next;
  }
}

/** Each line cut down to at most `limitOf(peer)`, lines cut to nothing dropped. */
function shorten(chains: ChainIndex, cut: Cut, limitOf: (peer: PeerId) => number): Cut {
  const shortened: Cut = [];
  for (const line of cut) {
    const upTo = Math.min(line.seq, limitOf(line.peer));
    const kept = upTo === line.seq ? line : lineAt(chains, line, upTo);
    if (kept !== undefined) shortened.push(kept);
  }
  return shortened;
}

/** The line for the entry at `seq` on the chain ending at `line.head`, if held. */
function lineAt(chains: ChainIndex, line: CutLine, seq: number): CutLine | undefined {
  if (seq < 1) return undefined;
  for (let i = chains.pos.get(line.head) ?? -1; i >= 0; i = chains.parent[i]!) {
    const entry = chains.sorted[i]!;
    if (entry.seq === seq) return { peer: line.peer, seq, head: entry.id };
  }
  return undefined;
}

/** The seal as the closer will write it, for folding before its balances are known. */
function draftSeal(ledger: Ledger, closer: PeerId, body: SealBody): Entry {
  const genesis = ledger.settings === undefined ? undefined : ledger.entries.get(ledger.settings.genesis)?.entry;
  if (genesis === undefined) throw new AssertionError('A book without its genesis cannot be sealed.');
  const own = ledger.frontier.get(closer);
  return makeDevEntry({
    nonce: 'draft-seal-----------',
    book: genesis.book,
    kind: 'seal',
    peer: closer,
    seq: (own?.contiguous ?? 0) + 1,
    prev: own?.head ?? null,
    hlc: '9999999999999-9999' as Hlc,
    date: periodStart(nextPeriod(body.period)),
    body,
  });
}
