/**
 * Splitting what a peer wants to say into frames that each fit
 * syncLimits.frameBytesMax: entries, frontiers, want ranges and Yjs updates. Sizes
 * are computed exactly, so every frame packed here encodes within the limit.
 */
import { utf8Size, varuintSize } from './bytes.ts';
import { HEADER_BYTES, type Frame, type FrontierLine, type WireRange } from './frame.ts';
import { syncLimits } from './limits.ts';

type EntriesFrame = Extract<Frame, { type: 'entries' }>;

/** Size of a length-prefixed string. */
function stringSize(text: string): number {
  const bytes = utf8Size(text);
  return varuintSize(bytes) + bytes;
}

/** Bytes of an entries frame holding `items` (as encodeFrame writes it). */
export function entriesFrameSize(want: number, items: readonly string[]): number {
  let size = HEADER_BYTES + varuintSize(want) + 1 + varuintSize(items.length);
  for (const item of items) size += stringSize(item);
  return size;
}

/**
 * Entries frames carrying `items` in order, each within the frame byte limit and
 * syncLimits.entriesPerFrameMax. With `want` > 0, the last frame has `end` set when
 * `end` is true (an empty frame is made for an empty list, so the end is said).
 * Every item must fit a frame alone (entries are at most limits.entryBytesMax).
 */
export function packEntries(items: readonly string[], want = 0, end = false): EntriesFrame[] {
  const frames: EntriesFrame[] = [];
  const base = HEADER_BYTES + varuintSize(want) + 1 + varuintSize(syncLimits.entriesPerFrameMax);
  let current: string[] = [];
  let size = base;
  for (const item of items) {
    const itemSize = stringSize(item);
    if (base + itemSize > syncLimits.frameBytesMax) throw new RangeError(`an entry of ${itemSize} bytes does not fit a frame`);
    if (current.length > 0 && (size + itemSize > syncLimits.frameBytesMax || current.length === syncLimits.entriesPerFrameMax)) {
      frames.push({ type: 'entries', want, end: false, items: current });
      current = [];
      size = base;
    }
    current.push(item);
    size += itemSize;
  }
  if (current.length > 0 || (end && want > 0)) frames.push({ type: 'entries', want, end: false, items: current });
  if (end && want > 0) frames[frames.length - 1]!.end = true;
  return frames;
}

function lineSize(line: FrontierLine): number {
  let size = stringSize(line.peer) + varuintSize(line.contiguous) + varuintSize(line.highest) + 1 + varuintSize(line.gaps.length);
  if (line.head !== undefined) size += 32;
  for (const [from, to] of line.gaps) size += varuintSize(from) + varuintSize(to);
  return size;
}

/**
 * Frontier frames announcing `lines` (at least one frame, the last one flagged).
 * Gaps beyond syncLimits.frontierGapsPerAuthorMax are dropped: the other side then
 * believes this peer holds a little more than it does and asks for it, harmlessly
 * (a want for seqs not held is answered with what is held).
 */
export function packFrontier(lines: readonly FrontierLine[]): Array<Extract<Frame, { type: 'frontier' }>> {
  const base = HEADER_BYTES + 1 + 5;
  const frames: Array<Extract<Frame, { type: 'frontier' }>> = [];
  let current: FrontierLine[] = [];
  let size = base;
  for (const full of lines) {
    const line = { ...full, gaps: full.gaps.slice(0, syncLimits.frontierGapsPerAuthorMax) };
    const s = lineSize(line);
    if (current.length > 0 && size + s > syncLimits.frameBytesMax) {
      frames.push({ type: 'frontier', last: false, lines: current });
      current = [];
      size = base;
    }
    current.push(line);
    size += s;
  }
  frames.push({ type: 'frontier', last: true, lines: current });
  return frames;
}

/** Want frames for `ranges`, ids taken from `nextId` (called once per frame). */
export function packWants(ranges: readonly WireRange[], nextId: () => number): Array<Extract<Frame, { type: 'want' }>> {
  const frames: Array<Extract<Frame, { type: 'want' }>> = [];
  // A range costs at most 1 + 3*64 (peer) + 5 + 5 bytes; 256 of them may exceed a frame, so count bytes too.
  let current: WireRange[] = [];
  let size = HEADER_BYTES + 10;
  for (const range of ranges) {
    const s = stringSize(range.peer) + varuintSize(range.from) + varuintSize(range.to);
    if (current.length > 0 && (current.length === syncLimits.rangesPerWantMax || size + s > syncLimits.frameBytesMax)) {
      frames.push({ type: 'want', id: nextId(), ranges: current });
      current = [];
      size = HEADER_BYTES + 10;
    }
    current.push(range);
    size += s;
  }
  if (current.length > 0) frames.push({ type: 'want', id: nextId(), ranges: current });
  return frames;
}

/**
 * Yjs frames carrying one update in chunks. Throws RangeError when the update
 * exceeds syncLimits.yjsUpdateBytesMax (the caller splits its transactions).
 */
export function chunkYjsUpdate(doc: string, update: number, bytes: Uint8Array): Array<Extract<Frame, { type: 'yjs' }>> {
  if (bytes.byteLength > syncLimits.yjsUpdateBytesMax) throw new RangeError(`a Yjs update of ${bytes.byteLength} bytes`);
  const overhead = HEADER_BYTES + stringSize(doc) + varuintSize(update) + 2 * varuintSize(syncLimits.yjsChunksPerUpdateMax) + 3;
  const chunkBytes = syncLimits.frameBytesMax - overhead;
  const count = Math.max(1, Math.ceil(bytes.byteLength / chunkBytes));
  if (count > syncLimits.yjsChunksPerUpdateMax) throw new RangeError(`a Yjs update of ${count} chunks`);
  const frames: Array<Extract<Frame, { type: 'yjs' }>> = [];
  for (let index = 0; index < count; index++) {
    frames.push({ type: 'yjs', doc, update, index, count, chunk: bytes.subarray(index * chunkBytes, (index + 1) * chunkBytes) });
  }
  return frames;
}
