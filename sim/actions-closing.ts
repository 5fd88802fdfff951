/**
 * The decisions that need a role: the manager's tablet (the book's owner and
 * closer) closes periods in order and seals them, retires identities of wiped
 * tablets and admits entries held for review; tablets acknowledge closes; an
 * enrolling device enrols a wiped tablet's new identity. Each works from the
 * acting device's own view of the books, as the app would, so seals and joins
 * race with everything else in flight.
 */
import { businessDateFromUtcMs, dayOf, nextPeriod } from '../src/core/dates.ts';
import type { Ledger, PeriodView } from '../src/core/ledger.ts';
import { sealBody } from '../src/core/reconcile.ts';
import { AssertionError } from '../src/core/result.ts';
import type { PeerId, PeriodId, SealBody } from '../src/core/types.ts';
import type { SimPeer } from './peer.ts';
import { isActiveMember, SIM, type World } from './world.ts';

/** The first day of every simulated book. */
const FIRST_DAY = dayOf(businessDateFromUtcMs(SIM.startMs, 0));

/** The manager, when it is up and may write. */
function writingManager(world: World): SimPeer | undefined {
  const manager = world.manager;
  return manager.up && isActiveMember(manager.mustQuery().roster(), manager.device) ? manager : undefined;
}

/** The manager closes the next period once its day is over (by its own clock). */
export async function close(world: World): Promise<string | undefined> {
  const manager = writingManager(world);
  if (manager === undefined) return undefined;
  const closed = manager.mustQuery().periods().filter((p) => p.close !== undefined).map((p) => p.period);
  const next = closed.length === 0 ? FIRST_DAY : nextPeriod(closed[closed.length - 1]!);
  if (next >= dayOf(world.dateOf(manager))) return undefined;
  await world.appendResolved(manager, { kind: 'close', body: { period: next } });
  return `M closed ${next}`;
}

/** A tablet acknowledges the oldest close it holds and has not acknowledged. */
export async function ack(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.active().filter((t) => t !== world.manager));
  if (tablet === undefined) return undefined;
  const open = tablet
    .mustQuery()
    .periods()
    .find((p) => p.close !== undefined && p.seal === undefined && !p.acks.some((a) => a.peer === tablet.device));
  if (open === undefined) return undefined;
  await world.appendResolved(tablet, { kind: 'ack', body: { period: open.period } });
  return `${tablet.node} acked ${open.period}`;
}

/**
 * The manager seals the oldest closed period once every active tablet acked it,
 * or, now and then, without the silent ones (a tablet may never answer). The
 * conditions sealBody asserts are checked first; a refusal after that is counted.
 */
export async function seal(world: World): Promise<string | undefined> {
  const manager = writingManager(world);
  if (manager === undefined) return undefined;
  const ledger = await manager.ledger();
  const period = sealable(ledger, dayOf(world.dateOf(manager)));
  if (period === undefined) return undefined;
  const silent = silentDevices(ledger, period, manager.device);
  if (silent.length > 0 && !world.prng.chance(0.25)) return undefined;
  let body: SealBody;
  try {
    body = sealBody(ledger, period.period, manager.device);
  } catch (error) {
    if (!(error instanceof AssertionError)) throw error;
    world.counts.sealRefusedAfterCheck++;
    return `M could not seal ${period.period}: ${error.message}`;
  }
  await world.appendResolved(manager, { kind: 'seal', body });
  return `M sealed ${period.period}${silent.length > 0 ? ` without ${silent.join(',')}` : ''}`;
}

/** The oldest closed, unsealed period before today, if every sealed period before it is final. */
function sealable(ledger: Ledger, today: PeriodId): PeriodView | undefined {
  const periods = ledger.periods;
  if (periods.some((p) => p.seal !== undefined && p.status !== 'final')) return undefined;
  const lastSealed = periods.filter((p) => p.seal !== undefined).pop()?.period;
  const next = periods.find((p) => p.close !== undefined && p.seal === undefined);
  if (next === undefined || next.period >= today) return undefined;
  // Seals chain in period order, one period after the other.
  if (lastSealed !== undefined && next.period !== nextPeriod(lastSealed)) return undefined;
  if (lastSealed === undefined && next.period !== FIRST_DAY) return undefined;
  return next;
}

/** Active members, the closer aside, without an ack of `period`. */
function silentDevices(ledger: Ledger, period: PeriodView, closer: PeerId): PeerId[] {
  const acked = new Set(period.acks.map((a) => a.peer));
  return [...ledger.roster.values()].filter((m) => m.peer !== closer && m.lastSeq === undefined && !acked.has(m.peer)).map((m) => m.peer);
}

/** An enrolling device enrols a wiped tablet's new identity (the pairing code was scanned). */
export async function join(world: World): Promise<string | undefined> {
  const enrollers = world.active().filter((t) => {
    const roles = t.mustQuery().roster().find((m) => m.peer === t.device)?.roles ?? [];
    return roles.includes('owner') || roles.includes('enrol');
  });
  const enroller = world.prng.pick(enrollers);
  if (enroller === undefined) return undefined;
  const known = new Set(enroller.mustQuery().roster().map((m) => m.peer));
  const waiting = world.prng.pick(world.tablets().filter((t) => t.up && !known.has(t.device)));
  if (waiting === undefined) return undefined;
  await world.appendResolved(enroller, { kind: 'join', body: { device: waiting.device, name: waiting.node, key: '', roles: [] } });
  return `${enroller.node} enrolled ${waiting.device}`;
}

/** The manager retires the old identity of a wiped tablet at the last seq it holds in a row from it. */
export async function retire(world: World): Promise<string | undefined> {
  const manager = writingManager(world);
  if (manager === undefined) return undefined;
  const roster = manager.mustQuery().roster();
  const old = world.prng.pick(world.oldIdentities.filter((id) => roster.some((m) => m.peer === id && m.lastSeq === undefined)));
  if (old === undefined) return undefined;
  const lastSeq = (await manager.frontier()).get(old)?.contiguous ?? 0;
  await world.appendResolved(manager, { kind: 'retire', body: { device: old, lastSeq, reason: 'storage wiped' } });
  return `M retired ${old} at ${lastSeq}`;
}

/** The manager reviews an entry held in its books (late beyond the window, retired author) and lets it in. */
export async function admit(world: World): Promise<string | undefined> {
  const manager = writingManager(world);
  if (manager === undefined) return undefined;
  const held = world.prng.pick(manager.mustQuery().held().filter((info) => info.kind === 'txn' || info.kind === 'negate'));
  if (held === undefined) return undefined;
  const target = { peer: held.peer, seq: held.seq, id: held.id };
  await world.appendResolved(manager, { kind: 'admit', body: { target, reason: 'reviewed' } });
  return `M admitted ${held.peer}#${held.seq} (${held.state.status === 'held' ? held.state.reason : held.state.status})`;
}
