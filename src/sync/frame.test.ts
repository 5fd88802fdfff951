import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { ByteWriter } from './bytes.ts';
import { BYE_CODES, FRAME_VERSION, decodeFrame, encodeFrame, type Frame, type FrontierLine } from './frame.ts';
import { chunkYjsUpdate, entriesFrameSize, packEntries, packFrontier, packWants } from './frame-pack.ts';
import { syncLimits } from './limits.ts';

const runs = propertyRuns();
const MAX = syncLimits.frameBytesMax;

const peerId = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const seq = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);

const frontierLine: fc.Arbitrary<FrontierLine> = fc
  .record({ peer: peerId, contiguous: fc.nat({ max: 1e6 }), extra: fc.nat({ max: 1e6 }), head: fc.option(hex64, { nil: undefined }), gapSeeds: fc.array(fc.nat({ max: 1000 }), { maxLength: 8 }) })
  .map(({ peer, contiguous, extra, head, gapSeeds }) => {
    const highest = contiguous + extra;
    const gaps: Array<[number, number]> = [];
    let floor = contiguous + 1;
    for (const s of gapSeeds) {
      const from = floor + (s % 7);
      const to = from + (s % 3);
      if (to >= highest) break;
      gaps.push([from, to]);
      floor = to + 2;
    }
    const line: FrontierLine = { peer, contiguous, highest, gaps };
    if (head !== undefined) line.head = head;
    return line;
  });

const entryText = fc.string({ unit: 'grapheme', maxLength: 600 });

const frame: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({ type: fc.constant('hello' as const), book: peerId, peer: peerId, credit: fc.integer({ min: 1, max: 2 ** 32 - 1 }) }),
  fc.record({ type: fc.constant('frontier' as const), last: fc.boolean(), lines: fc.array(frontierLine, { maxLength: 20 }) }),
  fc.record({
    type: fc.constant('want' as const),
    id: fc.integer({ min: 1, max: 2 ** 32 - 1 }),
    ranges: fc.array(fc.tuple(peerId, seq, fc.nat({ max: 1000 })).map(([peer, from, n]) => ({ peer, from, to: Math.min(from + n, 2 ** 31 - 1) })), { maxLength: 40 }),
  }),
  fc
    .record({ type: fc.constant('entries' as const), want: fc.nat({ max: 2 ** 32 - 1 }), end: fc.boolean(), items: fc.array(entryText, { maxLength: 20 }) })
    .map((f) => ({ ...f, end: f.want > 0 && f.end })),
  fc
    .record({ type: fc.constant('yjs' as const), doc: peerId, update: fc.nat({ max: 2 ** 32 - 1 }), count: fc.integer({ min: 1, max: 512 }), at: fc.nat(), chunk: fc.uint8Array({ maxLength: 2000 }) })
    .map(({ at, ...f }) => ({ ...f, index: at % f.count })),
  fc.record({ type: fc.constant('credit' as const), frames: fc.integer({ min: 1, max: 2 ** 32 - 1 }) }),
  fc.record({ type: fc.constant('bye' as const), code: fc.constantFrom(...BYE_CODES), reason: fc.string({ maxLength: 200 }) }),
);

