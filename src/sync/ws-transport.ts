/**
 * Sync over WebSocket: the same session protocol (frames of at most 16 KiB, credit
 * flow control) that tablets speak over WebRTC, carried in binary WebSocket messages.
 * Hubs accept connections (`acceptWsConnection`, on a `ws` server socket); tablets and
 * store hubs dial (`dialWs`, with the browser's WebSocket or the `ws` package's).
 *
 * This file imports nothing platform-specific: a socket is anything shaped like the
 * WHATWG WebSocket (`WsLike`), which both the browser's and `ws`'s are. So it runs in
 * the browser bundle and in Node alike.
 *
 * One message is one frame. A text message, or a binary one over the frame limit, is a
 * peer that does not speak the protocol: its session is cut off with a reason (the
 * session's own decoder refuses it) and the socket closed with a WebSocket close code
 * saying why. What this side queues on a socket is bounded twice: the remote's credit
 * bounds the frames in flight (64 × 16 KiB), and a socket whose `bufferedAmount` still
 * grows past wsLimits.bufferedBytesMax (a peer that stopped reading at the TCP level)
 * is treated as lost.
 */
import type { ByeCode } from './frame.ts';
import { syncLimits } from './limits.ts';
import type { Connection, Mesh } from './mesh.ts';

/** Limits of the WebSocket transport, beside syncLimits' (which bound the session itself). */
export const wsLimits = {
  /**
   * Bytes queued on one socket and not yet handed to the network before the
   * connection counts as lost. The credit window keeps an honest link near 1 MiB.
   */
  bufferedBytesMax: 4 * 1024 * 1024,
  /** A dial that has not opened within this is abandoned and retried (a black-holed address). */
  connectTimeoutMs: 10_000,
  /** A connection that stayed open this long resets the backoff: the next drop retries fast. */
  stableOpenMs: 5_000,
  /** Characters of a WebSocket close reason (the protocol caps it at 123 bytes). */
  closeReasonCharsMax: 120,
  /**
   * Where the socket can ping (`ws` in Node: hubs, and a store hub dialing its cloud),
   * a ping goes out this often, and a socket that answered none within one interval
   * is cut: a pulled cable or a dead NAT entry otherwise leaves a half-open TCP
   * connection that looks open for hours, and the upload would never resume.
   * Browsers cannot ping from script; they answer a hub's pings by themselves.
   */
  pingIntervalMs: 30_000,
} as const;

/** WebSocket close codes used here (RFC 6455 §7.4.1). */
export const wsCloseCodes = {
  normal: 1000,
  goingAway: 1001,
  /** A text message: this endpoint speaks binary frames only. */
  unsupportedData: 1003,
  /** The peer broke the protocol. */
  policy: 1008,
  tooBig: 1009,
} as const;

/**
 * An event handler property checked bivariantly (as methods are), so the browser's and
 * `ws`'s richer event types fit the few fields read here.
 */
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

/** What this module needs of a WebSocket: the WHATWG shape, which `ws` implements too. */
export interface WsLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string }> | null;
  onerror: Handler<unknown> | null;
}

/** What `ws` adds to the WHATWG shape that the heartbeat uses (absent in browsers). */
interface PingableWs {
  ping(): void;
  terminate(): void;
  on(event: 'pong', listener: () => void): void;
}

function pingable(socket: WsLike): socket is WsLike & PingableWs {
  const s = socket as Partial<PingableWs>;
  return typeof s.ping === 'function' && typeof s.terminate === 'function' && typeof s.on === 'function';
}

