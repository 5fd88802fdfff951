/**
 * Property cases of the conformance suite (fast-check):
 *
 * - Any order, any duplication, any split into ingest calls: two journals given the
 *   same entries hold the same set and the same authors.
 * - A model test: random runs of appends, bad appends, ingests (with garbage),
 *   drafts and reopens, checked against a plain model of what must be held.
 *
 * A failure message carries fast-check's seed and path, to replay it.
 */
import fc from 'fast-check';
import type { Entry, EntryId } from '../core/types.ts';
import { addSeqs, authorHeld, emptyAuthor, seqsByAuthor } from './authors.ts';
import { check, equal, peerChain, sale, testDeps, type ConformanceCase, type ConformanceOptions, type JournalFactory, type JournalUnderTest } from './conformance-kit.ts';
import type { Journal, JournalDeps } from './journal.ts';

/** Entries of three other devices, one of them equivocating at seq 4. */
function pool(): Entry[] {
  const t2 = peerChain('T2', 8);
  return [...t2, ...peerChain('T3', 8), ...peerChain('T4', 3), ...peerChain('T2', 1, { variant: 'q', fromSeq: 4, prev: t2[2]!.id })];
}

/** The property cases, each running `options.propertyRuns` times, for one implementation. */
export function propertyCases(factory: JournalFactory, options: ConformanceOptions): ConformanceCase[] {
  const entries = pool();
  return [
    {
      name: 'property: any order, duplication and split of ingests gives the same set and the same authors',
      run: () => fc.assert(fc.asyncProperty(arrivals(entries.length), arrivals(entries.length), (a, b) => sameSet(factory, entries, a, b)), {
        numRuns: options.propertyRuns,
      }),
    },
    {
      name: 'property: random runs of appends, ingests, drafts and reopens match a plain model',
      run: () => fc.assert(fc.asyncProperty(fc.array(operation(entries.length), { maxLength: 12 }), (ops) => matchesModel(factory, entries, ops)), {
        numRuns: options.propertyRuns,
      }),
    },
  ];
}

/** Some of the pool, in any order, repeated at will, cut into calls. */
function arrivals(size: number): fc.Arbitrary<number[][]> {
  return fc.array(fc.array(fc.nat(size - 1), { maxLength: 10 }), { maxLength: 5 });
}

async function sameSet(factory: JournalFactory, entries: readonly Entry[], a: number[][], b: number[][]): Promise<void> {
  // The second journal gets the same entries as the first, in another order and split.
  const wanted = new Set(a.flat());
  const extra = [...wanted].filter((i) => !b.flat().includes(i));
  const second = [...b.map((call) => call.filter((i) => wanted.has(i))), extra];
  const [one, two] = await Promise.all([heldAfter(factory, entries, a), heldAfter(factory, entries, second)]);
  equal(one, two, 'same ids and authors');
  equal(one.ids, [...wanted].map((i) => entries[i]!.id).sort(), 'exactly the entries given');
}

async function heldAfter(factory: JournalFactory, entries: readonly Entry[], calls: number[][]): Promise<{ ids: string[]; authors: unknown }> {
  const under = await factory();
  const journal = await under.open(testDeps());
  try {
    for (const call of calls) await journal.ingest(call.map((i) => entries[i]), 'peer');
    return { ids: (await journal.all()).map((e) => e.id).sort(), authors: await journal.authors() };
  } finally {
    await journal.close();
    await under.dispose();
  }
}

type Op =
  | { op: 'append'; amount: number }
  | { op: 'bad-append' }
  | { op: 'ingest'; picks: number[]; garbage: boolean }
  | { op: 'draft' }
  | { op: 'save'; pick: number }
  | { op: 'discard'; pick: number }
  | { op: 'reopen' };

