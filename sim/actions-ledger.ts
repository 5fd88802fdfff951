/**
 * What clerks do on the tablets: post sales and expenses, negate mistakes (two
 * tablets sometimes negating the same entry while cut off from each other), keep
 * and save drafts, post late (back-dated) entries, and write summaries. Each
 * action returns a note for the trace, or undefined when there was nothing to do.
 */
import { businessDateFromUtcMs, dayOf } from '../src/core/dates.ts';
import { summaryBody } from '../src/core/reconcile.ts';
import type { BusinessDate, EntryId, PeerId, TxnBody } from '../src/core/types.ts';
import type { AppendInput } from '../src/journal/journal.ts';
import type { SimPeer } from './peer.ts';
import type { Prng } from './prng.ts';
import { SIM, type World } from './world.ts';

/** Postings that balance for any positive amount. */
const TEMPLATES: ReadonlyArray<(amount: number) => Array<[string, number]>> = [
  (a) => [['Assets:Cash', a], ['Income:Sales', -a]],
  (a) => [['Assets:Card', a], ['Income:Sales', -a]],
  (a) => [['Expenses:Supplies', a], ['Assets:Cash', -a]],
  (a) => [['Income:Sales', a], ['Liabilities:Refunds', -a]],
  (a) => [['Assets:Cash', a], ['Assets:Card', 75], ['Income:Sales', -a - 75]],
];

/** A balanced txn body of a random template and amount. */
export function txnBody(prng: Prng): TxnBody {
  const amount = prng.int(1, 99_999);
  const postings = TEMPLATES[prng.int(0, TEMPLATES.length - 1)]!(amount).map(([account, value]) => ({ account, amount: value }));
  return prng.chance(0.3) ? { postings, memo: `sale ${prng.int(1, 9999)}` } : { postings };
}

/**
 * A clerk posts a txn. The append is started; most finish at once, the rest stay in
 * flight. Now and then the tablet is one whose enrolment it has not seen yet (a
 * wiped tablet back in use): its entries wait, pending, until the join arrives.
 */
export async function post(world: World): Promise<string | undefined> {
  const pool = world.prng.chance(0.1) ? world.tablets().filter((t) => t.up) : world.active();
  const tablet = world.prng.pick(pool);
  if (tablet === undefined) return undefined;
  tablet.pending.push({ input: { kind: 'txn', body: txnBody(world.prng) }, startedMs: world.nowMs });
  if (world.prng.chance(0.75)) return settle(world, tablet);
  return `${tablet.node} started an append (${tablet.pending.length} in flight)`;
}

/** The oldest append in flight on a tablet commits and resolves. */
export async function settle(world: World, chosen?: SimPeer): Promise<string | undefined> {
  const tablet = chosen ?? world.prng.pick(world.tablets().filter((t) => t.up && t.pending.length > 0));
  const pending = tablet?.pending.shift();
  if (tablet === undefined || pending === undefined) return undefined;
  const entry = await world.appendResolved(tablet, pending.input);
  return `${tablet.node} appended ${entry.kind} ${entry.peer}#${entry.seq}`;
}

/** Txns a tablet sees in effect and not negated: what a clerk may negate. */
function negatable(tablet: SimPeer): Array<{ peer: PeerId; seq: number; id: EntryId }> {
  return tablet
    .mustQuery()
    .withStatus('effective')
    .filter((info) => info.kind === 'txn' && info.negatedBy === undefined)
    .map((info) => ({ peer: info.peer, seq: info.seq, id: info.id }));
}

function negation(target: { peer: PeerId; seq: number; id: EntryId }, reason: string): AppendInput {
  return { kind: 'negate', body: { target: { peer: target.peer, seq: target.seq, id: target.id }, reason } };
}

export async function negate(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.active());
  if (tablet === undefined) return undefined;
  const target = world.prng.pick(negatable(tablet));
  if (target === undefined) return undefined;
  await world.appendResolved(tablet, negation(target, 'entered by mistake'));
  return `${tablet.node} negated ${target.peer}#${target.seq}`;
}

/** Two tablets negate the same entry before either hears of the other's negation. */
export async function twinNegate(world: World): Promise<string | undefined> {
  const active = world.active();
  const a = world.prng.pick(active);
  const b = world.prng.pick(active.filter((t) => t !== a));
  if (a === undefined || b === undefined) return undefined;
  const shared = negatable(a).filter((t) => {
    const there = b.mustQuery().entry(t.id);
    return there?.state.status === 'effective' && there.negatedBy === undefined;
  });
  const target = world.prng.pick(shared);
  if (target === undefined) return undefined;
  await world.appendResolved(a, negation(target, 'twin'));
  await world.appendResolved(b, negation(target, 'twin'));
  return `${a.node} and ${b.node} both negated ${target.peer}#${target.seq}`;
}

/** A clerk starts a draft, or edits one. */
export async function draft(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.active());
  if (tablet === undefined) return undefined;
  const drafts = tablet.mustJournal().drafts;
  const existing = world.prng.pick([...tablet.model.drafts]);
  if (existing !== undefined && world.prng.chance(0.3)) {
    await drafts.edit(existing, { kind: 'txn', body: txnBody(world.prng) });
    return `${tablet.node} edited draft ${existing}`;
  }
  const made = await drafts.create({ kind: 'txn', body: txnBody(world.prng) });
  tablet.model.drafts.add(made.id);
  return `${tablet.node} started draft ${made.id}`;
}

/** A clerk saves a draft as an entry (atomically), or throws it away. */
export async function saveDraft(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.active().filter((t) => t.model.drafts.size > 0));
  const id = tablet === undefined ? undefined : world.prng.pick([...tablet.model.drafts]);
  if (tablet === undefined || id === undefined) return undefined;
  if (world.prng.chance(0.2)) {
    await tablet.mustJournal().drafts.discard(id);
    tablet.model.drafts.delete(id);
    return `${tablet.node} discarded draft ${id}`;
  }
  const entry = await tablet.saveDraft(id);
  world.resolved.add(entry.id);
  world.counts.resolved++;
  return `${tablet.node} saved draft ${id} as ${entry.peer}#${entry.seq}`;
}

/** A txn dated one to three days back: found a receipt from the other day. */
export async function late(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.active());
  if (tablet === undefined) return undefined;
  const backMs = world.prng.int(1, 3) * 86_400_000 + world.prng.int(0, 3_600_000);
  const date = maxDate(businessDateFromUtcMs(tablet.clockMs() - backMs, 0), businessDateFromUtcMs(SIM.startMs, 0));
  const entry = await world.appendResolved(tablet, { kind: 'txn', body: txnBody(world.prng), date });
  return `${tablet.node} posted late ${entry.peer}#${entry.seq} dated ${date}`;
}

/** A tablet writes a summary of its books as of today or yesterday. */
export async function summarise(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.active());
  if (tablet === undefined) return undefined;
  const today = dayOf(world.dateOf(tablet));
  const yesterday = dayOf(businessDateFromUtcMs(tablet.clockMs() - 86_400_000, 0));
  const asOf = world.prng.chance(0.5) ? today : yesterday;
  const body = summaryBody(await tablet.ledger(), asOf);
  await world.appendResolved(tablet, { kind: 'summary', body });
  return `${tablet.node} summarised as of ${asOf}`;
}

function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a >= b ? a : b;
}