/** Timers as this module uses them (injectable for tests). */
export interface WsTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const globalTimers: WsTimers = {
  set: (run, ms) => {
    const t = setTimeout(run, ms);
    // In Node, a pending retry or ping must not keep a process alive that is otherwise done.
    (t as { unref?: () => void }).unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Options of the connection over one socket. */
export interface WsConnectionOptions {
  /** Heartbeat interval where the socket can ping (default wsLimits.pingIntervalMs; 0 turns it off). */
  pingIntervalMs?: number;
  timers?: WsTimers;
}

/** A WebSocket constructor: the browser's global, or `ws`'s `WebSocket` in Node. */
export type WsCtor = new (url: string) => WsLike;

/** The WebSocket readyState OPEN. */
const OPEN = 1;

/** Bytes of a message as a Uint8Array; undefined for text (or anything not binary). */
function binaryOf(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  // `ws` with binaryType 'nodebuffer' delivers fragmented messages as Buffer[]; we ask for arraybuffer, but be safe.
  if (Array.isArray(data) && data.every((d) => d instanceof Uint8Array)) {
    const parts = data;
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.byteLength;
    }
    return out;
  }
  return undefined;
}

/** The close code a session's bye maps to. */
function closeCodeOf(code: ByeCode): number {
  if (code === 'oversized') return wsCloseCodes.tooBig;
  if (code === 'done' || code === 'shutdown') return wsCloseCodes.normal;
  if (code === 'busy') return wsCloseCodes.goingAway;
  return wsCloseCodes.policy;
}

/**
 * Run a mesh connection over an open socket: frames out as binary messages, messages
 * in to the session. Text messages cut the session off ('garbage'); oversized ones are
 * refused by the session's decoder ('oversized'); the socket is then closed with the
 * matching close code and the session's reason. Never throws out of a socket event.
 */
function attachSocket(mesh: Mesh, socket: WsLike, via: string, options: WsConnectionOptions, onClose?: (code: ByeCode, reason: string) => void): Connection {
  socket.binaryType = 'arraybuffer';
  const stopHeartbeat = heartbeat(socket, options);
  let closing = false;
  let byeCode: ByeCode = 'shutdown';
  let byeReason = '';
  /** A close code that says more than the bye's (a text message). */
  let closeCode: number | undefined;
  const closeSocket = (): void => {
    if (closing) return;
    closing = true;
    // The session closes its transport just before it tells why (onClose): close on the next microtask, with the reason.
    queueMicrotask(() => {
      const code = closeCode ?? closeCodeOf(byeCode);
      try {
        socket.close(code, byeReason.slice(0, wsLimits.closeReasonCharsMax));
      } catch {
        // A reason over 123 UTF-8 bytes (non-ASCII text) is refused: close without it.
        try {
          socket.close(code);
        } catch {
          // Already closing.
        }
      }
    });
  };
  const connection = mesh.connect(
    {
      send: (bytes) => {
        if (socket.readyState !== OPEN) throw new Error('the socket is not open');
        if (socket.bufferedAmount > wsLimits.bufferedBytesMax) throw new Error(`over ${wsLimits.bufferedBytesMax} bytes wait on the socket`);
        socket.send(bytes);
      },
      close: closeSocket,
    },
    via,
    (code, reason) => {
      byeCode = code;
      byeReason = reason;
      onClose?.(code, reason);
    },
  );
  socket.onmessage = (event) => {
    const bytes = binaryOf(event.data);
    if (bytes === undefined) {
      closeCode = wsCloseCodes.unsupportedData;
      connection.session.close('garbage', 'a text message: this endpoint speaks binary frames only');
      return;
    }
    connection.receive(bytes);
  };
  socket.onclose = () => {
    stopHeartbeat();
    connection.closed();
  };
  socket.onerror = () => undefined;
  return connection;
}

/**
 * Ping every interval where the socket can (`ws`); a socket that answered no ping
 * since the last one is terminated (its close event then ends the session). Returns
 * the function that stops it.
 */
function heartbeat(socket: WsLike, options: WsConnectionOptions): () => void {
  const intervalMs = options.pingIntervalMs ?? wsLimits.pingIntervalMs;
  if (intervalMs <= 0 || !pingable(socket)) return () => undefined;
  const timers = options.timers ?? globalTimers;
  let answered = true;
  let timer: unknown;
  let stopped = false;
  socket.on('pong', () => {
    answered = true;
  });
  const beat = (): void => {
    if (stopped) return;
    if (!answered) {
      stopped = true;
      socket.terminate();
      return;
    }
    answered = false;
    try {
      socket.ping();
    } catch {
      // Closing already: its close event ends the session.
    }
    timer = timers.set(beat, intervalMs);
  };
  timer = timers.set(beat, intervalMs);
  return () => {
    stopped = true;
    timers.clear(timer);
  };
}

/**
 * Accept side: wrap an open server-side socket (a `ws` WebSocket a hub accepted on
 * `/sync/<book>`) as a connection of `mesh`, labelled `via` in the mesh's log. Binary
 * frames only; a text or oversized message cuts the connection with a reason. The
 * session sends hello at once; the socket closes when the session ends, and the
 * session ends when the socket closes. The mesh may refuse it ('busy') at once.
 */
export function acceptWsConnection(mesh: Mesh, socket: WsLike, via: string, options: WsConnectionOptions = {}): Connection {
  return attachSocket(mesh, socket, via, options);
}

export type WsDialState = 'connecting' | 'open' | 'closed';

export interface DialWsOptions {
  mesh: Mesh;
  /** ws://host:port/sync/<book> (or wss://). */
  url: string;
  /** Default: the global WebSocket (browsers; Node 22). In Node 20, pass `ws`'s WebSocket: without any, the dial stays 'closed'. */
  WebSocket?: WsCtor;
  /** Wall clock, ms. */
  clock?: () => number;
  /** Randomness in [0, 1), for backoff jitter. */
  random?: () => number;
  /** Timers; default the global ones. */
  timers?: WsTimers;
  /** Heartbeat where the socket can ping (default wsLimits.pingIntervalMs; 0 turns it off). */
  pingIntervalMs?: number;
  onState?: (state: WsDialState) => void;
  /** The session of one connection ended (how, by whom). */
  onSessionClose?: (code: ByeCode, reason: string) => void;
  /** Label in the mesh's log; default `ws:<url>`. */
  via?: string;
}

export interface WsDial {
  /** Stop dialing and close the connection, if any. */
  close(): void;
  state(): WsDialState;
  /** The current connection, while a socket is open. */
  connection(): Connection | undefined;
  /** Sockets opened so far (1 + reconnections). */
  readonly opened: number;
}

/** The delay before reconnection attempt `failures` (1, 2, …): exponential, capped, spread by ±jitter. */
export function backoffDelayMs(failures: number, random: () => number): number {
  const base = Math.min(syncLimits.backoffMaxMs, syncLimits.backoffFirstMs * syncLimits.backoffFactor ** Math.max(0, failures - 1));
  return Math.round(base * (1 + syncLimits.backoffJitterRatio * (2 * random() - 1)));
}

/**
 * Dial side: keep a connection to `url` open for `mesh` until `close()`. Whenever the
 * socket closes (refused, dropped, the remote restarted) it dials again after a
 * jittered, growing backoff (syncLimits.backoff*); a connection that stayed open
 * wsLimits.stableOpenMs resets the backoff. A dial that does not open within
 * wsLimits.connectTimeoutMs is abandoned and retried. Resuming needs nothing here:
 * each new session exchanges frontiers, so only what the other side lacks travels.
 */
export function dialWs(options: DialWsOptions): WsDial {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WsCtor }).WebSocket;
  const clock = options.clock ?? (() => Date.now());
  const random = options.random ?? Math.random;
  const timers = options.timers ?? globalTimers;
  const connectionOptions: WsConnectionOptions = { timers };
  if (options.pingIntervalMs !== undefined) connectionOptions.pingIntervalMs = options.pingIntervalMs;
  const via = options.via ?? `ws:${options.url}`;
  let state: WsDialState = 'closed';
  let stopped = false;
  let failures = 0;
  let opened = 0;
  let socket: WsLike | undefined;
  let connection: Connection | undefined;
  let timer: unknown;

  const setState = (next: WsDialState): void => {
    if (state === next) return;
    state = next;
    try {
      options.onState?.(next);
    } catch {
      // A broken listener must not stop reconnection.
    }
  };

  const schedule = (): void => {
    if (stopped) return;
    failures++;
    timer = timers.set(dial, backoffDelayMs(failures, random));
  };

  function dial(): void {
    timer = undefined;
    if (stopped) return;
    if (Ctor === undefined) {
      setState('closed');
      return;
    }
    setState('connecting');
    let ws: WsLike;
    try {
      ws = new Ctor(options.url);
    } catch {
      // A malformed URL: nothing will ever open; keep backing off rather than spin.
      setState('closed');
      schedule();
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    let openedAtMs: number | undefined;
    let ended = false;
    const connectTimer = timers.set(() => {
      if (openedAtMs === undefined) endSocket(ws, true);
    }, wsLimits.connectTimeoutMs);
    /** This socket is done (closed, or abandoned): once only, even if its close event fires inside `close()`. */
    const endSocket = (s: WsLike, abandon: boolean): void => {
      if (ended) return;
      ended = true;
      timers.clear(connectTimer);
      if (abandon) {
        try {
          s.close(wsCloseCodes.normal, 'connect timeout');
        } catch {
          // Never opened.
        }
      }
      connection?.closed();
      connection = undefined;
      if (socket === s) socket = undefined;
      if (openedAtMs !== undefined && clock() - openedAtMs >= wsLimits.stableOpenMs) failures = 0;
      setState('closed');
      schedule();
    };
    ws.onopen = () => {
      if (stopped || ended) return;
      timers.clear(connectTimer);
      openedAtMs = clock();
      opened++;
      connection = attachSocket(options.mesh, ws, via, connectionOptions, options.onSessionClose);
      // attachSocket took over the handlers; chain ours to hear the close.
      const sessionClosed = ws.onclose;
      ws.onclose = (event) => {
        sessionClosed?.(event);
        endSocket(ws, false);
      };
      setState('open');
    };
    ws.onclose = () => {
      endSocket(ws, false);
    };
    ws.onerror = () => undefined;
  }

  dial();
  return {
    close: () => {
      stopped = true;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      connection?.session.close('shutdown', 'this device stops syncing with this hub');
      try {
        socket?.close(wsCloseCodes.normal, 'closed');
      } catch {
        // Already closed.
      }
      setState('closed');
    },
    state: () => state,
    connection: () => connection,
    get opened() {
      return opened;
    },
  };
}
