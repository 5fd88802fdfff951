/**
 * Fuzzing the path by which a peer's Yjs update reaches the journal: the bridge's
 * `apply` (src/sync/ydoc.ts), which the session calls through `onYjs` with every
 * reassembled update. Each case opens a fresh in-memory journal and bridge and
 * applies 1-3 updates from a hostile peer: updates a real Y.Doc made (entries of
 * the corpus under their ids, under other ids, forged or re-signed texts, values
 * that are not strings, deletes and overwrites, another root type), often damaged
 * afterwards (byte mutations, huge varints, splices of two updates), or random
 * bytes, under a right or wrong document name.
 *
 * The judge: `apply` settles (never rejects); every text handed to journal.ingest
 * validates, and at that moment is the value stored under its own id; the journal
 * holds nothing else; and an undamaged update forwards exactly its valid entries
 * stored under their ids.
 */
import * as Y from 'yjs';
import { devVerifier } from '../src/core/entry.ts';
import type { BookId, PeerId } from '../src/core/types.ts';
import { validate } from '../src/core/validate.ts';
import { countingNonce, testDeps } from '../src/journal/conformance-kit.ts';
import { openMemoryJournal } from '../src/journal/memory-journal.ts';
import { syncLimits } from '../src/sync/limits.ts';
import { createYBridge, type YBridge, type YBridgeStats } from '../src/sync/ydoc.ts';
import type { Prng } from '../sim/prng.ts';
import { corpusTexts } from './corpus.ts';
import { runFuzzAsync, type AsyncFuzzCase, type FuzzReport } from './harness.ts';
import { BYTE_DAMAGE, damageBytes, mutateEntry, concat } from './mutate.ts';

/** The book of the builder entries in the corpus (the shared samples belong to another book, and must be ignored). */
const BOOK = 'book-1' as BookId;
const PERIOD = '2025-01-01';
const DOC = `${BOOK}/${PERIOD}`;
const MAP = 'entries';
const options = { verify: devVerifier, book: BOOK };
const texts = corpusTexts();
const decoder = new TextDecoder();

/** `cases` bridge cases of `seed`, from case `first` on. */
export function fuzzYjs(seed: number, cases: number, first = 0): Promise<FuzzReport> {
  return runFuzzAsync('yjs', seed, cases, makeCase, first);
}

interface Step {
  doc: string;
  update: Uint8Array;
}

/** A case's updates, and the ids an undamaged run must forward (undefined once anything is damaged). */
interface Plan {
  steps: Step[];
  ops: string[];
  expected: Set<string> | undefined;
}

interface Outcome {
  stats: YBridgeStats;
  forwarded: string[];
  /** What was wrong with a text at the moment it was handed to the journal. */
  wrong: string[];
  held: string[];
}

function makeCase(prng: Prng): AsyncFuzzCase<Outcome> {
  const plan = prng.chance(0.1) ? randomPlan(prng) : docPlan(prng);
  if (plan.steps.some((s) => hugeStructCount(s.update))) plan.ops.push(HUGE_STRUCT_COUNT);
  if (plan.steps.some((s) => s.update.byteLength > LARGE_UPDATE_BYTES && s.update.byteLength <= syncLimits.yjsUpdateBytesMax)) plan.ops.push(LARGE_UPDATE);
  return {
    ops: plan.ops,
    run: () => runPlan(plan),
    outcome: outcomeOf,
    judge: (o) => judge(plan, o),
  };
}

function outcomeOf(o: Outcome): string {
  if (o.stats.rejectedUpdates > 0) return o.forwarded.length > 0 ? 'rejected-after-forwarding' : 'rejected';
  if (o.forwarded.length > 0) return o.stats.ignored > 0 ? 'forwarded+ignored' : 'forwarded';
  return o.stats.ignored > 0 ? 'ignored' : 'no-change';
}

function judge(plan: Plan, o: Outcome): string | undefined {
  if (o.wrong.length > 0) return `the journal was handed ${o.wrong[0]!}`;
  const forwarded = new Set(o.forwarded.map(idOf));
  const stray = o.held.find((id) => !forwarded.has(id));
  if (stray !== undefined) return `the journal holds ${stray}, which the bridge never forwarded`;
  if (plan.expected !== undefined) {
    const want = [...plan.expected].sort().join(',');
    const got = [...forwarded].sort().join(',');
    if (want !== got) return `an undamaged update forwarded [${got.slice(0, 140)}], expected [${want.slice(0, 140)}]`;
  }
  return undefined;
}

