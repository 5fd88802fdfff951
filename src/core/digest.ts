/**
 * Digests: one hash for a final period (what a seal claims), and one for the whole
 * visible state of the books (what two peers compare to know they agree).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { canonicalString, utf8 } from './canonical.ts';
import { sha256Hex } from './hash.ts';
import type { AccountAmount, Ledger } from './ledger.ts';
import type { EntryId, PeriodId } from './types.ts';

/**
 * The digest of a final period: SHA-256 (hex) of the canonical form of
 * ["daybook/period/1", period, prevDigest, content, [[account, amount], ...]],
 * amounts as decimal strings. `content` and `balances` are hashed in the order given
 * (the fold passes them sorted). Chaining on the previous period's digest makes
 * one digest vouch for every period before it.
 */
export function periodDigest(period: PeriodId, prevDigest: string | null, content: EntryId[], balances: AccountAmount[]): string {
  const lines = balances.map((b) => [b.account, b.amount.toString()]);
  return sha256Hex(canonicalString(['daybook/period/1', period, prevDigest, content, lines]));
}

/**
 * One hash of everything a user can see in the books: settings, every entry's state
 * (with effective date, late info, negations), postings, periods, summaries, alarms,
 * roster and the first open period. Two peers with equal stateDigest show identical
 * books. Entries are hashed by id (the id covers the whole entry), in id order.
 */
export function stateDigest(ledger: Ledger): string {
  const hash = sha256.create();
  const add = (label: string, value: unknown): void => {
    hash.update(utf8(`${label}\u0000${stableJson(value)}\n`));
  };
  add('settings', ledger.settings ?? null);
  const ids = [...ledger.entries.keys()].sort();
  for (const id of ids) {
    const { entry: _entry, ...view } = ledger.entries.get(id)!;
    add(`entry ${id}`, view);
  }
  for (const posting of ledger.postings) add('posting', posting);
  add('periods', ledger.periods);
  add('summaries', ledger.summaries);
  add('alarms', ledger.alarms);
  add('roster', [...ledger.roster.values()].sort((a, b) => (a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : 0)));
  add('firstOpenPeriod', ledger.firstOpenPeriod ?? null);
  return bytesToHex(hash.digest());
}

/**
 * JSON with object keys sorted and bigints as `"<digits>n"`, undefined fields left
 * out: one text per value whatever order its fields were set in.
 */
export function stableJson(value: unknown): string {
  if (typeof value === 'bigint') return JSON.stringify(`${value}n`);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => record[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(record[k])}`).join(',')}}`;
}
