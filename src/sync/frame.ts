/**
 * The frames two peers exchange on one connection, and their binary form.
 *
 *   frame = version (1 byte, FRAME_VERSION) | type (1 byte) | body
 *
 * Integers are unsigned varints (bytes.ts), strings and byte strings carry a varint
 * length. A body must be read to its last byte: trailing bytes are refused, so one
 * frame has one encoding. FRAME_VERSION is 0xD1, outside y-webrtc's own message
 * types (0-4), so a y-webrtc message that reaches us is recognised, not misread.
 *
 * `decodeFrame` is the trust boundary: it never throws, whatever the bytes, and
 * refuses oversized, truncated, malformed and out-of-limit input with a typed reason.
 * What it accepts is well-formed, not trusted: entries inside are still only text
 * for the journal's validator to judge.
 */
import { limits } from '../core/limits.ts';
import { ByteReader, ByteWriter, type ReadProblem } from './bytes.ts';
import { syncLimits } from './limits.ts';

export const FRAME_VERSION = 0xd1;

/** One author's frontier as a peer announces it. */
export interface FrontierLine {
  peer: string;
  /** Every seq 1..contiguous is held. */
  contiguous: number;
  /** Highest seq held at all (>= contiguous). */
  highest: number;
  /** Id at `contiguous`, 64 hex chars, when known. */
  head?: string;
  /** Seqs between contiguous and highest that are NOT held, as inclusive [from, to], sorted. Possibly cut short. */
  gaps: Array<[number, number]>;
}

/** Seqs from..to (inclusive) of one author. */
export interface WireRange {
  peer: string;
  from: number;
  to: number;
}

export const BYE_CODES = ['done', 'shutdown', 'garbage', 'oversized', 'flood', 'refusals', 'protocol', 'wrong-book', 'duplicate', 'busy'] as const;
export type ByeCode = (typeof BYE_CODES)[number];

export type Frame =
  /** First frame each side sends: who it is, and how many frames it lets the other send before waiting for credit. */
  | { type: 'hello'; book: string; peer: string; credit: number }
  /** Part of the sender's frontier; `last` marks the final part of one announcement. */
  | { type: 'frontier'; last: boolean; lines: FrontierLine[] }
  /** Please send the entries you hold in these ranges. `id` >= 1 names the want. */
  | { type: 'want'; id: number; ranges: WireRange[] }
  /** Canonical entry texts. `want` 0 is a live push; otherwise the answer to that want, `end` on its last frame. */
  | { type: 'entries'; want: number; end: boolean; items: string[] }
  /** Chunk `index` of `count` of Yjs update `update` of document `doc`. */
  | { type: 'yjs'; doc: string; update: number; index: number; count: number; chunk: Uint8Array }
  /** The receiver processed this many more frames: the sender may send as many more. */
  | { type: 'credit'; frames: number }
  /** The sender closes the connection, with a reason. */
  | { type: 'bye'; code: ByeCode; reason: string };

export type FrameType = Frame['type'];
const TYPES: readonly FrameType[] = ['hello', 'frontier', 'want', 'entries', 'yjs', 'credit', 'bye'];
const TYPE_BYTE = new Map(TYPES.map((t, i) => [t, i + 1] as const));

export type FrameProblem = 'empty' | 'too-large' | 'bad-version' | 'unknown-type' | 'trailing-bytes' | 'limit' | 'bad-value' | ReadProblem;

export interface FrameError {
  code: FrameProblem;
  message: string;
}

export type FrameResult = { ok: true; frame: Frame } | { ok: false; error: FrameError };

/** Bytes of the frame header (version and type). */
export const HEADER_BYTES = 2;
const HEAD_BYTES = 32;
const HEX = /^[0-9a-f]{64}$/;

/** The bytes of a frame. Throws RangeError for a frame that breaks the format or its limits (a programmer error). */
export function encodeFrame(frame: Frame): Uint8Array {
  const w = new ByteWriter(frame.type === 'entries' || frame.type === 'yjs' ? syncLimits.frameBytesMax : 256);
  w.u8(FRAME_VERSION).u8(TYPE_BYTE.get(frame.type)!);
  writeBody(w, frame);
  const bytes = w.finish();
  if (bytes.byteLength > syncLimits.frameBytesMax) throw new RangeError(`a ${frame.type} frame of ${bytes.byteLength} bytes`);
  return bytes;
}

function writeBody(w: ByteWriter, frame: Frame): void {
  switch (frame.type) {
    case 'hello':
      w.string(frame.book).string(frame.peer).varuint(frame.credit);
      return;
    case 'frontier':
      w.u8(frame.last ? 1 : 0).varuint(frame.lines.length);
      for (const line of frame.lines) writeLine(w, line);
      return;
    case 'want':
      w.varuint(frame.id).varuint(frame.ranges.length);
      for (const r of frame.ranges) w.string(r.peer).varuint(r.from).varuint(r.to);
      return;
    case 'entries':
      w.varuint(frame.want).u8(frame.end ? 1 : 0).varuint(frame.items.length);
      for (const item of frame.items) w.string(item);
      return;
    case 'yjs':
      w.string(frame.doc).varuint(frame.update).varuint(frame.index).varuint(frame.count).bytes(frame.chunk);
      return;
    case 'credit':
      w.varuint(frame.frames);
      return;
    case 'bye':
      w.u8(BYE_CODES.indexOf(frame.code)).string(byeReason(frame.reason));
      return;
  }
}

