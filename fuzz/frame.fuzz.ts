/**
 * Fuzzing the sync frame decoder, the first thing every byte from a peer meets:
 * corpus frames of every type damaged (bit flips, set bytes, truncation, inserted,
 * deleted and repeated ranges, a huge or overlong varint written over a field, a
 * header swapped, a splice of two frames), frames written field by field with
 * edge values (lengths at and past the limits, huge counts, surrogate pairs,
 * control characters), random bytes, and oversized input.
 *
 * The judge: a refusal carries a known FrameProblem code and a readable message;
 * an accepted frame is written again by encodeFrame (which must not refuse it),
 * the new bytes decode to the same frame, and they are the input's bytes (the
 * module promises one encoding per frame).
 */
import { ByteWriter } from '../src/sync/bytes.ts';
import { BYE_CODES, decodeFrame, encodeFrame, FRAME_VERSION, type Frame, type FrameProblem, type FrameResult } from '../src/sync/frame.ts';
import { syncLimits } from '../src/sync/limits.ts';
import type { Prng } from '../sim/prng.ts';
import { corpusFrameBytes } from './frame-corpus.ts';
import { describe as describeError, runFuzz, type FuzzCase, type FuzzReport } from './harness.ts';
import { BYTE_DAMAGE, damageBytes, concat } from './mutate.ts';

/** Every FrameProblem, so a refusal's code is checked against the type. */
export const FRAME_PROBLEMS = ['empty', 'too-large', 'bad-version', 'unknown-type', 'trailing-bytes', 'limit', 'bad-value', 'truncated', 'bad-varint', 'bad-utf8', 'too-long'] as const satisfies readonly FrameProblem[];
type Unlisted = Exclude<FrameProblem, (typeof FRAME_PROBLEMS)[number]>;
const listsEveryProblem: [Unlisted] extends [never] ? true : never = true;
void listsEveryProblem;

/** Known findings, reported under these names (see fuzz/regressions.test.ts). */

const corpus = corpusFrameBytes();

/** `cases` frame-decoder cases of `seed`, from case `first` on. */
export function fuzzFrame(seed: number, cases: number, first = 0): FuzzReport {
  return runFuzz('frame', seed, cases, makeCase, first);
}

/** The input of one case and how it was made. */
export function frameInput(prng: Prng): { input: Uint8Array; ops: string[] } {
  const family = prng.weighted([6, 3, 1, 1]);
  if (family === 0) return damaged(prng);
  if (family === 1) return { input: fieldFrame(prng), ops: ['fields'] };
  if (family === 2) return { input: randomBytes(prng), ops: ['random'] };
  return oversized(prng);
}

function makeCase(prng: Prng): FuzzCase<FrameResult> {
  const { input, ops } = frameInput(prng);
  return {
    ops,
    run: () => decodeFrame(input),
    outcome: (result) => (result.ok ? `ok:${result.frame.type}` : result.error.code),
    judge: (result) => (result.ok ? judgeAccepted(input, result.frame) : refusalProblem(result.error)),
  };
}

function refusalProblem(error: { code: string; message: string }): string | undefined {
  if (!(FRAME_PROBLEMS as readonly string[]).includes(error.code)) return `refusal: unknown code ${error.code}`;
  if (typeof error.message !== 'string' || error.message.length === 0 || error.message.length > 400) return 'refusal: message missing or over 400 characters';
  return undefined;
}

/** An accepted frame must survive encode and decode unchanged, and be the input's one encoding. */
export function judgeAccepted(input: Uint8Array, frame: Frame): string | undefined {
  let again: Uint8Array;
  try {
    again = encodeFrame(frame);
  } catch (error) {
    return `accepted a ${frame.type} frame that encodeFrame refuses: ${describeError(error)}`;
  }
  const decoded = decodeFrame(again);
  if (!decoded.ok) return `the re-encoded ${frame.type} frame is refused: ${decoded.error.code}`;
  if (stable(decoded.frame) !== stable(frame)) return `the re-encoded ${frame.type} frame decodes to another value`;
  if (!sameBytes(again, input)) return `accepted a ${frame.type} frame that re-encodes to other bytes`;
  return undefined;
}

/** A corpus frame with 1-3 stacked byte mutations. */
function damaged(prng: Prng): { input: Uint8Array; ops: string[] } {
  let bytes = prng.pick(corpus)!;
  const ops: string[] = [];
  for (let n = prng.int(1, 3); n > 0; n--) {
    const op = prng.pick([...BYTE_DAMAGE, 'hugeVarint', 'header', 'splice'] as const)!;
    if (op === 'hugeVarint') bytes = hugeVarint(bytes, prng);
    else if (op === 'header') bytes = header(bytes, prng);
    else if (op === 'splice') bytes = splice(bytes, prng.pick(corpus)!, prng);
    else bytes = damageBytes(op, bytes, prng);
    ops.push(op);
  }
  return { input: bytes, ops };
}

