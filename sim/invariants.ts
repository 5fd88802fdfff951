/**
 * The invariants, checked after every step on every device whose journal changed
 * (and the world-wide ones on every step):
 *
 * - no-loss: the journal holds every entry it was given (resolved appends, genuine
 *   entries delivered), across crashes and restarts; nothing else (no-phantom).
 * - applied-once: no entry is held or applied twice (journal, query store).
 * - refusals: the journal refused exactly the damaged copies, never a genuine entry.
 * - own-chain: a device's own entries run 1..seq with rising HLC, across restarts.
 * - query-equals-fold: the query store shows exactly the core's fold of the journal.
 * - balanced: debits equal credits at every date asked.
 * - final-never-changes: a period final on a device stays final, with the same
 *   figures, and every device that sees it final sees the same figures.
 * - honest-alarms: honest devices raise no equivocation, seal conflict or
 *   disagreement, and no honest summary is false.
 * - drafts: drafts survive crashes and vanish only when saved or discarded.
 * - resolved-survive: every resolved append is held somewhere, unless its last
 *   copy went with a wiped tablet.
 */
import { stableJson } from '../src/core/digest.ts';
import { dayOf } from '../src/core/dates.ts';
import type { Ledger } from '../src/core/ledger.ts';
import { balancesAsOf, trialBalance } from '../src/core/queries.ts';
import type { Entry } from '../src/core/types.ts';
import type { SimPeer } from './peer.ts';
import type { World } from './world.ts';

/** An invariant that did not hold: the simulator's failure. */
export class InvariantFailure extends Error {
  override name = 'InvariantFailure';
  constructor(
    readonly invariant: string,
    message: string,
  ) {
    super(`[${invariant}] ${message}`);
  }
}

export function fail(invariant: string, message: string): never {
  throw new InvariantFailure(invariant, message);
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}\n${error.stack ?? ''}` : JSON.stringify(error) ?? typeof error;
}

/** A day after every entry: balances "as of the end of time". */
export const FAR_DAY = '2999-12-31';

/** Check every device that changed, then the world-wide invariants. */
export async function checkStep(world: World): Promise<void> {
  for (const peer of world.peers) {
    if (peer.listenerError !== undefined) fail('query-store-apply', `${peer.node}: the query store threw while applying entries: ${describeError(peer.listenerError)}`);
    if (!peer.up || !peer.dirty) continue;
    await checkPeer(world, peer);
    peer.dirty = false;
  }
  checkResolvedSurvive(world);
}

/** Every invariant of one device that is up. */
export async function checkPeer(world: World, peer: SimPeer): Promise<void> {
  const entries = await peer.entries();
  await checkHeld(world, peer, entries);
  checkOwnChain(world, peer, entries);
  const ledger = await peer.ledger();
  checkQueryEqualsFold(world, peer, ledger);
  checkBalanced(world, peer, ledger);
  checkFinals(world, peer, ledger);
  checkAlarms(world, peer, ledger);
  await checkDrafts(world, peer);
}

async function checkHeld(world: World, peer: SimPeer, entries: readonly Entry[]): Promise<void> {
  world.check('applied-once');
  const ids = new Set(entries.map((e) => e.id));
  if (ids.size !== entries.length) fail('applied-once', `${peer.node}: the journal lists ${entries.length - ids.size} entries twice`);
  const journal = peer.mustJournal();
  const count = await journal.count();
  if (count !== ids.size) fail('applied-once', `${peer.node}: count() says ${count}, all() holds ${ids.size}`);
  world.check('no-loss');
  for (const id of peer.model.held) {
    if (!ids.has(id)) fail('no-loss', `${peer.node} (${peer.device}) lost ${id}${world.resolved.has(id) ? ', a resolved append' : ''}`);
  }
  for (const id of ids) if (!peer.model.held.has(id)) fail('no-phantom', `${peer.node} holds ${id}, which nobody gave it`);
  const query = peer.mustQuery();
  if (query.size !== ids.size) fail('applied-once', `${peer.node}: the query store holds ${query.size} entries, the journal ${ids.size}`);
  world.check('refusals');
  const state = await journal.device();
  if (state.quarantined !== peer.model.refused) {
    fail('refusals', `${peer.node}: the journal refused ${state.quarantined} inputs; ${peer.model.refused} damaged copies were delivered to it`);
  }
}

function checkOwnChain(world: World, peer: SimPeer, entries: readonly Entry[]): void {
  world.check('own-chain');
  const own = entries.filter((e) => e.peer === peer.device).sort((a, b) => a.seq - b.seq);
  own.forEach((entry, i) => {
    if (entry.seq !== i + 1) fail('own-chain', `${peer.device}'s own entries skip or repeat at seq ${i + 1} (found ${entry.seq})`);
    const before = own[i - 1];
    if (before !== undefined && !(entry.hlc > before.hlc)) fail('own-chain', `${peer.device}#${entry.seq} has hlc ${entry.hlc}, not after #${before.seq}'s ${before.hlc}`);
    if (before !== undefined && entry.prev !== before.id) fail('own-chain', `${peer.device}#${entry.seq} does not chain on #${before.seq}`);
  });
}

