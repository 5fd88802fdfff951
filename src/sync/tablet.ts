/**
 * Sync as a tablet runs it in the browser: one tab leads (tab-channel.ts) and runs
 * the mesh over y-webrtc (webrtc-transport.ts) and over WebSocket to the hubs it is
 * given (ws-transport.ts), with a repair timer; every tab tells
 * the others what its journal added. This is the one place in src/sync that owns
 * timers; everything below it takes time and randomness as arguments.
 */
import type { Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { syncLimits } from './limits.ts';
import { createMesh, type Mesh, type MeshLogLine, type MeshOptions } from './mesh.ts';
import { lead, openTabChannel, type ChannelLike, type LocksLike } from './tab-channel.ts';
import { startWebrtcSync, type WebrtcSync } from './webrtc-transport.ts';
import { dialWs, type WsCtor, type WsDial } from './ws-transport.ts';
import { createYBridge, type YBridge, type YBridgeOptions } from './ydoc.ts';

export interface TabletSyncOptions {
  journal: Journal;
  /** The book's secret (y-webrtc room password). */
  secret: string;
  /** Signaling server URLs (the store hub's, the cloud hub's). */
  signaling: string[];
  /**
   * Hubs to sync with over WebSocket, beside the WebRTC peers: each one's book
   * endpoint, ws(s)://host:port/sync/<book> (the store hub's, the cloud hub's).
   */
  hubs?: string[];
  /** WebSocket constructor for `hubs` (default: the browser's). */
  WebSocket?: WsCtor;
  clock?: () => number;
  random?: () => number;
  /** Entries another tab added (refresh views). */
  onOtherTab?: (entries: readonly Entry[]) => void;
  onLog?: (line: MeshLogLine) => void;
  session?: MeshOptions['session'];
  /**
   * Also carry entries in Yjs documents (one per book and period) beside the frontier
   * protocol. Off by default: it measured as a second copy of every live entry on the
   * wire with nothing the frontier protocol does not already deliver (README.md).
   */
  yjs?: Omit<YBridgeOptions, 'journal' | 'onUpdate'>;
  /** Injectable for tests. */
  channel?: (name: string) => ChannelLike;
  locks?: LocksLike;
}

export interface TabletSync {
  /** The mesh, while this tab leads. */
  mesh(): Mesh | undefined;
  webrtc(): WebrtcSync | undefined;
  /** The hub connections (one per `hubs` URL), while this tab leads. */
  hubs(): readonly WsDial[];
  stop(): void;
}

/** Start syncing the journal's book from this tab. */
export function startTabletSync(options: TabletSyncOptions): TabletSync {
  const { journal } = options;
  const clock = options.clock ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const tabs = openTabChannel(journal.book, options.channel);
  let mesh: Mesh | undefined;
  let webrtc: WebrtcSync | undefined;
  let hubs: WsDial[] = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  let bridge: YBridge | undefined;

  /*
   * An entry can reach this tab twice: another tab announces its id, and this tab's
   * journal reports it too (an IndexedDB journal discovers other tabs' commits and
   * emits them from onEntries). Offering it to the mesh on both paths sent it twice
   * to every peer, and re-announcing what the journal discovered echoed every entry
   * back to the tab that wrote it. So each id goes to the mesh and is announced at
   * most once per tab, whichever path reports it first; the mesh hears the journal
   * only through this filter.
   */
  const seen = createSeenIds(syncLimits.pushQueueEntriesMax);
  const meshListeners = new Set<(entries: readonly Entry[]) => void>();
  const toMesh = (entries: readonly Entry[]): void => {
    for (const listener of meshListeners) listener(entries);
  };
  const meshJournal: Journal = Object.assign(Object.create(journal) as Journal, {
    onEntries: (listener: (entries: readonly Entry[]) => void) => {
      meshListeners.add(listener);
      return () => void meshListeners.delete(listener);
    },
  });
  const stopAdded = journal.onEntries((added) => {
    const fresh = added.filter((e) => seen.add(e.id));
    if (fresh.length === 0) return;
    toMesh(fresh);
    tabs.announce(fresh.map((e) => e.id));
  });
  const stopHeard = tabs.onAdded((ids) => {
    const unseen = ids.filter((id) => !seen.has(id));
    if (unseen.length === 0) return;
    void Promise.all(unseen.map((id) => journal.get(id))).then((found) => {
      const entries = found.filter((e): e is Entry => e !== undefined && seen.add(e.id));
      if (entries.length === 0) return;
      toMesh(entries);
      options.onOtherTab?.(entries);
    });
  });

  const leadership = lead(
    journal.book,
    () => {
      const meshOptions: MeshOptions = { journal: meshJournal, clock, session: { ...options.session } };
      if (options.onLog !== undefined) meshOptions.onLog = options.onLog;
      if (options.yjs !== undefined) {
        bridge = createYBridge({ ...options.yjs, journal, onUpdate: (doc, update) => mesh?.broadcastYjs(doc, update) });
        meshOptions.session = { ...meshOptions.session, onYjs: (doc, update, from) => bridge?.apply(doc, update, from) };
        void bridge.reconcile();
      }
      mesh = createMesh(meshOptions);
      webrtc = startWebrtcSync({ mesh, room: `daybook:${journal.book}`, secret: options.secret, signaling: options.signaling, clock, random });
      const meshNow = mesh;
      hubs = (options.hubs ?? []).map((url) => {
        const dial: Parameters<typeof dialWs>[0] = { mesh: meshNow, url, clock, random, via: `hub:${url}` };
        if (options.WebSocket !== undefined) dial.WebSocket = options.WebSocket;
        return dialWs(dial);
      });
      timer = setInterval(() => void mesh?.repair(), syncLimits.repairIntervalMs);
    },
    options.locks,
  );

  return {
    mesh: () => mesh,
    webrtc: () => webrtc,
    hubs: () => hubs,
    stop: () => {
      if (timer !== undefined) clearInterval(timer);
      for (const hub of hubs) hub.close();
      hubs = [];
      webrtc?.stop();
      mesh?.close();
      bridge?.close();
      leadership.stop();
      stopAdded();
      stopHeard();
      tabs.close();
      mesh = undefined;
      webrtc = undefined;
    },
  };
}

/**
 * A bounded set of entry ids, oldest forgotten first. `add` answers whether the id
 * was new. Forgetting only costs a harmless second push of an old id.
 */
export function createSeenIds(max: number): { add(id: string): boolean; has(id: string): boolean } {
  const ids = new Set<string>();
  return {
    add: (id) => {
      if (ids.has(id)) return false;
      ids.add(id);
      if (ids.size > max) ids.delete(ids.values().next().value!);
      return true;
    },
    has: (id) => ids.has(id),
  };
}
