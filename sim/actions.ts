/**
 * The step table: every kind of step the world can take, with its weight. Each
 * step the world clock moves on, the network delivers what fell due, and the world
 * draws one kind by weight among those ready (a restart needs a device that is
 * down, a fault on the wire a message in flight) and runs it; a kind that finds
 * nothing to act on after all (no tablet enrolled, no close to ack) is counted as
 * skipped.
 *
 * Faults are frequent on purpose: a run of a few hundred steps should see every
 * kind of trouble several times.
 */
import { ack, admit, close, join, retire, seal } from './actions-closing.ts';
import { corrupt, crash, delay, drop, duplicate, evict, heal, jump, offline, online, partition, reorder, repair, restart, skew } from './actions-faults.ts';
import { draft, late, negate, post, saveDraft, settle, summarise, twinNegate } from './actions-ledger.ts';
import type { World } from './world.ts';

export interface StepKind {
  name: string;
  /** True for the kinds the summary lists as faults injected. */
  fault: boolean;
  weight: number;
  /** A cheap test that there may be something to act on; kinds not ready are not drawn. */
  ready?: (world: World) => boolean;
  run: (world: World) => Promise<string | undefined>;
}

const anyDown = (w: World): boolean => w.peers.some((p) => !p.up);
const anyPending = (w: World): boolean => w.peers.some((p) => p.up && p.pending.length > 0);
const managerUp = (w: World): boolean => w.manager.up;
const inFlight = (w: World): boolean => w.network.inFlight() > 0;
/** Some connection is open (the wire faults act on connections, in flight or not). */
const anyLink = (w: World): boolean => w.peers.some((p) => w.network.links(p.node).length > 0);

export const STEP_KINDS: readonly StepKind[] = [
  { name: 'post', fault: false, weight: 16, run: post },
  { name: 'settle', fault: false, weight: 4, ready: anyPending, run: (w) => settle(w) },
  { name: 'negate', fault: false, weight: 3, run: negate },
  { name: 'twin-negate', fault: false, weight: 1.5, run: twinNegate },
  { name: 'draft', fault: false, weight: 2, run: draft },
  { name: 'save-draft', fault: false, weight: 2, ready: (w) => w.peers.some((p) => p.up && p.model.drafts.size > 0), run: saveDraft },
  { name: 'late-entry', fault: false, weight: 2, run: late },
  { name: 'summary', fault: false, weight: 0.5, run: summarise },
  { name: 'close', fault: false, weight: 2, ready: managerUp, run: close },
  { name: 'ack', fault: false, weight: 4, run: ack },
  { name: 'seal', fault: false, weight: 2, ready: managerUp, run: seal },
  { name: 'join', fault: false, weight: 2, ready: (w) => w.oldIdentities.length > 0, run: join },
  { name: 'retire', fault: false, weight: 1, ready: (w) => w.oldIdentities.length > 0 && w.manager.up, run: retire },
  { name: 'admit', fault: false, weight: 1, ready: managerUp, run: admit },
  { name: 'repair', fault: false, weight: 8, run: repair },
  { name: 'drop', fault: true, weight: 2, ready: anyLink, run: drop },
  { name: 'duplicate', fault: true, weight: 2, ready: inFlight, run: duplicate },
  { name: 'reorder', fault: true, weight: 2, ready: inFlight, run: reorder },
  { name: 'delay', fault: true, weight: 2, ready: anyLink, run: delay },
  { name: 'corrupt', fault: true, weight: 1, ready: inFlight, run: corrupt },
  { name: 'partition', fault: true, weight: 1, ready: (w) => !w.network.partitioned, run: partition },
  { name: 'heal', fault: false, weight: 1.5, ready: (w) => w.network.partitioned, run: heal },
  { name: 'offline', fault: true, weight: 1, run: offline },
  { name: 'online', fault: false, weight: 1.5, ready: (w) => w.network.offline.size > 0, run: online },
  { name: 'crash', fault: true, weight: 1, run: crash },
  { name: 'restart', fault: false, weight: 3, ready: anyDown, run: restart },
  { name: 'clock-skew', fault: true, weight: 1, run: skew },
  { name: 'clock-jump', fault: true, weight: 0.4, run: jump },
  { name: 'evict', fault: true, weight: 0.6, run: evict },
];

/** Names of the fault kinds, for the summary. */
export const FAULT_KINDS: readonly string[] = STEP_KINDS.filter((k) => k.fault).map((k) => k.name);

/** Draw one kind by weight among those ready, and run it; returns what it did. */
export async function takeStep(world: World): Promise<{ kind: string; note: string | undefined }> {
  const weights = STEP_KINDS.map((k) => (k.ready === undefined || k.ready(world) ? k.weight : 0));
  const kind = STEP_KINDS[world.prng.weighted(weights)]!;
  const note = await kind.run(world);
  if (note === undefined) world.note(`${kind.name} (skipped)`, 'nothing to act on');
  else world.note(kind.name, note);
  return { kind: kind.name, note };
}