function operation(size: number): fc.Arbitrary<Op> {
  return fc.oneof(
    fc.record({ op: fc.constant('append' as const), amount: fc.integer({ min: 1, max: 1_000_000 }) }),
    fc.constant({ op: 'bad-append' as const }),
    fc.record({ op: fc.constant('ingest' as const), picks: fc.array(fc.nat(size - 1), { maxLength: 6 }), garbage: fc.boolean() }),
    fc.constant({ op: 'draft' as const }),
    fc.record({ op: fc.constant('save' as const), pick: fc.nat(9) }),
    fc.record({ op: fc.constant('discard' as const), pick: fc.nat(9) }),
    fc.constant({ op: 'reopen' as const }),
  );
}

interface Model {
  held: Map<EntryId, Entry>;
  seq: number;
  drafts: string[];
  quarantined: number;
}

async function matchesModel(factory: JournalFactory, entries: readonly Entry[], ops: readonly Op[]): Promise<void> {
  const deps = testDeps();
  const under = await factory();
  let journal = await under.open(deps);
  const model: Model = { held: new Map(), seq: 0, drafts: [], quarantined: 0 };
  try {
    for (const op of ops) journal = await apply(journal, under, op, model, entries, deps);
    await compare(journal, model);
  } finally {
    await journal.close();
    await under.dispose();
  }
}

async function apply(
  journal: Journal,
  under: JournalUnderTest,
  op: Op,
  model: Model,
  entries: readonly Entry[],
  deps: JournalDeps,
): Promise<Journal> {
  switch (op.op) {
    case 'append':
      record(model, await journal.append(sale(op.amount)));
      return journal;
    case 'bad-append':
      await journal.append({ kind: 'txn', body: { postings: [] } }).then(
        () => check(false, 'an empty txn was appended'),
        (error: Error) => check(error.name === 'JournalRefusedError', `bad append: ${error.name}`),
      );
      return journal;
    case 'ingest': {
      const inputs: unknown[] = op.picks.map((i) => entries[i]);
      if (op.garbage) inputs.push({ kind: 'txn' }, '');
      const report = await journal.ingest(inputs, 'peer');
      report.accepted.forEach((e) => record(model, e));
      model.quarantined += op.garbage ? 2 : 0;
      return journal;
    }
    case 'draft':
      model.drafts.push((await journal.drafts.create(sale(5))).id);
      return journal;
    case 'save':
    case 'discard': {
      const id = model.drafts[op.pick % Math.max(1, model.drafts.length)];
      if (id === undefined) return journal;
      if (op.op === 'save') record(model, await journal.drafts.save(id));
      else await journal.drafts.discard(id);
      model.drafts = model.drafts.filter((d) => d !== id);
      return journal;
    }
    case 'reopen':
      await journal.close();
      // The same deps: a reopened journal keeps the device's clock and nonce source.
      return under.open(deps);
  }
}

function record(model: Model, entry: Entry): void {
  model.held.set(entry.id, entry);
  if (entry.peer === 'T1') model.seq = Math.max(model.seq, entry.seq);
}

async function compare(journal: Journal, model: Model): Promise<void> {
  const all = await journal.all();
  equal(all.map((e) => e.id).sort(), [...model.held.keys()].sort(), 'entries held');
  equal(await journal.count(), model.held.size, 'count');
  const device = await journal.device();
  equal([device.seq, device.quarantined], [model.seq, model.quarantined], 'device counters');
  equal((await journal.drafts.list()).map((d) => d.id), model.drafts, 'drafts');
  const mine = all.filter((e) => e.peer === 'T1').map((e) => e.seq).sort((a, b) => a - b);
  equal(mine, Array.from({ length: mine.length }, (_, i) => i + 1), 'own seqs 1..n, no gap, no repeat');
  const rows = [...seqsByAuthor([...model.held.values()])].map(([peer, seqs]) => authorHeld(addSeqs(emptyAuthor(peer), seqs)));
  equal(await journal.authors(), rows.sort((a, b) => (a.peer < b.peer ? -1 : 1)), 'authors');
}
