/**
 * Quiescence: the storm ends. Partitions heal, every crashed device restarts,
 * appends in flight finish, every pair of devices connects again, and the real
 * sync runs without faults (each round: every device re-announces its frontier,
 * then every frame is delivered) until nothing is in flight and the sets agree. Then every peer must hold the same set,
 * show the same books (stateDigest of the fold and of the query store), the same
 * balances and the same periods; every resolved append is held by all, unless its
 * last copy was wiped, in which case by none.
 */
import { stateDigest, stableJson } from '../src/core/digest.ts';
import type { Entry } from '../src/core/types.ts';
import { settle } from './actions-ledger.ts';
import { checkStep, fail, FAR_DAY } from './invariants.ts';
import type { World } from './world.ts';

/** Repair rounds before quiescence counts as not reached. */
const ROUNDS_MAX = 12;

export async function quiesce(world: World): Promise<{ rounds: number }> {
  world.network.heal();
  world.network.offline.clear();
  for (const peer of world.peers) if (!peer.up) await peer.open();
  for (const tablet of world.tablets()) while (tablet.pending.length > 0) await settle(world, tablet);
  await checkStep(world);
  for (let round = 1; round <= ROUNDS_MAX; round++) {
    world.network.connectAll(true);
    for (const peer of world.peers) await world.network.mesh(peer.node)?.repair();
    await drain(world);
    await checkStep(world);
    if (await sameSets(world)) {
      await checkConverged(world);
      return { rounds: round };
    }
  }
  return fail('quiescence', `peers still hold different sets after ${ROUNDS_MAX} fault-free repair rounds`);
}

/** Deliver everything in flight, in due order, including what deliveries cause, until every session is idle. */
async function drain(world: World): Promise<void> {
  for (let i = 0; i < IDLE_WAITS_MAX; i++) {
    await world.deliverDue(Infinity);
    if (world.network.inFlight() === 0 && world.peers.every((p) => world.network.mesh(p.node)?.idle() ?? true)) return;
  }
}

/** Waits for sessions that are busy with nothing in flight (a journal call still running). */
const IDLE_WAITS_MAX = 20;

function idsOf(entries: readonly Entry[]): string {
  return entries.map((e) => e.id).sort().join(',');
}

async function sameSets(world: World): Promise<boolean> {
  const first = idsOf(await world.peers[0]!.entries());
  for (const peer of world.peers.slice(1)) if (idsOf(await peer.entries()) !== first) return false;
  return true;
}

/** Everything a user could compare between two devices, and the fate of every resolved append. */
async function checkConverged(world: World): Promise<void> {
  world.check('converged');
  const reference = world.peers[0]!;
  const digest = stateDigest(await reference.ledger());
  const balances = stableJson(reference.mustQuery().balancesAsOf(FAR_DAY));
  const periods = stableJson(reference.mustQuery().periods({ content: true }));
  for (const peer of world.peers) {
    const query = peer.mustQuery();
    if (stateDigest(await peer.ledger()) !== digest) fail('converged', `${peer.node}'s fold differs from ${reference.node}'s on the same set`);
    if (stateDigest(query.toLedger()) !== digest) fail('converged', `${peer.node}'s query store digest differs from the fold's`);
    if (stableJson(query.balancesAsOf(FAR_DAY)) !== balances) fail('converged', `${peer.node}'s balances differ from ${reference.node}'s`);
    if (stableJson(query.periods({ content: true })) !== periods) fail('converged', `${peer.node}'s periods differ from ${reference.node}'s`);
  }
  const held = new Set((await reference.entries()).map((e) => e.id));
  for (const id of world.resolved) {
    if (world.lost.has(id) && held.has(id)) fail('converged', `${id} was counted lost but is held`);
    if (!world.lost.has(id) && !held.has(id)) fail('converged', `resolved append ${id} did not reach every peer`);
  }
}
