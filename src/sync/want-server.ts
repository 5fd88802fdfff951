/**
 * Answering a peer's wants: stream the entries held in the wanted ranges, a window
 * of the journal at a time, as entries frames tagged with the want's id, the last
 * one flagged `end`. Frames are produced only when the session asks for more (it
 * asks while it has credit), so a 100k-entry catch-up never sits in memory at once:
 * at most one journal window (journalLimits.ingestBatchMax entries) is buffered.
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { PeerId } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import type { Frame, WireRange } from './frame.ts';
import { packEntries } from './frame-pack.ts';
import { localFrontier, servable, type HeadCache } from './held.ts';
import type { Span } from './ranges.ts';

type EntriesFrame = Extract<Frame, { type: 'entries' }>;

interface Cursor {
  id: number;
  /** What is held of the want, per author, in order. */
  plan: Array<{ peer: string; spans: Span[] }>;
  /** Position: author index, span index, next seq. */
  author: number;
  span: number;
  seq: number;
}

export interface WantServer {
  /** Queue a want. */
  add(id: number, ranges: readonly WireRange[]): void;
  /** Wants queued or being answered. */
  readonly pending: number;
  /** The next frame ready to go, if any. Starts reading the journal in the background when none is ready. */
  next(): EntriesFrame | undefined;
  /** Entries sent so far. */
  readonly served: number;
  stop(): void;
}

/** `onReady` is called when frames become ready after next() found none; `onError` when the journal fails. */
export function createWantServer(journal: Journal, onReady: () => void, onError: (error: unknown) => void): WantServer {
  const queue: Array<{ id: number; ranges: WireRange[] }> = [];
  const buffer: EntriesFrame[] = [];
  const heads: HeadCache = new Map();
  let cursor: Cursor | undefined;
  let reading = false;
  let stopped = false;
  let served = 0;
  /** Wants added whose end frame has not been handed out yet. */
  let open = 0;

  const plan = async (want: { id: number; ranges: WireRange[] }): Promise<Cursor> => {
    const local = await localFrontier(journal, heads);
    const byPeer = new Map<string, Span[]>();
    for (const r of want.ranges) byPeer.set(r.peer, [...(byPeer.get(r.peer) ?? []), [r.from, r.to]]);
    const steps = [...byPeer].map(([peer, spans]) => ({ peer, spans: servable(local, peer, spans) })).filter((p) => p.spans.length > 0);
    return { id: want.id, plan: steps, author: 0, span: 0, seq: steps[0]?.spans[0]?.[0] ?? 0 };
  };

  /** Read the next window of the current want into the buffer. */
  const readWindow = async (c: Cursor): Promise<void> => {
    const step = c.plan[c.author];
    if (step === undefined) {
      buffer.push(...packEntries([], c.id, true));
      cursor = undefined;
      return;
    }
    const [, to] = step.spans[c.span]!;
    // One seq fewer than a range answer may hold: a full answer then means several entries at one seq.
    const end = Math.min(to, c.seq + journalLimits.ingestBatchMax - 2);
    const entries = await journal.range(step.peer as PeerId, c.seq, end);
    const last = entries[entries.length - 1];
    // A full answer may stop inside the window (several entries at one seq): go on from its last seq.
    c.seq = entries.length >= journalLimits.ingestBatchMax && last !== undefined && last.seq > c.seq ? last.seq : end + 1;
    if (c.seq > to) advance(c);
    const finished = c.author >= c.plan.length;
    served += entries.length;
    buffer.push(...packEntries(entries.map(encodeEntry), c.id, finished));
    if (finished) cursor = undefined;
  };

  const advance = (c: Cursor): void => {
    const step = c.plan[c.author]!;
    if (c.span + 1 < step.spans.length) {
      c.span++;
    } else {
      c.author++;
      c.span = 0;
    }
    c.seq = c.plan[c.author]?.spans[c.span]?.[0] ?? 0;
  };

  const fill = async (): Promise<void> => {
    reading = true;
    try {
      while (!stopped && buffer.length === 0 && (cursor !== undefined || queue.length > 0)) {
        if (cursor === undefined) cursor = await plan(queue.shift()!);
        await readWindow(cursor);
      }
    } catch (error) {
      stopped = true;
      onError(error);
      return;
    } finally {
      reading = false;
    }
    if (!stopped && buffer.length > 0) onReady();
  };

  return {
    add(id, ranges) {
      queue.push({ id, ranges: [...ranges] });
      open++;
    },
    get pending() {
      return open;
    },
    get served() {
      return served;
    },
    next() {
      const frame = buffer.shift();
      if (frame?.end === true) open--;
      if (buffer.length === 0 && !reading && !stopped && (cursor !== undefined || queue.length > 0)) void fill();
      return frame;
    },
    stop() {
      stopped = true;
      buffer.length = 0;
    },
  };
}
