/**
 * Reassembling Yjs updates that travel in chunks (frame type `yjs`). Chunks of one
 * update arrive in order on one connection; updates of different documents may
 * interleave. Everything is bounded: one update in progress per document, a byte
 * cap per update, a cap on documents in progress.
 */
import type { Frame } from './frame.ts';
import { syncLimits } from './limits.ts';

type YjsFrame = Extract<Frame, { type: 'yjs' }>;

interface Partial {
  update: number;
  count: number;
  parts: Uint8Array[];
  bytes: number;
}

/** Documents with an update in progress at once, per connection. */
const DOCS_IN_PROGRESS_MAX = 16;

export type ChunkResult = { ok: true; done?: { doc: string; update: Uint8Array } } | { ok: false; reason: string };

/** A reassembler for one connection. */
export function createReassembler(): { add(frame: YjsFrame): ChunkResult } {
  const inProgress = new Map<string, Partial>();
  return {
    add(frame) {
      const current = inProgress.get(frame.doc);
      if (frame.index === 0) {
        if (current !== undefined) return { ok: false, reason: `update ${frame.update} of ${frame.doc} began before ${current.update} ended` };
        if (inProgress.size >= DOCS_IN_PROGRESS_MAX) return { ok: false, reason: 'too many Yjs updates in progress' };
        if (frame.count === 1) return { ok: true, done: { doc: frame.doc, update: frame.chunk } };
        inProgress.set(frame.doc, { update: frame.update, count: frame.count, parts: [frame.chunk], bytes: frame.chunk.byteLength });
        return { ok: true };
      }
      if (current === undefined || current.update !== frame.update || current.count !== frame.count || current.parts.length !== frame.index) {
        return { ok: false, reason: `Yjs chunk ${frame.index}/${frame.count} of update ${frame.update} out of order` };
      }
      current.parts.push(frame.chunk);
      current.bytes += frame.chunk.byteLength;
      if (current.bytes > syncLimits.yjsUpdateBytesMax) return { ok: false, reason: `a Yjs update over ${syncLimits.yjsUpdateBytesMax} bytes` };
      if (current.parts.length < current.count) return { ok: true };
      inProgress.delete(frame.doc);
      const update = new Uint8Array(current.bytes);
      let at = 0;
      for (const part of current.parts) {
        update.set(part, at);
        at += part.byteLength;
      }
      return { ok: true, done: { doc: frame.doc, update } };
    },
  };
}