/** Write a huge, too large, overlong or unterminated varint over a length or count field. */
function hugeVarint(bytes: Uint8Array, prng: Prng): Uint8Array {
  const forms = [
    [0xff, 0xff, 0xff, 0xff, 0x0f], // 2^32 - 1: the largest allowed
    [0x80, 0x80, 0x80, 0x80, 0x10], // 2^32: one too many
    [0xff, 0xff, 0xff, 0xff, 0xff, 0x01], // six bytes
    [0x80, 0x00], // not the shortest form
    [0x81, 0x80, 0x00],
    [0xff, 0x7f], // 16383
    [0x80, 0x80, 0x01], // 16384: a frame's worth
  ];
  const form = Uint8Array.from(prng.pick(forms)!);
  const at = prng.int(Math.min(2, bytes.length), bytes.length);
  const out = concat(bytes.subarray(0, at), form, bytes.subarray(prng.chance(0.5) ? at + 1 : at));
  return out;
}

/** Another version or type byte (often a valid type, so one frame's body is read as another's). */
function header(bytes: Uint8Array, prng: Prng): Uint8Array {
  const out = bytes.slice();
  if (out.length < 2) return out;
  if (prng.chance(0.2)) out[0] = prng.pick([0, 1, 4, 0xd0, 0xd2, 0xff])!;
  else out[1] = prng.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 0xff])!;
  return out;
}

function splice(a: Uint8Array, b: Uint8Array, prng: Prng): Uint8Array {
  return concat(a.subarray(0, prng.int(0, a.length)), b.subarray(prng.int(0, b.length)));
}

function randomBytes(prng: Prng): Uint8Array {
  const length = prng.pick([0, 1, 2, 3, 8, 64, 1000, syncLimits.frameBytesMax])!;
  const out = Uint8Array.from({ length }, () => prng.int(0, 255));
  // Half the time the header is right, so the body's reader is what is tested.
  if (length >= 2 && prng.chance(0.5)) [out[0], out[1]] = [FRAME_VERSION, prng.int(1, 7)];
  return out;
}

/** A corpus frame grown past the byte limit (the decoder must refuse before reading it). */
function oversized(prng: Prng): { input: Uint8Array; ops: string[] } {
  const size = prng.pick([syncLimits.frameBytesMax + 1, syncLimits.frameBytesMax + 2, 65_536, 1 << 20, 8 << 20])!;
  const out = new Uint8Array(size);
  out.set(prng.pick(corpus)!);
  return { input: out, ops: ['oversized'] };
}

// --- Frames written field by field, bypassing the encoder's own checks.

const NUMBERS = [0, 1, 2, 127, 128, 255, 256, 16_383, 16_384, 2 ** 31 - 2, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
const STRINGS = [
  '',
  'T1',
  'book-1',
  'book-1/2025-01',
  'a'.repeat(64),
  'a'.repeat(65),
  'é'.repeat(64),
  '😀'.repeat(32),
  '😀'.repeat(33),
  'tab\u0009',
  'del\u007f',
  '\u0000',
  '\ufeffbom',
  'd'.repeat(128),
  'd'.repeat(129),
  'x'.repeat(200),
  'x'.repeat(201),
  `${'x'.repeat(199)}😀y`,
  'x'.repeat(600),
  'x'.repeat(601),
];

function fieldFrame(prng: Prng): Uint8Array {
  const type = prng.int(1, 7);
  const w = new ByteWriter().u8(FRAME_VERSION).u8(type);
  const num = (): number => (prng.chance(0.6) ? prng.int(0, 10) : prng.pick(NUMBERS)!);
  const text = (): string => prng.pick(STRINGS)!;
  const flag = (): number => prng.pick([0, 1, 0, 1, 2, 255])!;
  // A count that is usually the number of items written, sometimes a lie.
  const items = (write: () => void): void => {
    const n = prng.int(0, 4);
    w.varuint(prng.chance(0.85) ? n : prng.pick(NUMBERS)!);
    for (let i = 0; i < n; i++) write();
  };
  if (type === 1) w.string(text()).string(text()).varuint(num());
  else if (type === 2) {
    w.u8(flag());
    items(() => {
      w.string(text()).varuint(num()).varuint(num());
      const head = flag();
      w.u8(head);
      if (head === 1) w.raw(Uint8Array.from({ length: 32 }, () => prng.int(0, 255)));
      items(() => w.varuint(num()).varuint(num()));
    });
  } else if (type === 3) {
    w.varuint(num());
    items(() => w.string(text()).varuint(num()).varuint(num()));
  } else if (type === 4) {
    w.varuint(num()).u8(flag());
    items(() => w.string(text()));
  } else if (type === 5) {
    w.string(text()).varuint(num()).varuint(num()).varuint(num()).bytes(Uint8Array.from({ length: prng.int(0, 40) }, () => prng.int(0, 255)));
  } else if (type === 6) w.varuint(num());
  else w.u8(prng.int(0, BYE_CODES.length)).string(text());
  if (prng.chance(0.1)) w.u8(prng.int(0, 255));
  return w.finish();
}

function stable(frame: Frame): string {
  return JSON.stringify(frame, (_key, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : v));
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

