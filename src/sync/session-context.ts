/**
 * What the parts of one session share (session.ts wires them): the journal, the
 * owner's options, the counters, the session's state, and the ways to log and to
 * end it. The parts (session-outbox.ts, session-inbox.ts, session-frontier.ts) each
 * own their queues and flags; only what is here crosses between them.
 */
import type { Journal } from '../journal/journal.ts';
import type { ByeCode, Frame } from './frame.ts';
import type { Session, SessionLog, SessionOptions, SessionStats } from './session.ts';

export type EntriesFrame = Extract<Frame, { type: 'entries' }>;

export interface SessionContext {
  readonly journal: Journal;
  readonly options: SessionOptions;
  /** The session's counters, written by the parts, read by the owner. */
  readonly stats: SessionStats;
  /** Credit this side grants, in frames. */
  readonly window: number;
  state(): Session['state'];
  /** Remote peer id once its hello arrived. */
  remotePeer(): string | undefined;
  /** Log a line; a logger that throws is ignored. */
  log(level: SessionLog['level'], event: SessionLog['event'], detail: string): void;
  /** The remote broke the protocol: log why, say bye, close. */
  cutOff(code: ByeCode, reason: string): void;
  /** The journal failed: log it, say bye, close. */
  journalFailed(error: unknown): void;
}