/** A bye reason within the limit, never ending in half a surrogate pair. */
function byeReason(reason: string): string {
  const cut = reason.slice(0, syncLimits.byeReasonCharsMax);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

function writeLine(w: ByteWriter, line: FrontierLine): void {
  w.string(line.peer).varuint(line.contiguous).varuint(line.highest);
  w.u8(line.head === undefined ? 0 : 1);
  if (line.head !== undefined) w.raw(hexToBytes(line.head));
  w.varuint(line.gaps.length);
  for (const [from, to] of line.gaps) w.varuint(from).varuint(to);
}

/** Read one frame from untrusted bytes. Never throws. */
export function decodeFrame(input: unknown): FrameResult {
  if (!(input instanceof Uint8Array)) return fail('bad-value', 'A frame must be bytes.');
  if (input.byteLength === 0) return fail('empty', 'The frame is empty.');
  if (input.byteLength > syncLimits.frameBytesMax) {
    return fail('too-large', `The frame is ${input.byteLength} bytes; at most ${syncLimits.frameBytesMax} are allowed.`);
  }
  if (input.byteLength < HEADER_BYTES) return fail('truncated', 'The frame ends inside its header.');
  const version = input[0]!;
  const typeByte = input[1]!;
  if (version !== FRAME_VERSION) return fail('bad-version', `Frame version ${version} is not ${FRAME_VERSION}.`);
  const type = TYPES[typeByte - 1];
  if (type === undefined) return fail('unknown-type', `Frame type ${typeByte} is unknown.`);
  const r = new ByteReader(input.subarray(HEADER_BYTES));
  let body: Frame | FrameError;
  try {
    body = readBody(r, type);
  } catch (error) {
    // Never expected: the reader does not throw. Kept so a defect cannot crash a tablet.
    return fail('bad-value', `The frame could not be read (${error instanceof Error ? error.name : typeof error}).`);
  }
  if (r.problem !== undefined) return fail(r.problem, `The ${type} frame is malformed (${r.problem}).`);
  if ('code' in body && 'message' in body) return { ok: false, error: body };
  if (r.remaining > 0) return fail('trailing-bytes', `The ${type} frame has ${r.remaining} bytes after its end.`);
  return { ok: true, frame: body };
}

function readBody(r: ByteReader, type: FrameType): Frame | FrameError {
  switch (type) {
    case 'hello':
      return readHello(r);
    case 'frontier':
      return readFrontier(r);
    case 'want':
      return readWant(r);
    case 'entries':
      return readEntries(r);
    case 'yjs':
      return readYjs(r);
    case 'credit': {
      const frames = r.varuint() ?? 0;
      return frames >= 1 || r.problem ? { type, frames } : problem('bad-value', 'A credit frame grants at least one frame.');
    }
    case 'bye':
      return readBye(r);
  }
}

function readHello(r: ByteReader): Frame | FrameError {
  const book = readId(r, limits.bookIdCharsMax);
  const peer = readId(r, limits.peerIdCharsMax);
  const credit = r.varuint() ?? 0;
  if (r.problem) return { type: 'hello', book: '', peer: '', credit: 0 };
  if (book === undefined || peer === undefined) return problem('bad-value', 'The hello names no valid book or peer.');
  if (credit < 1) return problem('bad-value', 'The hello grants no credit.');
  return { type: 'hello', book, peer, credit };
}

function readFrontier(r: ByteReader): Frame | FrameError {
  const last = readFlag(r);
  const count = r.varuint() ?? 0;
  if (count > syncLimits.frontierAuthorsMax) return problem('limit', `A frontier of ${count} authors.`);
  const lines: FrontierLine[] = [];
  for (let i = 0; i < count && !r.problem; i++) {
    const line = readLine(r);
    if ('code' in line) return line;
    lines.push(line);
  }
  return last === undefined ? problem('bad-value', 'The frontier flag is not 0 or 1.') : { type: 'frontier', last, lines };
}

function readLine(r: ByteReader): FrontierLine | FrameError {
  const peer = readId(r, limits.peerIdCharsMax);
  const contiguous = r.varuint() ?? 0;
  const highest = r.varuint() ?? 0;
  const hasHead = r.u8();
  const head = hasHead === 1 ? r.take(HEAD_BYTES) : undefined;
  const gapCount = r.varuint() ?? 0;
  if (r.problem) return { peer: '', contiguous: 0, highest: 0, gaps: [] };
  if (peer === undefined) return problem('bad-value', 'A frontier line names no valid peer.');
  if (hasHead !== 0 && hasHead !== 1) return problem('bad-value', 'A frontier head flag is not 0 or 1.');
  if (highest < contiguous || highest >= limits.seqMax) return problem('bad-value', `Frontier of ${peer}: contiguous ${contiguous}, highest ${highest}.`);
  if (gapCount > syncLimits.frontierGapsPerAuthorMax) return problem('limit', `Frontier of ${peer}: ${gapCount} gaps.`);
  const gaps: Array<[number, number]> = [];
  let floor = contiguous + 1;
  for (let i = 0; i < gapCount; i++) {
    const from = r.varuint() ?? 0;
    const to = r.varuint() ?? 0;
    if (r.problem) break;
    if (from < floor || to < from || to >= highest) return problem('bad-value', `Frontier of ${peer}: gap ${from}-${to} out of order or range.`);
    gaps.push([from, to]);
    floor = to + 2;
  }
  const line: FrontierLine = { peer, contiguous, highest, gaps };
  if (head !== undefined) line.head = bytesToHex(head);
  return line;
}

function readWant(r: ByteReader): Frame | FrameError {
  const id = r.varuint() ?? 0;
  const count = r.varuint() ?? 0;
  if (count > syncLimits.rangesPerWantMax) return problem('limit', `A want of ${count} ranges.`);
  const ranges: WireRange[] = [];
  for (let i = 0; i < count && !r.problem; i++) {
    const peer = readId(r, limits.peerIdCharsMax);
    const from = r.varuint() ?? 0;
    const to = r.varuint() ?? 0;
    if (r.problem) break;
    if (peer === undefined || from < 1 || to < from || to >= limits.seqMax) return problem('bad-value', `A want range ${from}-${to} is out of range.`);
    ranges.push({ peer, from, to });
  }
  if (!r.problem && id < 1) return problem('bad-value', 'A want has id 0.');
  return { type: 'want', id, ranges };
}

function readEntries(r: ByteReader): Frame | FrameError {
  const want = r.varuint() ?? 0;
  const end = readFlag(r);
  const count = r.varuint() ?? 0;
  if (count > syncLimits.entriesPerFrameMax) return problem('limit', `An entries frame of ${count} entries.`);
  const items: string[] = [];
  for (let i = 0; i < count && !r.problem; i++) {
    const item = r.string(limits.entryBytesMax);
    if (item !== undefined) items.push(item);
  }
  if (r.problem) return { type: 'entries', want, end: false, items };
  if (end === undefined || (end && want === 0)) return problem('bad-value', 'The end flag of an entries frame is wrong.');
  return { type: 'entries', want, end, items };
}

function readYjs(r: ByteReader): Frame | FrameError {
  const doc = r.string(syncLimits.docNameCharsMax * 3);
  const update = r.varuint() ?? 0;
  const index = r.varuint() ?? 0;
  const count = r.varuint() ?? 0;
  const chunk = r.bytes(syncLimits.frameBytesMax);
  if (r.problem || doc === undefined || chunk === undefined) return { type: 'yjs', doc: '', update: 0, index: 0, count: 0, chunk: new Uint8Array() };
  if (doc.length === 0 || doc.length > syncLimits.docNameCharsMax) return problem('bad-value', 'A Yjs frame names no valid document.');
  if (count < 1 || count > syncLimits.yjsChunksPerUpdateMax || index >= count) return problem('limit', `Yjs chunk ${index} of ${count}.`);
  return { type: 'yjs', doc, update, index, count, chunk: chunk.slice() };
}

function readBye(r: ByteReader): Frame | FrameError {
  const code = BYE_CODES[r.u8() ?? 0];
  const reason = r.string(syncLimits.byeReasonCharsMax * 3) ?? '';
  if (code === undefined) return problem('bad-value', 'A bye with an unknown code.');
  // Refused rather than cut: a cut could split a surrogate pair, and two byte forms
  // would decode to one frame (found by fuzz/frame.fuzz.ts).
  if (reason.length > syncLimits.byeReasonCharsMax) return problem('limit', `A bye reason of ${reason.length} characters.`);
  return { type: 'bye', code, reason };
}

/** A non-empty, printable identifier of at most `charsMax` characters; undefined otherwise (or on a read problem). */
function readId(r: ByteReader, charsMax: number): string | undefined {
  const text = r.string(charsMax * 3);
  if (text === undefined || text.length === 0 || text.length > charsMax) return undefined;
  return /[\u0000-\u001f\u007f]/.test(text) ? undefined : text;
}

function readFlag(r: ByteReader): boolean | undefined {
  const byte = r.u8();
  return byte === 0 ? false : byte === 1 ? true : undefined;
}

function problem(code: FrameProblem, message: string): FrameError {
  return { code, message };
}

function fail(code: FrameProblem, message: string): FrameResult {
  return { ok: false, error: { code, message } };
}

/** True when `head` may be carried in a frontier line (64 lowercase hex chars). */
export function isHeadHex(head: string): boolean {
  return HEX.test(head);
}

function hexToBytes(hex: string): Uint8Array {
  if (!HEX.test(hex)) throw new RangeError('a frontier head must be 64 lowercase hex chars');
  const out = new Uint8Array(HEAD_BYTES);
  for (let i = 0; i < HEAD_BYTES; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}