describe('frame codec', () => {
  it('round-trips every frame it can encode (property)', () => {
    fc.assert(
      fc.property(frame, (f) => {
        const bytes = encodeFrame(f);
        expect(bytes.byteLength).toBeLessThanOrEqual(MAX);
        const back = decodeFrame(bytes);
        expect(back).toEqual({ ok: true, frame: f });
      }),
      { numRuns: runs },
    );
  });

  it('never throws on random bytes, and answers a typed reason (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, framed) => {
        const input = framed && bytes.length >= 1 ? Uint8Array.of(FRAME_VERSION, (bytes[0]! % 8) + 1, ...bytes.subarray(1)) : bytes;
        const result = decodeFrame(input);
        if (!result.ok) expect(typeof result.error.message).toBe('string');
        else expect(decodeFrame(encodeFrame(result.frame))).toEqual(result);
      }),
      { numRuns: runs },
    );
  });

  it('refuses every truncation of a valid frame and never throws on a flipped byte (property)', () => {
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 1, max: 255 }), (f, at, xor) => {
        const bytes = encodeFrame(f);
        const cut = at % bytes.byteLength;
        expect(decodeFrame(bytes.subarray(0, cut)).ok).toBe(false);
        const flipped = bytes.slice();
        flipped[at % bytes.byteLength]! ^= xor;
        const result = decodeFrame(flipped);
        if (result.ok) expect(decodeFrame(encodeFrame(result.frame))).toEqual(result);
        expect(decodeFrame(Uint8Array.of(...bytes, 0))).toMatchObject({ ok: false });
      }),
      { numRuns: runs },
    );
  });

  it('refuses oversized, empty, foreign and unknown frames with their reasons', () => {
    expect(decodeFrame(new Uint8Array(MAX + 1))).toMatchObject({ ok: false, error: { code: 'too-large' } });
    expect(decodeFrame(new Uint8Array(0))).toMatchObject({ ok: false, error: { code: 'empty' } });
    expect(decodeFrame(Uint8Array.of(FRAME_VERSION))).toMatchObject({ ok: false, error: { code: 'truncated' } });
    // A y-webrtc sync message starts with its type 0.
    expect(decodeFrame(Uint8Array.of(0, 0, 1, 0))).toMatchObject({ ok: false, error: { code: 'bad-version' } });
    expect(decodeFrame(Uint8Array.of(FRAME_VERSION, 99))).toMatchObject({ ok: false, error: { code: 'unknown-type' } });
    expect(decodeFrame('hello')).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    expect(decodeFrame(null)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
  });

  it('refuses a varint that is not in its shortest form, or too big', () => {
    // credit frame with 1 written as 0x81 0x00
    expect(decodeFrame(Uint8Array.of(FRAME_VERSION, 6, 0x81, 0x00))).toMatchObject({ ok: false, error: { code: 'bad-varint' } });
    expect(decodeFrame(Uint8Array.of(FRAME_VERSION, 6, 0xff, 0xff, 0xff, 0xff, 0x7f))).toMatchObject({ ok: false, error: { code: 'bad-varint' } });
    expect(decodeFrame(Uint8Array.of(FRAME_VERSION, 6, 0))).toMatchObject({ ok: false, error: { code: 'bad-value' } });
  });

  it('refuses invalid UTF-8, control characters in ids, and values out of range', () => {
    const hello = (book: Uint8Array, credit = 1) => new ByteWriter().u8(FRAME_VERSION).u8(1).bytes(book).string('T1').varuint(credit).finish();
    expect(decodeFrame(hello(Uint8Array.of(0xff)))).toMatchObject({ ok: false, error: { code: 'bad-utf8' } });
    expect(decodeFrame(hello(new TextEncoder().encode('B\n1')))).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    expect(decodeFrame(hello(new TextEncoder().encode('B1'), 0))).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    const want = new ByteWriter().u8(FRAME_VERSION).u8(3).varuint(1).varuint(1).string('T1').varuint(5).varuint(4).finish();
    expect(decodeFrame(want)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    const manyRanges = new ByteWriter().u8(FRAME_VERSION).u8(3).varuint(1).varuint(syncLimits.rangesPerWantMax + 1).finish();
    expect(decodeFrame(manyRanges)).toMatchObject({ ok: false, error: { code: 'limit' } });
    const manyEntries = new ByteWriter().u8(FRAME_VERSION).u8(4).varuint(0).u8(0).varuint(syncLimits.entriesPerFrameMax + 1).finish();
    expect(decodeFrame(manyEntries)).toMatchObject({ ok: false, error: { code: 'limit' } });
    const pushWithEnd = new ByteWriter().u8(FRAME_VERSION).u8(4).varuint(0).u8(1).varuint(0).finish();
    expect(decodeFrame(pushWithEnd)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
    const gapAboveHighest = new ByteWriter().u8(FRAME_VERSION).u8(2).u8(1).varuint(1).string('T1').varuint(2).varuint(5).u8(0).varuint(1).varuint(3).varuint(5).finish();
    expect(decodeFrame(gapAboveHighest)).toMatchObject({ ok: false, error: { code: 'bad-value' } });
  });

  it('refuses an encoding of a frame beyond the limit (a programmer error)', () => {
    expect(() => encodeFrame({ type: 'entries', want: 0, end: false, items: ['x'.repeat(MAX)] })).toThrow(RangeError);
  });
});

describe('packing', () => {
  it('packs entries into frames within the limits, in order, nothing lost (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 15 * 1024 }), { maxLength: 30 }), fc.nat({ max: 5 }), fc.boolean(), (items, want, end) => {
        const frames = packEntries(items, want, end);
        expect(frames.flatMap((f) => f.items)).toEqual(items);
        for (const f of frames) {
          expect(encodeFrame(f).byteLength).toBe(entriesFrameSize(want, f.items));
          expect(f.items.length).toBeLessThanOrEqual(syncLimits.entriesPerFrameMax);
        }
        expect(frames.filter((f) => f.end).length).toBe(end && want > 0 ? 1 : 0);
        if (end && want > 0) expect(frames.at(-1)!.end).toBe(true);
      }),
      { numRuns: runs / 5 },
    );
  });

  it('fills frames: many small entries use few frames', () => {
    const items = Array.from({ length: 1000 }, (_, i) => `${'e'.repeat(380)}${i}`);
    const frames = packEntries(items);
    expect(frames.length).toBe(Math.ceil(1000 / Math.floor((MAX - 10) / 386)));
  });

  it('packs a frontier of many authors into several frames, the last one flagged', () => {
    const lines: FrontierLine[] = Array.from({ length: 500 }, (_, i) => ({ peer: `device-${'x'.repeat(50)}-${i}`, contiguous: i, highest: i + 100, head: 'ab'.repeat(32), gaps: Array.from({ length: 40 }, (_, g): [number, number] => [i + 1 + g * 2, i + 1 + g * 2]) }));
    const frames = packFrontier(lines);
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.map((f) => f.last)).toEqual([...Array(frames.length - 1).fill(false), true]);
    for (const f of frames) {
      const back = decodeFrame(encodeFrame(f));
      expect(back.ok).toBe(true);
    }
    const all = frames.flatMap((f) => f.lines);
    expect(all.length).toBe(500);
    expect(all.every((l) => l.gaps.length === syncLimits.frontierGapsPerAuthorMax)).toBe(true);
    expect(packFrontier([])).toEqual([{ type: 'frontier', last: true, lines: [] }]);
  });

  it('packs wants and Yjs updates into frames that decode', () => {
    let id = 0;
    const ranges = Array.from({ length: 600 }, (_, i) => ({ peer: 'p'.repeat(64), from: i + 1, to: i + 1 }));
    const wants = packWants(ranges, () => ++id);
    expect(wants.map((w) => w.id)).toEqual(wants.map((_, i) => i + 1));
    expect(wants.flatMap((w) => w.ranges)).toEqual(ranges);
    for (const w of wants) expect(decodeFrame(encodeFrame(w)).ok).toBe(true);
    const update = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const chunks = chunkYjsUpdate('B1/2025-03', 7, update);
    expect(chunks.length).toBe(7);
    const joined = chunks.flatMap((c) => {
      const back = decodeFrame(encodeFrame(c));
      return back.ok && back.frame.type === 'yjs' ? [...back.frame.chunk] : [];
    });
    expect(Uint8Array.from(joined)).toEqual(update);
    expect(() => chunkYjsUpdate('d', 1, new Uint8Array(syncLimits.yjsUpdateBytesMax + 1))).toThrow(RangeError);
  });
});
