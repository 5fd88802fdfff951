/**
 * The sending half of a session: every frame leaves through here. Hello, credit and
 * bye go at once (`sendNow`); every other frame spends one frame of the credit the
 * remote granted, so it waits in a queue until `pump` may send it. Queues drain in
 * order of urgency: control frames (frontier, want), then live pushes, then Yjs
 * chunks, then answers to the remote's wants, which the want server reads from the
 * journal only as credit allows (a large catch-up never sits in memory at once).
 *
 * The push queue is bounded (syncLimits.pushQueueEntriesMax). Beyond it pushes are
 * dropped, and once the queue has drained the frontier is announced again, so the
 * remote asks for what it missed.
 */
import { encodeEntry } from '../core/entry.ts';
import type { Entry } from '../core/types.ts';
import { encodeFrame, type Frame } from './frame.ts';
import { chunkYjsUpdate, entriesFrameSize } from './frame-pack.ts';
import { syncLimits } from './limits.ts';
import type { SessionContext } from './session-context.ts';

export interface OutboxHooks {
  /** The next answer to a remote want, if one is ready (want-server.ts `next`). */
  serve(): Frame | undefined;
  /** Sending failed: the channel is gone. */
  channelLost(): void;
  /** Pushes were dropped and the queue has drained: announce the frontier again. */
  reannounce(): void;
}

export interface Outbox {
  /** Send outside credit (hello, credit, bye). A failed send but a bye's calls `channelLost`. */
  sendNow(frame: Frame): void;
  /** The remote's hello granted `credit` frames. */
  open(credit: number): void;
  /** The remote gave credit back; beyond the window it granted, it is cut off. Then sends what it allows. */
  credit(frames: number): void;
  /** Queue frontier and want frames ahead of all else, and send what credit allows. */
  control(frames: readonly Frame[]): void;
  /** Queue entries as live pushes, but those `skip` rejects; a full queue drops them (counted, repaired). */
  push(entries: readonly Entry[], skip: (entry: Entry) => boolean): void;
  /** Queue a Yjs update in chunks; false when the Yjs queue (4 windows) cannot take it now. */
  sendYjs(doc: string, update: Uint8Array): boolean;
  /** Send what credit allows, while the session is open. */
  pump(): void;
  /** True when no frame is queued (answers to wants are the want server's). */
  idle(): boolean;
}

/** The outbox of one session; `hooks` are called back, never during creation. */
export function createOutbox(ctx: SessionContext, hooks: OutboxHooks): Outbox {
  const { stats, window } = ctx;
  const transport = ctx.options.transport;
  let remoteWindow = 0;
  /** Frames I may still send. */
  let sendCredit = 0;
  const control: Frame[] = [];
  const yjsOut: Frame[] = [];
  const pushQueue: string[] = [];
  let pushHead = 0;
  /** Pushes were dropped since the last re-announcement. */
  let frontierDirty = false;
  let nextYjsId = 0;

  const sendNow = (frame: Frame): void => {
    const bytes = encodeFrame(frame);
    stats.framesOut++;
    stats.bytesOut += bytes.byteLength;
    if (frame.type === 'entries') stats.entriesOut += frame.items.length;
    try {
      transport.send(bytes);
    } catch {
      if (frame.type !== 'bye') hooks.channelLost();
    }
  };

  const pushesQueued = (): boolean => pushHead < pushQueue.length;

  /** One entries frame from the head of the push queue. */
  const takePushFrame = (): Frame | undefined => {
    if (!pushesQueued()) return undefined;
    const items: string[] = [];
    while (pushHead < pushQueue.length && items.length < syncLimits.entriesPerFrameMax) {
      const item = pushQueue[pushHead]!;
      if (items.length > 0 && entriesFrameSize(0, [...items, item]) > syncLimits.frameBytesMax) break;
      items.push(item);
      pushHead++;
    }
    if (pushHead === pushQueue.length) {
      pushQueue.length = 0;
      pushHead = 0;
    }
    return { type: 'entries', want: 0, end: false, items };
  };

  const nextFrame = (): Frame | undefined => control.shift() ?? takePushFrame() ?? yjsOut.shift() ?? hooks.serve();

  const pump = (): void => {
    while (ctx.state() === 'open' && sendCredit > 0) {
      const frame = nextFrame();
      if (frame === undefined) break;
      sendCredit--;
      sendNow(frame);
    }
    if (ctx.state() === 'open' && frontierDirty && !pushesQueued()) {
      frontierDirty = false;
      hooks.reannounce();
    }
  };

  const push = (entries: readonly Entry[], skip: (entry: Entry) => boolean): void => {
    if (ctx.state() !== 'open') return;
    const wasDirty = frontierDirty;
    for (const entry of entries) {
      if (skip(entry)) continue;
      if (pushQueue.length - pushHead >= syncLimits.pushQueueEntriesMax) {
        stats.pushesDropped++;
        frontierDirty = true;
        continue;
      }
      pushQueue.push(encodeEntry(entry));
    }
    // Once per overflow, not once per dropped batch.
    if (frontierDirty && !wasDirty) ctx.log('info', 'push-dropped', 'the push queue is full; the frontier will repair what is dropped');
    pump();
  };

  const sendYjs = (doc: string, update: Uint8Array): boolean => {
    if (ctx.state() !== 'open' || yjsOut.length >= window * 4) return false;
    const frames = chunkYjsUpdate(doc, ++nextYjsId, update);
    if (yjsOut.length + frames.length > window * 4) return false;
    yjsOut.push(...frames);
    pump();
    return true;
  };

  return {
    sendNow,
    open(credit) {
      remoteWindow = credit;
      sendCredit = credit;
    },
    credit(frames) {
      if (sendCredit + frames > remoteWindow) return ctx.cutOff('flood', `credit beyond the window of ${remoteWindow} it granted`);
      sendCredit += frames;
      pump();
    },
    control(frames) {
      control.push(...frames);
      pump();
    },
    push,
    sendYjs,
    pump,
    idle: () => control.length === 0 && !pushesQueued() && yjsOut.length === 0,
  };
}
