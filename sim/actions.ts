/**
 * The step table: every kind of step the world can take, with its weight. Each
 * step the world clock moves on, the network delivers what fell due, and the world
 * draws one kind by weight and runs it; a kind with nothing to act on (no tablet
 * enrolled, no message in flight) is counted as skipped.
 *
 * Faults are frequent on purpose: a run of a few hundred steps should see every
 * kind of trouble several times.
 */
import { ack, close, join, retire, seal } from './actions-closing.ts';
import { corrupt, crash, delay, drop, duplicate, evict, gossip, heal, jump, offline, online, partition, reorder, restart, skew } from './actions-faults.ts';
import { draft, late, negate, post, saveDraft, settle, summarise, twinNegate } from './actions-ledger.ts';
import type { World } from './world.ts';

export interface StepKind {
  name: string;
  /** True for the kinds the summary lists as faults injected. */
  fault: boolean;
  weight: number;
  run: (world: World) => Promise<string | undefined>;
}

export const STEP_KINDS: readonly StepKind[] = [
  { name: 'post', fault: false, weight: 16, run: post },
  { name: 'settle', fault: false, weight: 4, run: (w) => settle(w) },
  { name: 'negate', fault: false, weight: 3, run: negate },
  { name: 'twin-negate', fault: false, weight: 1.5, run: twinNegate },
  { name: 'draft', fault: false, weight: 2, run: draft },
  { name: 'save-draft', fault: false, weight: 2, run: saveDraft },
  { name: 'late-entry', fault: false, weight: 2, run: late },
  { name: 'summary', fault: false, weight: 0.5, run: summarise },
  { name: 'close', fault: false, weight: 2, run: close },
  { name: 'ack', fault: false, weight: 4, run: ack },
  { name: 'seal', fault: false, weight: 2, run: seal },
  { name: 'join', fault: false, weight: 2, run: join },
  { name: 'retire', fault: false, weight: 1, run: retire },
  { name: 'gossip', fault: false, weight: 8, run: gossip },
  { name: 'drop', fault: true, weight: 2, run: drop },
  { name: 'duplicate', fault: true, weight: 2, run: duplicate },
  { name: 'reorder', fault: true, weight: 2, run: reorder },
  { name: 'delay', fault: true, weight: 2, run: delay },
  { name: 'corrupt', fault: true, weight: 1, run: corrupt },
  { name: 'partition', fault: true, weight: 1, run: partition },
  { name: 'heal', fault: false, weight: 1.5, run: heal },
  { name: 'offline', fault: true, weight: 1, run: offline },
  { name: 'online', fault: false, weight: 1.5, run: online },
  { name: 'crash', fault: true, weight: 1, run: crash },
  { name: 'restart', fault: false, weight: 3, run: restart },
  { name: 'clock-skew', fault: true, weight: 1, run: skew },
  { name: 'clock-jump', fault: true, weight: 0.4, run: jump },
  { name: 'evict', fault: true, weight: 0.6, run: evict },
];

/** Names of the fault kinds, for the summary. */
export const FAULT_KINDS: readonly string[] = STEP_KINDS.filter((k) => k.fault).map((k) => k.name);

const WEIGHTS = STEP_KINDS.map((k) => k.weight);

/** Draw one kind by weight and run it; returns what it did. */
export async function takeStep(world: World): Promise<{ kind: string; note: string | undefined }> {
  const kind = STEP_KINDS[world.prng.weighted(WEIGHTS)]!;
  const note = await kind.run(world);
  if (note === undefined) world.note(`${kind.name} (skipped)`, 'nothing to act on');
  else world.note(kind.name, note);
  return { kind: kind.name, note };
}
