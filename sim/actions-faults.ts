/**
 * The network and the machines misbehaving: connections dropped, stalled,
 * overtaken by other connections, entries relayed twice or damaged by a peer;
 * partitions and heals; crashes in the middle of an append and restarts; clocks
 * skewed or jumping; a browser wiping a tablet's storage. Plus the one healthy background activity: a device re-announcing
 * its frontier (the runtime's repair timer).
 */
import { measureEviction } from './eviction.ts';
import type { World } from './world.ts';

export async function drop(world: World): Promise<string | undefined> {
  return world.network.drop(world.prng);
}

export async function duplicate(world: World): Promise<string | undefined> {
  return world.network.duplicate(world.prng, (text) => world.decode(text));
}

export async function reorder(world: World): Promise<string | undefined> {
  return world.network.reorder(world.prng);
}

export async function delay(world: World): Promise<string | undefined> {
  return world.network.delay(world.prng);
}

export async function corrupt(world: World): Promise<string | undefined> {
  return world.network.corrupt(world.prng);
}

export async function partition(world: World): Promise<string | undefined> {
  return world.network.partitioned ? undefined : world.network.partition(world.prng);
}

export async function heal(world: World): Promise<string | undefined> {
  if (!world.network.partitioned) return undefined;
  world.network.heal();
  return 'healed';
}

/** A tablet loses its network (Wi-Fi off) and keeps working alone. */
export async function offline(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.tablets().filter((t) => !world.network.offline.has(t.node)));
  if (tablet === undefined) return undefined;
  world.network.offline.add(tablet.node);
  const cut = world.network.cutUnreachable();
  return `${tablet.node} offline (${cut} connections closed)`;
}

export async function online(world: World): Promise<string | undefined> {
  const node = world.prng.pick([...world.network.offline]);
  if (node === undefined) return undefined;
  world.network.offline.delete(node);
  return `${node} online`;
}

/**
 * A device dies with appends in flight. For each, the commit either landed just
 * before the crash (held, but the app never heard) or never happened (gone): only
 * appends that had not resolved can be lost.
 */
export async function crash(world: World): Promise<string | undefined> {
  const peer = world.prng.pick(world.peers.filter((p) => p.up));
  if (peer === undefined) return undefined;
  let committed = 0;
  for (const pending of [...peer.pending]) {
    if (world.prng.chance(0.5)) {
      await peer.append(pending.input);
      committed++;
    }
  }
  const lost = peer.crash().length - committed;
  world.counts.committedUnresolved += committed;
  world.counts.lostInCrash += lost;
  return `${peer.node} crashed (${committed} committed unresolved, ${lost} appends lost)`;
}

export async function restart(world: World): Promise<string | undefined> {
  const peer = world.prng.pick(world.peers.filter((p) => !p.up));
  if (peer === undefined) return undefined;
  await peer.open();
  return `${peer.node} restarted as ${peer.device}`;
}

/** A tablet's clock drifts a few minutes either way (or is set right). */
export async function skew(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.tablets());
  if (tablet === undefined) return undefined;
  tablet.clockOffsetMs = world.prng.chance(0.3) ? 0 : world.prng.int(-10, 10) * 60_000;
  return `${tablet.node} clock off by ${tablet.clockOffsetMs / 60_000} min`;
}

/** A tablet's clock jumps hours or a day and more, forward or back. */
export async function jump(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.tablets());
  if (tablet === undefined) return undefined;
  const jumpMs = (world.prng.chance(0.5) ? 1 : -1) * world.prng.int(1, 30) * 3_600_000;
  tablet.clockOffsetMs += jumpMs;
  return `${tablet.node} clock jumped ${jumpMs / 3_600_000} h (now off by ${tablet.clockOffsetMs / 3_600_000} h)`;
}

/**
 * The browser wipes a tablet's storage (never the manager's, whose storage is
 * persisted, and never a hub's). It comes back at once as a new, unenrolled device.
 */
export async function evict(world: World): Promise<string | undefined> {
  const tablet = world.prng.pick(world.tablets().filter((t) => t !== world.manager));
  if (tablet === undefined) return undefined;
  const old = tablet.device;
  const { held, lost } = measureEviction(world, tablet);
  world.oldIdentities.push(old);
  world.counts.lostInCrash += tablet.pending.length;
  tablet.evict();
  await tablet.open();
  return `${tablet.node} wiped: ${old} held ${held}, ${lost} held nowhere else; now ${tablet.device}`;
}

/** A repair round: a device re-announces its frontier on every connection where it changed (the runtime does it every 5 s). */
export async function repair(world: World): Promise<string | undefined> {
  const peer = world.prng.pick(world.peers.filter((p) => p.up && world.network.links(p.node).length > 0));
  const mesh = peer === undefined ? undefined : world.network.mesh(peer.node);
  if (peer === undefined || mesh === undefined) return undefined;
  await mesh.repair();
  return `${peer.node} repaired on ${world.network.links(peer.node).join(',')}`;
}