function checkQueryEqualsFold(world: World, peer: SimPeer, ledger: Ledger): void {
  world.check('query-equals-fold');
  const query = peer.mustQuery();
  const shown = query.toLedger();
  if (!sameLedger(ledger, shown)) {
    // Only now pay for the texts, to name the first difference.
    const expected = ledgerParts(ledger);
    const actual = ledgerParts(shown);
    const at = expected.findIndex((part, i) => part !== actual[i]);
    const i = at >= 0 ? at : Math.min(expected.length, actual.length);
    fail('query-equals-fold', `${peer.node}: the query store differs from the fold at\n  fold:  ${(expected[i] ?? '(none)').slice(0, 400)}\n  store: ${(actual[i] ?? '(none)').slice(0, 400)}`);
  }
  const today = dayOf(world.dateOf(peer));
  for (const day of [today, FAR_DAY]) {
    const fromFold = stableJson([...balancesAsOf(ledger, day)].map(([account, amount]) => ({ account, amount })));
    if (stableJson(query.balancesAsOf(day)) !== fromFold) fail('query-equals-fold', `${peer.node}: balances as of ${day} differ from the fold`);
    if (stableJson(query.trialBalance(day)) !== stableJson(trialBalance(ledger, day))) fail('query-equals-fold', `${peer.node}: trial balance as of ${day} differs`);
  }
}

/**
 * True when two ledgers show the same books: every part stateDigest covers
 * (entries compared by their views, not their bodies), plus the frontier.
 */
export function sameLedger(a: Ledger, b: Ledger): boolean {
  if (a.entries.size !== b.entries.size) return false;
  for (const [id, view] of a.entries) {
    const other = b.entries.get(id);
    if (other === undefined) return false;
    const { entry: _a, ...x } = view;
    const { entry: _b, ...y } = other;
    if (!sameData(x, y)) return false;
  }
  const byPeer = (m: { peer: string }, n: { peer: string }): number => (m.peer < n.peer ? -1 : m.peer > n.peer ? 1 : 0);
  return (
    sameData(a.settings, b.settings) &&
    sameData(a.postings, b.postings) &&
    sameData(a.periods, b.periods) &&
    sameData(a.summaries, b.summaries) &&
    sameData(a.alarms, b.alarms) &&
    sameData([...a.roster.values()].sort(byPeer), [...b.roster.values()].sort(byPeer)) &&
    sameData([...a.frontier.values()].sort(byPeer), [...b.frontier.values()].sort(byPeer)) &&
    a.firstOpenPeriod === b.firstOpenPeriod
  );
}

/** Deep equality of plain data (bigints by value); a key set to undefined counts as absent. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    if (a.length !== other.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameData(a[i], other[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  for (const key of keys) if (!sameData(x[key], y[key])) return false;
  return true;
}

/**
 * The ledger as a list of texts, the same parts stateDigest hashes (settings, each
 * entry's view by id, postings, periods, summaries, alarms, roster, first open
 * period), compared part by part so a failure names the first difference. The
 * quiescence check uses stateDigest itself.
 */
