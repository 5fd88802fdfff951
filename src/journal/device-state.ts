/**
 * The device's stored state: one record per journal, written in the same
 * transaction as whatever changes it. `lsn` numbers entries in local arrival
 * order (the key the storage blocks are cut by); `version` grows with every write,
 * so a write prepared from an older state (another tab wrote in between) is noticed
 * and prepared again.
 */
import { canonicalString } from '../core/canonical.ts';
import { initialHlcState } from '../core/hlc.ts';
import { limits } from '../core/limits.ts';
import type { BookId, PeerId } from '../core/types.ts';
import type { Counters } from './author.ts';
import { JournalIdentityError, JournalRefusedError } from './errors.ts';
import type { DeviceState, Json } from './journal.ts';

export interface StoredState extends Counters {
  book: BookId;
  peer: PeerId;
  settings: { [key: string]: Json };
  /** Refusals counted, stored in quarantine or not. */
  quarantined: number;
  /** Next quarantine row number. */
  nextQuarantineNo: number;
  /** Local number of the next entry stored (0 first). */
  nextLsn: number;
  /** Grows with every write of this record. */
  version: number;
}

/** The state of a journal that holds nothing yet. */
export function initialState(book: BookId, peer: PeerId): StoredState {
  return {
    book,
    peer,
    seq: 0,
    head: null,
    hlc: initialHlcState,
    settings: {},
    quarantined: 0,
    nextQuarantineNo: 1,
    nextLsn: 0,
    version: 0,
  };
}

/** Throws JournalIdentityError when a stored journal belongs to another book or device. */
export function checkIdentity(state: StoredState, book: BookId, peer: PeerId): void {
  if (state.book !== book || state.peer !== peer) {
    throw new JournalIdentityError(
      `this journal belongs to book ${state.book} on device ${state.peer}, not book ${book} on device ${peer}`,
    );
  }
}

/** The public view of the stored state. */
export function deviceStateOf(state: StoredState): DeviceState {
  return {
    book: state.book,
    peer: state.peer,
    seq: state.seq,
    head: state.head,
    hlc: { ...state.hlc },
    settings: structuredClone(state.settings),
    quarantined: state.quarantined,
  };
}

/**
 * Settings after merging `patch` (a null value removes its key). Throws
 * JournalRefusedError when the result is not plain JSON or exceeds the size of an
 * entry (settings are small; a limit keeps them so).
 */
export function mergeSettings(settings: { [key: string]: Json }, patch: { [key: string]: Json }): { [key: string]: Json } {
  const next: { [key: string]: Json } = { ...settings };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  checkJson(next, 'settings');
  return structuredClone(next);
}

/** Throws JournalRefusedError unless `value` has a canonical JSON form within limits.entryBytesMax. */
export function checkJson(value: unknown, what: string): void {
  let text: string;
  try {
    text = canonicalString(value);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new JournalRefusedError({ code: 'not-canonical', message: `The ${what} are not plain JSON: ${why}.` });
  }
  if (new TextEncoder().encode(text).byteLength > limits.entryBytesMax) {
    throw new JournalRefusedError({ code: 'too-large', message: `The ${what} exceed ${limits.entryBytesMax} bytes.` });
  }
}
