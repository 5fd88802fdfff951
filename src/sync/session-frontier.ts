/**
 * The frontier exchange of a session: announcing what this device holds, and hearing
 * what the remote holds. This device announces at open, and again when its frontier
 * changed (on the owner's repair timer, or after pushes were dropped): a frontier
 * repairs whatever a push missed, since the remote then asks for what it lacks. The
 * remote's announcement may come in several frames; it counts once its last arrives,
 * and is bounded by syncLimits.frontierAuthorsMax.
 */
import type { Entry } from '../core/types.ts';
import type { Frame, FrontierLine } from './frame.ts';
import { packFrontier } from './frame-pack.ts';
import { localFrontier, type HeadCache } from './held.ts';
import { syncLimits } from './limits.ts';
import type { SessionContext } from './session-context.ts';

export interface FrontierHooks {
  /** Queue frames ahead of all else and send what credit allows. */
  control(frames: readonly Frame[]): void;
  /** A frame was processed (gives credit back). */
  processed(frames: number): void;
  /** The remote's announcement is complete. */
  heard(lines: readonly FrontierLine[]): void;
}

export interface Frontiers {
  /** The remote's last complete announcement. */
  readonly remote: FrontierLine[] | undefined;
  /** A frontier frame from the remote; past frontierAuthorsMax authors it is cut off. */
  receive(frame: Extract<Frame, { type: 'frontier' }>): void;
  /** Announce this device's frontier if it changed since the last announcement, or anyway when `force`. Never rejects. */
  announce(force?: boolean): Promise<void>;
  /** True when the remote's last frontier says it holds this entry's seq. */
  remoteHolds(entry: Entry): boolean;
  /** True when no announcement is being prepared. */
  idle(): boolean;
}

/** The frontier exchange of one session; `heads` is shared with whatever else reads the local frontier. */
export function createFrontiers(ctx: SessionContext, heads: HeadCache, hooks: FrontierHooks): Frontiers {
  let remote: FrontierLine[] | undefined;
  let parts: FrontierLine[] = [];
  let lastAnnounced = '';
  let announcing: Promise<void> | undefined;

  const announceNow = async (force: boolean): Promise<void> => {
    try {
      if (ctx.state() !== 'open') return;
      const local = await localFrontier(ctx.journal, heads);
      const text = JSON.stringify(local);
      if (ctx.state() !== 'open' || (!force && text === lastAnnounced)) return;
      lastAnnounced = text;
      hooks.control(packFrontier(local));
    } catch (error) {
      ctx.journalFailed(error);
    }
  };

  return {
    get remote() {
      return remote;
    },
    receive(frame) {
      parts.push(...frame.lines);
      if (parts.length > syncLimits.frontierAuthorsMax) return ctx.cutOff('flood', `a frontier of over ${syncLimits.frontierAuthorsMax} authors`);
      hooks.processed(1);
      if (!frame.last) return;
      remote = parts;
      parts = [];
      hooks.heard(remote);
    },
    announce(force = false) {
      // One announcement at a time: a second caller waits for the one under way.
      // It is cleared when it settles, even when it returned at once (a session still
      // opening): clearing inside announceNow ran before the assignment and left a
      // settled promise behind, so the announcement at hello was never sent.
      if (announcing !== undefined) return announcing;
      const run = announceNow(force).finally(() => {
        if (announcing === run) announcing = undefined;
      });
      announcing = run;
      return run;
    },
    remoteHolds(entry) {
      const line = remote?.find((l) => l.peer === entry.peer);
      return line !== undefined && entry.seq <= line.contiguous;
    },
    idle: () => announcing === undefined,
  };
}
