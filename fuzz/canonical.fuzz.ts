/**
 * Fuzzing the canonical codec: parseCanonical on mutated entry bytes and text and
 * on random JSON; canonicalString on random values. The judge: parseCanonical
 * returns a value only for text that is exactly that value's canonical form (so
 * decode and encode are inverse), and otherwise refuses with a known code;
 * canonicalString either writes a text that parses back to itself or throws its
 * own NotCanonicalError, never anything else.
 */
import { canonicalString, NotCanonicalError, parseCanonical, utf8 } from '../src/core/canonical.ts';
import { limits } from '../src/core/limits.ts';
import type { Result } from '../src/core/result.ts';
import type { Prng } from '../sim/prng.ts';
import { corpusTexts } from './corpus.ts';
import { refusalProblem, runFuzz, type FuzzCase, type FuzzReport } from './harness.ts';
import { mutateEntry, randomValue } from './mutate.ts';

const corpus = corpusTexts();
const decoder = new TextDecoder();

/** `cases` codec cases of `seed`, from case `first` on. */
export function fuzzCanonical(seed: number, cases: number, first = 0): FuzzReport {
  return runFuzz<unknown>('canonical', seed, cases, (prng) => (prng.chance(0.75) ? parseCase(prng) : writeCase(prng)) as FuzzCase<unknown>, first);
}

/** parseCanonical on a mutated entry (as bytes or text; an object mutant is written first). */
function parseCase(prng: Prng): FuzzCase<Result<unknown>> {
  const mutant = mutateEntry(prng.pick(corpus)!, prng, corpus);
  let input: Uint8Array | string;
  if (mutant.input instanceof Uint8Array || typeof mutant.input === 'string') input = mutant.input;
  else input = JSON.stringify(mutant.input) ?? '';
  return {
    ops: mutant.ops,
    run: () => parseCanonical(input),
    outcome: (result) => (result.ok ? 'ok' : result.refusal.code),
    judge: (result) => (result.ok ? judgeParsed(input, result.value) : refusalProblem(result.refusal)),
  };
}

/** canonicalString on a random value, then parseCanonical on what it wrote. */
function writeCase(prng: Prng): FuzzCase<{ text?: string; parsed?: Result<unknown> }> {
  const value = prng.chance(0.2) ? nest(randomValue(prng), prng.int(1, 12)) : randomValue(prng);
  return {
    ops: ['write'],
    run: () => {
      let text: string;
      try {
        text = canonicalString(value);
      } catch (error) {
        // The one way canonicalString may refuse: a value with no canonical form.
        if (error instanceof NotCanonicalError) return {};
        throw error;
      }
      return { text, parsed: parseCanonical(text) };
    },
    outcome: (r) => (r.text === undefined ? 'no-canonical-form' : r.parsed!.ok ? 'ok' : r.parsed!.refusal.code),
    judge: (r) => {
      if (r.text === undefined || r.parsed === undefined) return undefined;
      if (!r.parsed.ok) {
        // Only size may stop a text canonicalString wrote: it bounds depth, not length.
        if (r.parsed.refusal.code === 'too-large' && utf8(r.text).byteLength > limits.entryBytesMax) return undefined;
        return `canonicalString wrote a text parseCanonical refuses: ${r.parsed.refusal.code}`;
      }
      return canonicalString(r.parsed.value) === r.text ? undefined : 'write, parse and write again changed the text';
    },
  };
}

function judgeParsed(input: Uint8Array | string, value: unknown): string | undefined {
  const text = typeof input === 'string' ? input : decoder.decode(input);
  if (canonicalString(value) !== text) return 'parseCanonical accepted a text that is not the canonical form of its value';
  const again = parseCanonical(utf8(text));
  return again.ok ? undefined : 'an accepted text is refused as bytes';
}

function nest(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = i % 2 === 0 ? [out] : { a: out };
  return out;
}
