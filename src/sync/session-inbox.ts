/**
 * The receiving half of a session's flow control, and the ingest of entries. Every
 * frame the remote sends but credit and bye spends one frame of the window this side
 * granted; a frame beyond it is a flood. Credit goes back as frames are processed,
 * entries frames once the journal has ingested them, so what a peer can make this
 * device hold is bounded by the window whatever it sends.
 *
 * Entries frames queue here and go to `journal.ingest(items, from = remote peer)` a
 * journal batch at a time; validation, quarantine and idempotency live there. The
 * refused entries are counted, and past syncLimits.refusalsPerSessionMax the remote
 * is cut off.
 */
import { journalLimits } from '../core/limits.ts';
import { syncLimits } from './limits.ts';
import type { EntriesFrame, SessionContext } from './session-context.ts';

export interface InboxHooks {
  /** Give `frames` of credit back to the remote (a credit frame, sent at once). */
  giveCredit(frames: number): void;
  /** These frames were ingested: forget the wants they ended; true if any ended. */
  settle(frames: readonly EntriesFrame[]): boolean;
  /** Some of this session's wants ended while it is open: ask again. */
  wantsEnded(): void;
}

export interface Inbox {
  /** A frame that spends credit arrived; false when it is beyond the credit granted (the remote is then cut off). */
  spend(): boolean;
  /** Frames processed: give the credit back, in batches, or at once when nothing waits to be processed. */
  processed(frames: number): void;
  /** An entries frame arrived (the caller checked its want); it is ingested in turn. */
  entries(frame: EntriesFrame): void;
  /** True while an entry of this id is being ingested from the remote (so it is not pushed back to it). */
  ingestingId(id: string): boolean;
  /** True when nothing waits for or is in the journal. */
  idle(): boolean;
  /** The session closed: drop what waits. */
  clear(): void;
}

/** The id field as it appears in an entry's canonical text (read without parsing the entry). */
const ID_FIELD = ',"id":"';

/** The inbox of one session; `hooks` are called back, never during creation. */
export function createInbox(ctx: SessionContext, hooks: InboxHooks): Inbox {
  const { journal, stats, window } = ctx;
  /** Frames the remote may still send me. */
  let granted = window;
  let processedSinceGrant = 0;
  const queue: EntriesFrame[] = [];
  let ingesting = false;
  const incomingIds = new Set<string>();

  const processed = (frames: number): void => {
    processedSinceGrant += frames;
    if (ctx.state() === 'open' && processedSinceGrant > 0 && (processedSinceGrant >= Math.max(1, window >> 2) || queue.length === 0)) {
      granted += processedSinceGrant;
      hooks.giveCredit(processedSinceGrant);
      processedSinceGrant = 0;
    }
  };

  /** The frames at the head of the queue that make one journal batch, and their items. */
  const takeBatch = (): { frames: EntriesFrame[]; items: string[] } => {
    const frames: EntriesFrame[] = [];
    const items: string[] = [];
    while (queue.length > 0 && (items.length === 0 || items.length + queue[0]!.items.length <= journalLimits.ingestBatchMax)) {
      const f = queue.shift()!;
      frames.push(f);
      items.push(...f.items);
    }
    return { frames, items };
  };

  /** Ingest what arrived, a journal batch at a time, then give the credit back. */
  const ingestLoop = async (): Promise<void> => {
    if (ingesting) return;
    ingesting = true;
    let wantEnded = false;
    try {
      while (queue.length > 0 && ctx.state() !== 'closed') {
        const { frames, items } = takeBatch();
        wantEnded = ((await ingestBatch(items)) && hooks.settle(frames)) || wantEnded;
        // The await above may have closed the session.
        if (ctx.state() === 'closed') return;
        processed(frames.length);
      }
    } catch (error) {
      ctx.journalFailed(error);
    } finally {
      ingesting = false;
    }
    if (ctx.state() === 'open' && wantEnded) hooks.wantsEnded();
  };

  /** Ingest one batch; false if the session was cut off for it. */
  const ingestBatch = async (items: string[]): Promise<boolean> => {
    if (items.length === 0) return true;
    for (const item of items) {
      const at = item.lastIndexOf(ID_FIELD);
      if (at > 0) incomingIds.add(item.slice(at + ID_FIELD.length, at + ID_FIELD.length + 64));
    }
    try {
      const report = await journal.ingest(items, ctx.remotePeer()!);
      stats.accepted += report.accepted.length;
      stats.duplicates += report.duplicates;
      stats.refused += report.refused.length;
      for (const r of report.refused.slice(0, 5)) ctx.log('warn', 'refused', `${r.reason.code}: ${r.reason.message}`);
      if (report.accepted.length > 0) ctx.options.onAccepted?.(report.accepted);
    } finally {
      incomingIds.clear();
    }
    if (stats.refused > syncLimits.refusalsPerSessionMax) {
      ctx.cutOff('refusals', `${stats.refused} refused entries (at most ${syncLimits.refusalsPerSessionMax})`);
      return false;
    }
    return true;
  };

  return {
    spend() {
      if (--granted >= 0) return true;
      ctx.cutOff('flood', `a frame beyond the ${window} frames of credit granted`);
      return false;
    },
    processed,
    entries(frame) {
      stats.entriesIn += frame.items.length;
      for (const item of frame.items) stats.entryBytesIn += item.length;
      queue.push(frame);
      void ingestLoop();
    },
    ingestingId: (id) => incomingIds.has(id),
    idle: () => queue.length === 0 && !ingesting,
    clear() {
      queue.length = 0;
    },
  };
}
