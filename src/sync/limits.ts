/**
 * Every limit of sync, in one place (TigerBeetle style). Names carry their unit last.
 * They bound what one peer connection may cost this device; two peers may run
 * different values, because each side tells the other what it grants (credit) and
 * refuses only what breaks its own limits.
 */
export const syncLimits = {
  /**
   * Bytes of one frame on a data channel, header included. 16 KiB is the largest
   * message every browser's SCTP stack passes without fragmenting trouble (y-webrtc
   * drops anything over 256 KiB silently; we never get near it).
   */
  frameBytesMax: 16 * 1024,
  /** Entries in one entries frame (the smallest valid entry is about 300 bytes). */
  entriesPerFrameMax: 256,
  /** Ranges in one want frame. */
  rangesPerWantMax: 256,
  /** Wants a peer may have outstanding at once (asked, not yet ended). */
  wantsInFlightMax: 4,
  /** Authors in one peer's frontier (all its frontier frames together). */
  frontierAuthorsMax: 4096,
  /** Gap ranges per author carried in a frontier (more are dropped: the other side then over-asks, harmlessly). */
  frontierGapsPerAuthorMax: 32,
  /**
   * Frames a receiver lets the sender have in flight before it must wait for credit.
   * 64 × 16 KiB = 1 MiB in flight: far below a data channel's buffer limit, enough to
   * keep a fast link busy while the receiver ingests.
   */
  creditWindowFrames: 64,
  /** Entries waiting to be pushed to one peer; beyond it pushes are dropped and repaired by frontier. */
  pushQueueEntriesMax: 10_000,
  /** Entries received and waiting for the journal; beyond credit this cannot grow (credit bounds it). */
  inboxEntriesMax: 64 * 256,
  /** Refused entries one peer may send in one connection before it is cut off. */
  refusalsPerSessionMax: 32,
  /** Characters of a bye reason. */
  byeReasonCharsMax: 200,
  /** Bytes of one reassembled Yjs update (chunks beyond it are refused). */
  yjsUpdateBytesMax: 4 * 1024 * 1024,
  /** Chunks of one Yjs update. */
  yjsChunksPerUpdateMax: 512,
  /** Characters of a document name in a Yjs frame. */
  docNameCharsMax: 128,
  /** Reconnection backoff: first delay, growth factor, cap, and the random spread. */
  backoffFirstMs: 250,
  backoffFactor: 2,
  backoffMaxMs: 30_000,
  backoffJitterRatio: 0.25,
  /** Peer connections held at once by one tablet. */
  peersMax: 16,
  /** How often a tablet re-announces its frontier to repair what pushes missed. */
  repairIntervalMs: 5_000,
  /** Log lines kept by a sync log (older ones are dropped, counters keep counting). */
  logLinesMax: 1000,

  /** Signaling server: bytes of one message (an encrypted SDP offer is a few KB). */
  signalingMessageBytesMax: 64 * 1024,
  /** Signaling server: connections at once. */
  signalingConnectionsMax: 1000,
  /** Signaling server: rooms one connection may subscribe to. */
  signalingTopicsPerConnectionMax: 32,
  /** Signaling server: characters of a room name. */
  signalingTopicCharsMax: 200,
  /** Signaling server: messages one connection may send per second before it is cut off. */
  signalingMessagesPerSecondMax: 200,
  /** Signaling server: bytes waiting to go to one slow client before it is cut off. */
  signalingBufferedBytesMax: 1024 * 1024,
  /** Signaling server: a client that does not answer a ping within this is cut off. */
  signalingPingIntervalMs: 30_000,
} as const;

export type SyncLimits = typeof syncLimits;
