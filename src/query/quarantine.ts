/**
 * Refused inputs kept aside as evidence (the journal's quarantine), shown on screen.
 * The shape is the journal's QuarantineRecord, restated here because the query layer
 * may import only the core; extra fields of the journal's record are kept as given.
 */
import { journalLimits } from '../core/limits.ts';
import type { Refusal } from '../core/result.ts';

export interface QuarantineRecord {
  /** The input as text, as the journal kept it. */
  raw: string;
  reason: Refusal;
  /** Who sent it (a peer id, a hub, a file name). */
  from: string;
  /** Local wall time it was refused at, in ms. */
  atMs: number;
  /** The journal's own number for the record, when it has one. */
  no?: number;
  truncated?: boolean;
}

/** The newest `journalLimits.quarantineRowsMax` records, oldest first; older ones are only counted. */
export class Quarantine {
  #records: QuarantineRecord[] = [];
  /** Records ever added, kept or not. */
  seen = 0;

  add(records: readonly QuarantineRecord[]): void {
    this.seen += records.length;
    this.#records.push(...records);
    const over = this.#records.length - journalLimits.quarantineRowsMax;
    if (over > 0) this.#records = this.#records.slice(over);
  }

  records(): readonly QuarantineRecord[] {
    return [...this.#records];
  }
}