export function ledgerParts(ledger: Ledger): string[] {
  const parts = [`settings ${stableJson(ledger.settings ?? null)}`];
  for (const id of [...ledger.entries.keys()].sort()) {
    const { entry: _entry, ...view } = ledger.entries.get(id)!;
    parts.push(`entry ${id} ${stableJson(view)}`);
  }
  for (const posting of ledger.postings) parts.push(`posting ${stableJson(posting)}`);
  parts.push(`periods ${stableJson(ledger.periods)}`);
  parts.push(`summaries ${stableJson(ledger.summaries)}`);
  parts.push(`alarms ${stableJson(ledger.alarms)}`);
  parts.push(`roster ${stableJson([...ledger.roster.values()].sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0)))}`);
  parts.push(`firstOpenPeriod ${ledger.firstOpenPeriod ?? null}`);
  return parts;
}

function checkBalanced(world: World, peer: SimPeer, ledger: Ledger): void {
  world.check('balanced');
  let sum = 0n;
  for (const posting of ledger.postings) sum += posting.amount;
  if (sum !== 0n) fail('balanced', `${peer.node}: postings in effect sum to ${sum}`);
  for (const day of [dayOf(world.dateOf(peer)), FAR_DAY]) {
    const tb = trialBalance(ledger, day);
    if (tb.debitTotal !== tb.creditTotal) fail('balanced', `${peer.node}: trial balance as of ${day}: debit ${tb.debitTotal}, credit ${tb.creditTotal}`);
  }
}

function checkFinals(world: World, peer: SimPeer, ledger: Ledger): void {
  world.check('final-never-changes');
  const finalNow = new Set<string>();
  for (const p of ledger.periods) {
    if (p.status !== 'final') continue;
    finalNow.add(p.period);
    const figures = stableJson({ seal: p.seal, content: p.content, closingBalances: p.closingBalances, digest: p.digest, sealAgrees: p.sealAgrees });
    const mine = peer.finals.get(p.period);
    if (mine !== undefined && mine !== figures) fail('final-never-changes', `${peer.node}: final period ${p.period} changed\n  was: ${mine.slice(0, 300)}\n  now: ${figures.slice(0, 300)}`);
    peer.finals.set(p.period, figures);
    const seen = world.finals.get(p.period);
    if (seen === undefined) world.finals.set(p.period, { figures, peer: peer.node });
    else if (seen.figures !== figures) fail('final-never-changes', `final period ${p.period}: ${peer.node} and ${seen.peer} disagree\n  ${seen.peer}: ${seen.figures.slice(0, 300)}\n  ${peer.node}: ${figures.slice(0, 300)}`);
  }
  for (const period of peer.finals.keys()) {
    if (!finalNow.has(period)) fail('final-never-changes', `${peer.node}: period ${period} was final and is not any more`);
  }
}

function checkAlarms(world: World, peer: SimPeer, ledger: Ledger): void {
  world.check('honest-alarms');
  for (const alarm of ledger.alarms) {
    if (alarm.kind !== 'clock-skew') fail('honest-alarms', `${peer.node}: ${alarm.kind} alarm among honest devices: ${stableJson(alarm).slice(0, 300)}`);
  }
  for (const summary of ledger.summaries) {
    if (summary.result.verdict === 'false') fail('honest-alarms', `${peer.node}: summary ${summary.summary} by ${summary.author} judged false`);
  }
}

async function checkDrafts(world: World, peer: SimPeer): Promise<void> {
  world.check('drafts');
  const ids = (await peer.mustJournal().drafts.list()).map((d) => d.id).sort();
  const expected = [...peer.model.drafts].sort();
  if (stableJson(ids) !== stableJson(expected)) fail('drafts', `${peer.node}: drafts ${ids.join(',')} held, ${expected.join(',')} expected`);
}

/** Every resolved append is held by some device, or its last copy was wiped. */
function checkResolvedSurvive(world: World): void {
  world.check('resolved-survive');
  for (const id of world.resolved) {
    if (world.lost.has(id)) continue;
    if (!world.peers.some((p) => p.model.held.has(id))) fail('resolved-survive', `resolved append ${id} is held nowhere, and no wipe took its last copy`);
  }
}
