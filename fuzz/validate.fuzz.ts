/**
 * Fuzzing the validator, the one border every entry from a peer crosses: mutated
 * valid entries as bytes, text and objects (some signed again after the change, so
 * they reach the rules behind the id and signature checks), and random values.
 *
 * The judge: a refusal carries a known code and a readable message; an acceptance
 * is only of an undamaged entry (a corpus entry, or one signed again), and is
 * self-consistent: its id is its content's, its canonical text is the input's, and
 * validating its bytes again gives the same entry.
 */
import { canonicalString, utf8 } from '../src/core/canonical.ts';
import { devVerifier, encodeEntry, entryIdOf } from '../src/core/entry.ts';
import type { Result } from '../src/core/result.ts';
import type { Entry } from '../src/core/types.ts';
import { validate } from '../src/core/validate.ts';
import type { Prng } from '../sim/prng.ts';
import { corpusTexts } from './corpus.ts';
import { refusalProblem, runFuzz, type FuzzCase, type FuzzReport } from './harness.ts';
import { mutateEntry, randomValue, type Mutant } from './mutate.ts';

const corpus = corpusTexts();
const undamaged = new Set(corpus);
const options = { verify: devVerifier };
const decoder = new TextDecoder();

/** `cases` validator cases of `seed`, from case `first` on. */
export function fuzzValidate(seed: number, cases: number, first = 0): FuzzReport {
  return runFuzz('validate', seed, cases, makeCase, first);
}

function makeCase(prng: Prng): FuzzCase<Result<Entry>> {
  const mutant: Mutant = prng.chance(0.9)
    ? mutateEntry(prng.pick(corpus)!, prng, corpus)
    : { input: prng.chance(0.5) ? (randomValue(prng) as object) : utf8(JSON.stringify(randomValue(prng)) ?? 'null'), ops: ['random'], resigned: false };
  return {
    ops: mutant.ops,
    run: () => validate(mutant.input, options),
    outcome: (result) => (result.ok ? 'ok' : result.refusal.code),
    judge: (result) => (result.ok ? judgeAccepted(mutant, result.value) : refusalProblem(result.refusal)),
  };
}

function judgeAccepted(mutant: Mutant, entry: Entry): string | undefined {
  const text = encodeEntry(entry);
  if (!mutant.resigned && !undamaged.has(text)) return `accepted a damaged entry: ${text.slice(0, 200)}`;
  if (entryIdOf(entry) !== entry.id) return 'accepted an entry whose id is not its content hash';
  const input = mutant.input;
  const inputText = input instanceof Uint8Array ? decoder.decode(input) : typeof input === 'string' ? input : canonicalText(input);
  if (inputText !== text) return 'the accepted entry does not re-encode to the input';
  const again = validate(utf8(text), options);
  if (!again.ok || again.value.id !== entry.id) return 'the accepted entry is refused as bytes';
  return undefined;
}

function canonicalText(value: unknown): string | undefined {
  try {
    return canonicalString(value);
  } catch {
    return undefined;
  }
}
