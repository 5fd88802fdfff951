/**
 * What the frame fuzzer starts from: valid frames of every type, written by the
 * sync module's own encoder and packers (hello, frontier with heads and gaps,
 * want, entries with the entry corpus, Yjs chunks of a real document update,
 * credit, a bye of every code), including frames at exactly the byte limit.
 */
import * as Y from 'yjs';
import { BYE_CODES, encodeFrame, type Frame } from '../src/sync/frame.ts';
import { chunkYjsUpdate, entriesFrameSize, packEntries, packFrontier, packWants } from '../src/sync/frame-pack.ts';
import { syncLimits } from '../src/sync/limits.ts';
import { corpusEntries, corpusTexts } from './corpus.ts';

/** A Yjs update of a document holding the entry corpus (id -> canonical text), as a peer sends it. */
export function corpusYjsUpdate(): Uint8Array {
  const doc = new Y.Doc();
  const map = doc.getMap<string>('entries');
  const texts = corpusTexts();
  doc.transact(() => corpusEntries().forEach((entry, i) => map.set(entry.id, texts[i]!)));
  return Y.encodeStateAsUpdate(doc);
}

/** The corpus frames, fixed: every call returns equal frames. */
export function corpusFrames(): Frame[] {
  const entries = corpusEntries();
  const heads = entries.map((e) => e.id);
  const texts = corpusTexts();
  const frames: Frame[] = [
    { type: 'hello', book: 'book-1', peer: 'till-1', credit: syncLimits.creditWindowFrames },
    { type: 'hello', book: 'b'.repeat(64), peer: 'тилл-😀', credit: 1 },
    ...packFrontier([
      { peer: 'owner', contiguous: 4, highest: 4, head: heads[0]!, gaps: [] },
      { peer: 'till-1', contiguous: 2, highest: 90, head: heads[1]!, gaps: Array.from({ length: 33 }, (_, i): [number, number] => [4 + i * 2, 4 + i * 2]) },
      { peer: 'p'.repeat(64), contiguous: 0, highest: 2 ** 31 - 1, gaps: [[1, 2 ** 31 - 2]] },
    ]),
    { type: 'frontier', last: true, lines: [] },
    ...packWants([{ peer: 'till-1', from: 1, to: 9 }, { peer: 'owner', from: 3, to: 3 }, { peer: 'é'.repeat(64), from: 1, to: 2 ** 31 - 1 }], counter()),
    ...packEntries(texts),
    ...packEntries(texts.slice(0, 3), 7, true),
    ...packEntries([], 2, true),
    fullEntriesFrame(),
    ...chunkYjsUpdate('book-1/2025-01', 1, corpusYjsUpdate()),
    ...chunkYjsUpdate('d'.repeat(syncLimits.docNameCharsMax), 2 ** 32 - 1, pseudoRandomBytes(40_000)),
    { type: 'credit', frames: 1 },
    { type: 'credit', frames: 2 ** 32 - 1 },
    ...BYE_CODES.map((code, i): Frame => ({ type: 'bye', code, reason: i % 2 === 0 ? '' : `${code} ✓ ${'r'.repeat(i * 20)}` })),
    { type: 'bye', code: 'protocol', reason: 'x'.repeat(syncLimits.byeReasonCharsMax) },
  ];
  return frames;
}

/** The corpus frames' bytes. */
export function corpusFrameBytes(): Uint8Array[] {
  return corpusFrames().map(encodeFrame);
}

/** An entries frame of exactly syncLimits.frameBytesMax bytes (items need not be entries at this layer). */
function fullEntriesFrame(): Frame {
  const first = 'x'.repeat(15_000);
  const rest = syncLimits.frameBytesMax - entriesFrameSize(0, [first, '']);
  // The second item's length prefix grows from 1 to 2 bytes once it exceeds 127.
  const items = [first, 'y'.repeat(rest - 1)];
  if (entriesFrameSize(0, items) !== syncLimits.frameBytesMax) throw new Error('the full frame is not full');
  return { type: 'entries', want: 0, end: false, items };
}

function counter(): () => number {
  let n = 0;
  return () => ++n;
}

/** Fixed filler bytes (a Yjs chunk need not parse at the frame layer). */
function pseudoRandomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
