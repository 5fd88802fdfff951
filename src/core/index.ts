/**
 * The core's public surface: what the other layers (journal, query, sync, hub, app)
 * may rely on. A curated list, not a barrel: the fold's internal stages
 * (fold-*.ts) and the validator's helpers stay private, so they can change freely.
 */
export type * from './types.ts';
export { KINDS, ROLES } from './types.ts';
export type * from './ledger.ts';
export { limits, journalLimits } from './limits.ts';
export { type Refusal, type RefusalCode, type Result, REFUSAL_CODES, ok, refuse, AssertionError, assert } from './result.ts';

// Bytes, ids and signatures.
export { canonicalString, canonicalBytes, parseCanonical, isWellFormed, NotCanonicalError } from './canonical.ts';
export { sha256Hex } from './hash.ts';
export {
  type Signer,
  type Verifier,
  signingBytes,
  entryIdOf,
  finishEntry,
  makeEntry,
  encodeEntry,
  devSigner,
  devVerifier,
} from './entry.ts';

// Validation of untrusted input.
export { type ValidateOptions, validate, decodeEntry } from './validate.ts';
export { isEntryId } from './validate-fields.ts';
export { checkAccount, ACCOUNT_ROOTS } from './accounts.ts';

// Time.
export * from './dates.ts';
export { type HlcState, initialHlcState, formatHlc, parseHlc, hlcTick, hlcReceive, dateSkewAlarm } from './hlc.ts';

// The books.
export { frontierOf, cutOf, lackingInCut, mergeRanges } from './frontier.ts';
export { fold } from './fold.ts';
export { balancesAsOf, trialBalance, trialBalanceOf, register } from './queries.ts';
export { periodDigest, stateDigest } from './digest.ts';
export { summaryBody, sealBody } from './reconcile.ts';