/** Apply the plan's updates to a fresh bridge, watching what reaches the journal. */
async function runPlan(plan: Plan): Promise<Outcome> {
  const journal = openMemoryJournal(testDeps({ book: BOOK, peer: 'T9' as PeerId, nonce: countingNonce('T9') }));
  const forwarded: string[] = [];
  const wrong: string[] = [];
  // The bridge is made after the journal it watches; ingest only runs once it exists.
  const made: { bridge?: YBridge } = {};
  const watched = new Proxy(journal, {
    get(target, key) {
      if (key === 'ingest') {
        return (inputs: readonly unknown[], from: string) => {
          for (const input of inputs) {
            const problem = problemOf(input, made.bridge!);
            if (problem !== undefined) wrong.push(problem);
            if (typeof input === 'string') forwarded.push(input);
          }
          return target.ingest(inputs, from);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  const bridge = createYBridge({ journal: watched, verify: devVerifier, period: 'day' });
  made.bridge = bridge;
  try {
    for (const step of plan.steps) await bridge.apply(step.doc, step.update, 'EVIL');
    const held = (await journal.all()).map((e) => e.id);
    return { stats: { ...bridge.stats }, forwarded, wrong, held };
  } finally {
    bridge.close();
    await journal.close();
  }
}

/** What is wrong with a text handed to the journal: not a valid entry, or not the value under its id. */
function problemOf(input: unknown, bridge: YBridge): string | undefined {
  if (typeof input !== 'string') return `a ${typeof input}`;
  const result = validate(input, options);
  if (!result.ok) return `an invalid entry (${result.refusal.code}): ${input.slice(0, 120)}`;
  const stored = bridge.doc(PERIOD)?.getMap<unknown>(MAP).get(result.value.id);
  return stored === input ? undefined : `entry ${result.value.id}, which is not the value stored under its id`;
}

function idOf(text: string): string {
  const result = validate(text, options);
  return result.ok ? result.value.id : '?';
}

/**
 * The op that marks a known finding: Yjs's readClientsStructRefs does
 * `new Array(numberOfStructs)` with the count read from the update before reading
 * any struct, so a few bytes claiming millions of structs cost ~100 ms of CPU and
 * hundreds of MB before the update is refused (see fuzz/regressions.test.ts).
 */
export const HUGE_STRUCT_COUNT = 'known:yjs-huge-struct-count';

/** Struct count of the first client of a v1 update (lib0 varuints), past which Yjs's preallocation is costly. */
export function hugeStructCount(update: Uint8Array): boolean {
  let at = 0;
  const varuint = (): number => {
    let value = 0;
    for (let scale = 1; at < update.length; scale *= 128) {
      const byte = update[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
    return value;
  };
  const clients = varuint();
  return clients > 0 && varuint() >= 1 << 20;
}

/**
 * The op that marks a measured cost, not a defect: an update over 1 MiB and within
 * syncLimits.yjsUpdateBytesMax reaches Yjs, which spends a few hundred ms of CPU
 * on 2-4 MiB (linear in the bytes); the limit allows it.
 */
export const LARGE_UPDATE = 'known:yjs-large-update';
const LARGE_UPDATE_BYTES = 1 << 20;

// --- Plans.

function randomPlan(prng: Prng): Plan {
  const length = prng.pick([0, 1, 2, 5, 32, 300, 4000])!;
  const update = Uint8Array.from({ length }, () => prng.int(0, 255));
  return { steps: [{ doc: docName(prng), update }], ops: ['random'], expected: undefined };
}

/** A document name: nearly always the right one. */
function docName(prng: Prng): string {
  return prng.chance(0.95) ? DOC : prng.pick(['other-book/2025-01-01', `${BOOK}/2025-02-30`, `${BOOK}/2025-01`, BOOK, '', `${BOOK}/${PERIOD}/x`])!;
}

/** 1-3 updates from a real document of a hostile peer, the last one possibly damaged. */
function docPlan(prng: Prng): Plan {
  const source = new Y.Doc({ gc: true });
  source.clientID = prng.int(1, 2 ** 31);
  const map = source.getMap<unknown>(MAP);
  const ops: string[] = [];
  const expected = new Set<string>();
  const steps: Step[] = [];
  let damaged = false;
  for (let n = prng.int(1, 3); n > 0; n--) {
    const before = Y.encodeStateVector(source);
    // Ids forwarded by an earlier update stay forwarded, whatever this one does to them.
    const tx: Tx = { fresh: new Set(), forwards: new Set(), heldAtStart: new Set(map.keys()) };
    source.transact(() => {
      for (let k = prng.int(1, 3); k > 0; k--) ops.push(change(source, map, prng, tx));
    });
    for (const id of tx.forwards) expected.add(id);
    let update = prng.chance(0.2) ? Y.encodeStateAsUpdate(source) : Y.encodeStateAsUpdate(source, before);
    if (n === 1 && prng.chance(0.6)) {
      update = damage(update, prng, ops, steps);
      damaged = true;
    }
    const doc = docName(prng);
    if (doc !== DOC) damaged = true;
    steps.push({ doc, update });
  }
  return { steps, ops, expected: damaged ? undefined : expected };
}

/** What one transaction of the hostile document does to the keys, as the bridge will see it. */
interface Tx {
  /** Keys this transaction added (absent when it began): a later change in it may still replace their value. */
  fresh: Set<string>;
  /** Ids an honest bridge must forward: fresh keys whose final value is the valid entry of that id. */
  forwards: Set<string>;
  /**
   * Keys held when the transaction began. Deleted and set again within it, such a key
   * is an overwrite to the bridge (Yjs reports 'update'), which it ignores by design.
   */
  heldAtStart: ReadonlySet<string>;
}

/** One change of the hostile document, recorded in `tx`. */
function change(source: Y.Doc, map: Y.Map<unknown>, prng: Prng, tx: Tx): string {
  const { fresh, forwards } = tx;
  const text = prng.pick(texts)!;
  const result = validate(text, options);
  const id = result.ok ? result.value.id : (JSON.parse(text) as { id: string }).id;
  const setNew = (key: string, value: unknown, valid: boolean): void => {
    if (map.has(key)) return;
    map.set(key, value);
    if (tx.heldAtStart.has(key)) return;
    fresh.add(key);
    if (valid) forwards.add(key);
    else forwards.delete(key);
  };
  const op = prng.pick(['entry', 'entry', 'wrongKey', 'forged', 'nonString', 'delete', 'overwrite', 'otherRoot'] as const)!;
  if (op === 'entry') setNew(id, text, result.ok);
  else if (op === 'wrongKey') {
    const other = validate(prng.pick(texts)!, options);
    setNew(other.ok && other.value.id !== id ? other.value.id : prng.string('0123456789abcdef', 64), text, false);
  } else if (op === 'forged') {
    const forged = asText(mutateEntry(text, prng, texts).input);
    const again = validate(forged, options);
    // A mutant signed again is a valid entry of its own: under its own id it must go through.
    const key = again.ok && prng.chance(0.5) ? again.value.id : id;
    setNew(key, forged, again.ok && again.value.id === key);
  } else if (op === 'nonString') {
    const value = prng.pick([() => 42, () => ['a'], () => new Y.Map(), () => new Y.Text(text), () => null, () => ({ text })])!();
    setNew(id, value, false);
  } else if (op === 'delete') {
    const key = prng.pick([...map.keys()]) ?? id;
    map.delete(key);
    if (fresh.delete(key)) forwards.delete(key);
  } else if (op === 'overwrite') {
    const key = prng.pick([...map.keys()]);
    const value = prng.pick(texts)!;
    if (key !== undefined) map.set(key, value);
    if (key !== undefined && fresh.has(key)) {
      const now = validate(value, options);
      if (now.ok && now.value.id === key) forwards.add(key);
      else forwards.delete(key);
    }
  } else source.getMap<string>('other').set(id, text);
  return `change:${op}`;
}

function asText(input: Uint8Array | string | object): string {
  if (input instanceof Uint8Array) return decoder.decode(input);
  return typeof input === 'string' ? input : JSON.stringify(input);
}

/** Damage an update: byte mutations, a huge varint, a splice with an earlier update, or an oversized one. */
function damage(update: Uint8Array, prng: Prng, ops: string[], earlier: readonly Step[]): Uint8Array {
  let out = update;
  for (let n = prng.int(1, 3); n > 0; n--) {
    // An oversized update costs 4 MiB of memory: one case in a hundred is enough.
    const op = prng.chance(0.03) ? 'oversized' : prng.pick([...BYTE_DAMAGE, 'hugeVarint', 'splice'] as const)!;
    ops.push(op);
    if (op === 'hugeVarint') {
      const at = prng.int(0, out.length);
      const form = prng.pick([[0xff, 0xff, 0xff, 0xff, 0x0f], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x80, 0x08]])!;
      out = concat(out.subarray(0, at), Uint8Array.from(form), out.subarray(at + (prng.chance(0.5) ? 1 : 0)));
    } else if (op === 'splice') {
      const other = prng.pick(earlier)?.update ?? out;
      out = concat(out.subarray(0, prng.int(0, out.length)), other.subarray(prng.int(0, other.length)));
    } else if (op === 'oversized') {
      out = concat(out, new Uint8Array(Math.max(1, syncLimits.yjsUpdateBytesMax + 1 - out.length)));
    } else out = damageBytes(op, out, prng);
  }
  return out;
}

