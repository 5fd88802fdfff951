/**
 * What a session asks of the remote: the ranges the remote's frontier says it holds
 * and this device lacks (held.ts `lacking`), as `want` frames, at most
 * syncLimits.wantsInFlightMax in flight. Ranges already asked here, or on the
 * device's other connections (`othersAsked`), are left out, so a device joining
 * several peers asks each range of one of them only. A want ends when its last
 * frame (flagged `end`) has been ingested; then the session asks again.
 */
import type { Frame, FrontierLine, WireRange } from './frame.ts';
import { packWants } from './frame-pack.ts';
import { lacking, localFrontier, type HeadCache } from './held.ts';
import { syncLimits } from './limits.ts';
import { union, type Span } from './ranges.ts';
import type { EntriesFrame, SessionContext } from './session-context.ts';

export interface WantsHooks {
  /** The remote's last complete frontier, if any. */
  remoteFrontier(): readonly FrontierLine[] | undefined;
  /** Queue frames ahead of all else and send what credit allows. */
  control(frames: readonly Frame[]): void;
}

export interface Wants {
  /** True when want `id` was asked and has not ended. */
  has(id: number): boolean;
  /** Ask for what the remote holds and this device lacks, within the wants allowed in flight. Never rejects. */
  ask(): Promise<void>;
  /** These frames were ingested: forget the wants they ended; true if any ended. */
  settle(frames: readonly EntriesFrame[]): boolean;
  /** What this session asked for and has not received yet, per author. */
  asked(): Map<string, Span[]>;
  /** True when nothing is asked or being worked out. */
  idle(): boolean;
  /** The session closed: forget every want. */
  clear(): void;
}

/** The wants of one session; `heads` is shared with whatever else reads the local frontier. */
export function createWants(ctx: SessionContext, heads: HeadCache, hooks: WantsHooks): Wants {
  const mine = new Map<number, WireRange[]>();
  let nextWantId = 0;
  let asking = false;
  let askAgain = false;

  const askedSpans = (): Map<string, Span[]> => {
    const byPeer = new Map<string, Span[]>();
    for (const ranges of mine.values()) {
      for (const r of ranges) byPeer.set(r.peer, [...(byPeer.get(r.peer) ?? []), [r.from, r.to]]);
    }
    for (const [peer, spans] of byPeer) byPeer.set(peer, union(spans));
    return byPeer;
  };

  /** Asked here and by the device's other connections. */
  const allAsked = (): Map<string, Span[]> => {
    const byPeer = askedSpans();
    for (const [peer, spans] of ctx.options.othersAsked?.() ?? []) byPeer.set(peer, union([...(byPeer.get(peer) ?? []), ...spans]));
    return byPeer;
  };

  /** One round of asking; false when there is nothing to ask now. */
  const askOnce = async (): Promise<boolean> => {
    if (ctx.state() !== 'open' || hooks.remoteFrontier() === undefined || mine.size >= syncLimits.wantsInFlightMax) return false;
    const local = await localFrontier(ctx.journal, heads);
    // The remote frontier as it is now: another announcement may have completed meanwhile.
    const ranges = lacking(hooks.remoteFrontier()!, local, allAsked());
    const frames = packWants(ranges, () => ++nextWantId).slice(0, syncLimits.wantsInFlightMax - mine.size);
    if (ctx.state() !== 'open') return false;
    for (const f of frames) mine.set(f.id, f.ranges);
    hooks.control(frames);
    return true;
  };

  const ask = async (): Promise<void> => {
    if (asking) {
      // Asked while a round is under way: one more round after it, with what changed.
      askAgain = true;
      return;
    }
    asking = true;
    try {
      do {
        askAgain = false;
        if (!(await askOnce())) break;
      } while (askAgain);
    } catch (error) {
      ctx.journalFailed(error);
    } finally {
      asking = false;
    }
  };

  return {
    has: (id) => mine.has(id),
    ask,
    settle(frames) {
      let ended = false;
      for (const f of frames) if (f.end && mine.delete(f.want)) ended = true;
      return ended;
    },
    asked: askedSpans,
    idle: () => mine.size === 0 && !asking,
    clear() {
      mine.clear();
    },
  };
}
