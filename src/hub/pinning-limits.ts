/**
 * Limits of book pinning (pinning.ts), in one place, units last.
 */
export const pinningLimits = {
  /** How often a hub heartbeats and tries to take over the books it was asked for. */
  pollMs: 2_000,
  /** A pin row whose heartbeat is older than this is not redirected to (its owner may be gone). */
  staleMs: 15_000,
  /** Opening the lock connection. */
  connectTimeoutMs: 5_000,
} as const;
