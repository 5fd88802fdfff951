/**
 * What a browser wiping a tablet's storage costs, measured at the moment it
 * happens: which entries existed only there (lost, unless a copy is still on the
 * wire), and what the tablet's "held by N devices" figure said about its own
 * entries just before. The figure is built from the frontiers other devices
 * announced; it can only warn in time if it says 1 for the entries that are
 * about to be lost, and it misleads when it counts a device that no longer holds
 * what it once announced.
 */
import type { EntryId, PeerId } from '../src/core/types.ts';
import { lineHolds } from './held-by.ts';
import type { SimPeer } from './peer.ts';
import type { World } from './world.ts';

export interface EvictionStats {
  evictions: number;
  /** Entries the wiped tablet held. */
  entriesHeld: number;
  /** Of those, held by no other device (any author): what the wipe destroyed. */
  soleCopies: number;
  /** Entries the wiped identity wrote itself. */
  ownEntries: number;
  /** Own entries held by no other device. */
  ownLost: number;
  /** Of those, appends the app had seen resolve (the clerk believed them saved). */
  ownLostResolved: number;
  /** Own lost entries whose figure said "only on this device": the user was warned. */
  lostWarned: number;
  /** Own lost entries whose figure said another device held them: false assurance. */
  lostUnwarned: number;
  /** Own entries the figure counted more holders for than really held them. */
  overstated: number;
  /** Own entries held elsewhere while the figure said only here (harmless, over-cautious). */
  understated: number;
  /** Age of each own lost entry at the wipe, world ms. */
  lostAgesMs: number[];
  /** Entries counted lost that later arrived somewhere from a message still in flight. */
  rescuedFromWire: number;
  /** The first few cases where the figure said more than the truth, and why. */
  overstatedNotes: string[];
}

export function emptyEvictionStats(): EvictionStats {
  return {
    evictions: 0,
    entriesHeld: 0,
    soleCopies: 0,
    ownEntries: 0,
    ownLost: 0,
    ownLostResolved: 0,
    lostWarned: 0,
    lostUnwarned: 0,
    overstated: 0,
    understated: 0,
    lostAgesMs: [],
    rescuedFromWire: 0,
    overstatedNotes: [],
  };
}

/**
 * Measure the wipe of `victim` (before it happens) into world.eviction, and mark
 * every entry whose last copy it holds as lost. Copies are counted in the other
 * devices' storage, crashed ones included (their storage survives).
 */
export function measureEviction(world: World, victim: SimPeer): { held: number; lost: number } {
  const stats = world.eviction;
  stats.evictions++;
  const others = world.peers.filter((p) => p !== victim);
  let lost = 0;
  for (const id of victim.model.held) {
    const copies = others.reduce((n, p) => n + (p.model.held.has(id) ? 1 : 0), 0);
    stats.entriesHeld++;
    if (copies === 0) {
      stats.soleCopies++;
      world.lost.add(id);
      lost++;
    }
    measureOwn(world, victim, id, copies);
  }
  return { held: victim.model.held.size, lost };
}

function measureOwn(world: World, victim: SimPeer, id: EntryId, copies: number): void {
  const made = world.made.get(id);
  if (made === undefined || made.peer !== victim.device) return;
  const stats = world.eviction;
  stats.ownEntries++;
  const figure = victim.heldBy(made.peer, made.seq, true);
  const truth = 1 + copies;
  if (figure > truth) {
    stats.overstated++;
    if (stats.overstatedNotes.length < 5) stats.overstatedNotes.push(overstatement(world, victim, id, made, truth));
  }
  if (figure < truth && figure === 1) stats.understated++;
  if (copies > 0) return;
  stats.ownLost++;
  if (world.resolved.has(id)) stats.ownLostResolved++;
  if (figure <= 1) stats.lostWarned++;
  else stats.lostUnwarned++;
  stats.lostAgesMs.push(world.nowMs - made.atMs);
}

/** Which devices the figure counted that no longer hold the entry. */
function overstatement(world: World, victim: SimPeer, id: EntryId, made: { peer: PeerId; seq: number }, truth: number): string {
  const stale = [...victim.heardFrom.entries()]
    .filter(([device, lines]) => lineHolds(lines.get(made.peer), made.seq) && !world.peers.some((p) => p.device === device && p.model.held.has(id)))
    .map(([device]) => device);
  return `seed ${world.options.seed} step ${world.stepNo}: ${made.peer}#${made.seq} shown held by ${victim.heldBy(made.peer, made.seq, true)}, truly ${truth}; counted but not holding it: ${stale.join(', ')}`;
}
