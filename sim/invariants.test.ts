/**
 * The invariants can fail: each test breaks one thing the way a product bug would
 * (a journal that forgets, a query store that shows other books, a device that
 * reuses a seq, a sync layer that never delivers...) and expects that very
 * invariant to report it. Without these, a simulator that checks nothing would pass.
 */
import { describe, expect, it } from 'vitest';
import { encodeEntry, makeDevEntry } from '../src/core/entry.ts';
import type { Entry, UnsignedEntry } from '../src/core/types.ts';
import { takeStep } from './actions.ts';
import { checkStep, InvariantFailure } from './invariants.ts';
import { quiesce } from './quiesce.ts';
import { SIM, World } from './world.ts';

/** A small world after `steps` healthy-or-not steps, every invariant holding. */
async function worldAfter(steps: number, seed = 11): Promise<World> {
  const world = new World({ seed, tablets: 4, hubs: 1 });
  await world.setup();
  for (let i = 1; i <= steps; i++) {
    world.nowMs += world.prng.int(0, 2 * SIM.meanStepMs);
    world.stepNo = i;
    await world.deliverDue();
    await takeStep(world);
    await checkStep(world);
  }
  return world;
}

async function failureOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (error) {
    if (error instanceof InvariantFailure) return error.invariant;
    throw error;
  }
  return 'none';
}

/** A tablet that is up and holds entries of its own. */
function writer(world: World) {
  const found = world.tablets().find((t) => t.up && t.model.held.size > 0 && world.active().includes(t));
  if (found === undefined) throw new Error('no active tablet');
  return found;
}

describe('the invariants catch', () => {
  it('a journal that loses an entry (no-loss)', async () => {
    const world = await worldAfter(40);
    const peer = writer(world);
    peer.store.texts.pop();
    peer.touch();
    expect(await failureOf(() => checkStep(world))).toBe('no-loss');
  });

  it('a query store that applied an entry the journal does not hold (applied-once)', async () => {
    const world = await worldAfter(40);
    const peer = writer(world);
    const [first] = await peer.entries();
    const stranger = makeDevEntry({ ...(first as Entry), nonce: 'stranger-000000000000', peer: 'X9', seq: 1, prev: null } as unknown as UnsignedEntry);
    peer.mustQuery().apply([stranger]);
    peer.touch();
    expect(await failureOf(() => checkStep(world))).toBe('applied-once');
  });

  it('a query store whose books differ from the fold (query-equals-fold)', async () => {
    const world = await worldAfter(40);
    const peer = writer(world);
    const query = peer.mustQuery();
    const shown = query.toLedger.bind(query);
    query.toLedger = () => {
      const ledger = shown();
      return { ...ledger, postings: ledger.postings.slice(1) };
    };
    peer.touch();
    expect(await failureOf(() => checkStep(world))).toBe('query-equals-fold');
  });

  it('a device that signs two entries at one seq (honest-alarms)', async () => {
    const world = await worldAfter(40);
    const peer = world.peer('H1');
    // The manager's last join, forked: another device's equivocation, seen on a hub.
    const join = (await peer.entries()).filter((e) => e.peer === world.manager.device && e.kind === 'join').pop()!;
    const { id: _id, sig: _sig, ...unsigned } = join;
    const fork = makeDevEntry({ ...unsigned, nonce: 'fork-0000000000000000' });
    world.texts.set(encodeEntry(fork), fork.id);
    await peer.ingest([encodeEntry(fork)], 'X');
    expect(await failureOf(() => checkStep(world))).toBe('honest-alarms');
  });

  it('a journal that refuses what it was not sent damaged (refusals)', async () => {
    const world = await worldAfter(20);
    const peer = writer(world);
    await peer.mustJournal().ingest(['{"not":"an entry"}'], 'X');
    peer.touch();
    expect(await failureOf(() => checkStep(world))).toBe('refusals');
  });

  it('a draft that vanished or appeared by itself (drafts)', async () => {
    const world = await worldAfter(20);
    const peer = writer(world);
    await peer.mustJournal().drafts.create({ kind: 'txn', body: { postings: [] } });
    peer.touch();
    expect(await failureOf(() => checkStep(world))).toBe('drafts');
  });

  it('a final period that changed (final-never-changes)', async () => {
    const world = await worldAfter(20);
    const peer = writer(world);
    peer.finals.set('2000-01-01', 'figures once shown');
    peer.touch();
    expect(await failureOf(() => checkStep(world))).toBe('final-never-changes');
  });

  it('a resolved append held nowhere (resolved-survive)', async () => {
    const world = await worldAfter(10);
    world.resolved.add('f'.repeat(64) as Entry['id']);
    expect(await failureOf(() => checkStep(world))).toBe('resolved-survive');
  });

  it('a sync layer that never delivers (quiescence)', async () => {
    const world = await worldAfter(40);
    world.network.deliverOne = () => false;
    // Something must be missing somewhere for sync to have work: one fresh sale.
    await world.appendResolved(writer(world), { kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 5 }, { account: 'Income:Sales', amount: -5 }] } });
    expect(await failureOf(() => quiesce(world))).toBe('quiescence');
  });

  it('nothing, in a healthy world (the checks above fail for their cause only)', async () => {
    const world = await worldAfter(40);
    expect(await failureOf(() => quiesce(world))).toBe('none');
  });
});
