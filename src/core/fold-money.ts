/**
 * Money: what becomes of txn, negate and admit entries, and the postings in effect.
 *
 * - txn: its postings at its landing date (fold-landing.ts). Held when its author is
 *   (retired, equivocating) or when late beyond the window; an admit lets it in.
 * - negate: names a txn exactly. Among the negations of one target that could take
 *   effect, ONE does: the smallest (earliest seal covering it, hlc, id), so a
 *   negation that arrives after a period is sealed never displaces one the seal
 *   covers. The others are duplicates. Its effect is the opposite of the target's
 *   postings at max(its own landing, the target's effective date); it follows its
 *   target's state (held while the target is held, pending while it is pending).
 * - admit: by the owner or a closer, lets a held txn or negation in at max(its
 *   would-be date, the admit's own landing). The admit's landing obeys the seal
 *   chain like money does, so an admit can never reach into a sealed period it is
 *   not covered in.
 */
import { isEntry, resolveRef, standing, type FoldContext } from './fold-context.ts';
import { landingOf, type Landing } from './fold-landing.ts';
import { byHlcId, compareStrings, minBy } from './fold-order.ts';
import { firstCover } from './fold-seals.ts';
import { maxDate } from './dates.ts';
import type { EffectivePosting, EntryState, HeldReason, LateInfo } from './ledger.ts';
import type { BusinessDate, Entry, EntryId, EntryOf, Posting } from './types.ts';

/** What the money stage says of one entry (fields as in EntryView). */
export interface MoneyView {
  state: EntryState;
  effectiveDate?: BusinessDate;
  late?: LateInfo;
  negatedBy?: EntryId;
  duplicateNegations?: EntryId[];
}

export interface Money {
  views: Map<EntryId, MoneyView>;
  /** Effective txn and negate entries with their dates, in (effectiveDate, hlc, id) order. */
  effective: Array<{ entry: Entry; effectiveDate: BusinessDate }>;
  /**
   * Sorted by (effectiveDate, hlc, entry, account). Built on first read: a posting
   * object (and a bigint) per line is much of a fold's cost, and a caller that keeps
   * its own posting columns (the query store) never reads them.
   */
  readonly postings: EffectivePosting[];
}

/** Fold the money entries of the set (entries whose author standing is known to be in this book). */
export function foldMoney(ctx: FoldContext, entries: readonly Entry[]): Money {
  const views = new Map<EntryId, MoneyView>();
  const admitted = admitsOf(ctx, entries, views);
  for (const entry of entries) if (entry.kind === 'txn') views.set(entry.id, txnView(ctx, entry, admitted));
  negations(ctx, entries, admitted, views);
  const effective = effectiveOf(entries, views);
  let postings: EffectivePosting[] | undefined;
  return {
    views,
    effective,
    get postings() {
      return (postings ??= postingsOf(ctx, effective));
    },
  };
}

/** Validates admits (recording their states) and returns, per admitted entry, the earliest admit landing. */
function admitsOf(ctx: FoldContext, entries: readonly Entry[], views: Map<EntryId, MoneyView>): Map<EntryId, BusinessDate> {
  const admitted = new Map<EntryId, BusinessDate>();
  for (const entry of entries) {
    if (entry.kind !== 'admit') continue;
    const state = admitState(ctx, entry);
    views.set(entry.id, { state });
    if (state.status !== 'recorded') continue;
    const date = landingOf(ctx, entry).date;
    const before = admitted.get(entry.body.target.id);
    if (before === undefined || date < before) admitted.set(entry.body.target.id, date);
  }
  return admitted;
}

function admitState(ctx: FoldContext, admit: EntryOf<'admit'>): EntryState {
  const author = standing(ctx, admit, true);
  if (!author.ok) return author.state;
  const target = resolveRef(ctx, admit.body.target);
  if (!isEntry(target)) return target;
  if (target.kind !== 'txn' && target.kind !== 'negate') return { status: 'invalid', reason: 'only txn and negate entries can be admitted' };
  const roles = author.roster.get(admit.peer)?.roles ?? [];
  if (!roles.includes('owner') && !roles.includes('closer')) return { status: 'invalid', reason: 'only the owner or a closer may admit' };
  return { status: 'recorded' };
}

function withLanding(view: MoneyView, landing: Landing): MoneyView {
  if (landing.late !== undefined) view.late = landing.late;
  return view;
}

function windowDetail(ctx: FoldContext, entry: Entry, landing: Landing): string {
  return `dated ${entry.date}, it lands ${landing.daysLate} days later in ${landing.late?.into ?? ''}; the window is ${ctx.settings.windowDays} days`;
}

/** A txn: its author's standing, its landing, the window, and admits. */
function txnView(ctx: FoldContext, txn: Entry, admitted: Map<EntryId, BusinessDate>): MoneyView {
  const author = standing(ctx, txn, false);
  if (!author.ok && author.state.status !== 'held') return { state: author.state };
  const landing = landingOf(ctx, txn);
  const hold: EntryState | undefined = !author.ok
    ? author.state
    : landing.beyondWindow
      ? { status: 'held', reason: 'late-beyond-window', detail: windowDetail(ctx, txn, landing) }
      : undefined;
  const admit = admitted.get(txn.id);
  if (hold !== undefined && admit === undefined) return withLanding({ state: hold }, landing);
  // An admit only acts on a held entry: a covered or on-time entry keeps its landing,
  // so admitting it can never move it out of a final period.
  const effectiveDate = hold === undefined || admit === undefined ? landing.date : maxDate(landing.date, admit);
  return withLanding({ state: { status: 'effective' }, effectiveDate }, landing);
}

interface Candidate {
  entry: EntryOf<'negate'>;
  target: Entry;
  cover: number;
  landing: Landing;
  admit: BusinessDate | undefined;
}

function negations(ctx: FoldContext, entries: readonly Entry[], admitted: Map<EntryId, BusinessDate>, views: Map<EntryId, MoneyView>): void {
  const byTarget = new Map<EntryId, Candidate[]>();
  for (const entry of entries) {
    if (entry.kind !== 'negate') continue;
    const candidate = negationCandidate(ctx, entry, admitted, views);
    if (candidate === undefined) continue;
    const group = byTarget.get(candidate.target.id);
    if (group === undefined) byTarget.set(candidate.target.id, [candidate]);
    else group.push(candidate);
  }
  for (const [targetId, group] of byTarget) {
    const chosen = minBy(group, (a, b) => a.cover - b.cover || byHlcId(a.entry, b.entry))!;
    const view = chosenView(ctx, chosen, views.get(targetId)!);
    views.set(chosen.entry.id, view);
    const duplicates = group.filter((c) => c !== chosen).map((c) => c.entry.id).sort(compareStrings);
    for (const id of duplicates) views.set(id, { state: { status: 'duplicate', of: chosen.entry.id } });
    const target = views.get(targetId)!;
    if (view.state.status === 'effective') target.negatedBy = chosen.entry.id;
    if (duplicates.length > 0) target.duplicateNegations = duplicates;
  }
}

/** A negation that could take effect, or undefined after recording why it cannot. */
function negationCandidate(ctx: FoldContext, entry: EntryOf<'negate'>, admitted: Map<EntryId, BusinessDate>, views: Map<EntryId, MoneyView>): Candidate | undefined {
  const author = standing(ctx, entry, false);
  if (!author.ok && author.state.status !== 'held') return void views.set(entry.id, { state: author.state });
  const target = resolveRef(ctx, entry.body.target);
  if (!isEntry(target)) return void views.set(entry.id, { state: target });
  if (target.kind !== 'txn') return void views.set(entry.id, { state: { status: 'invalid', reason: 'only txn entries can be negated' } });
  const landing = landingOf(ctx, entry);
  const admit = admitted.get(entry.id);
  if (!author.ok && admit === undefined) return void views.set(entry.id, withLanding({ state: author.state }, landing));
  const admitApplies = !author.ok || landing.beyondWindow;
  return { entry, target, cover: firstCover(ctx.chains, ctx.seals.seals, entry), landing, admit: admitApplies ? admit : undefined };
}

function chosenView(ctx: FoldContext, chosen: Candidate, target: MoneyView): MoneyView {
  const { entry, landing, admit } = chosen;
  if (landing.beyondWindow && admit === undefined) {
    return withLanding({ state: { status: 'held', reason: 'late-beyond-window', detail: windowDetail(ctx, entry, landing) } }, landing);
  }
  if (target.state.status === 'held') {
    const state: EntryState = { status: 'held', reason: 'target-held' satisfies HeldReason, detail: `its target ${chosen.target.id} is held` };
    return withLanding({ state }, landing);
  }
  if (target.state.status !== 'effective' || target.effectiveDate === undefined) {
    return withLanding({ state: { status: 'pending', reason: 'its target is not in effect' } }, landing);
  }
  const own = admit === undefined ? landing.date : maxDate(landing.date, admit);
  return withLanding({ state: { status: 'effective' }, effectiveDate: maxDate(own, target.effectiveDate) }, landing);
}

function effectiveOf(entries: readonly Entry[], views: Map<EntryId, MoneyView>): Money['effective'] {
  const effective: Money['effective'] = [];
  for (const entry of entries) {
    const view = views.get(entry.id);
    if (view?.state.status === 'effective' && view.effectiveDate !== undefined) effective.push({ entry, effectiveDate: view.effectiveDate });
  }
  return effective.sort((a, b) => compareStrings(a.effectiveDate, b.effectiveDate) || byHlcId(a.entry, b.entry));
}

function postingsOf(ctx: FoldContext, effective: Money['effective']): EffectivePosting[] {
  const postings: EffectivePosting[] = [];
  for (const { entry, effectiveDate } of effective) {
    const lines = entry.kind === 'txn' ? entry.body.postings : negated(ctx, entry as EntryOf<'negate'>);
    for (const p of byAccount(lines)) {
      postings.push({ entry: entry.id, account: p.account, amount: BigInt(p.amount), effectiveDate, labelDate: entry.date, hlc: entry.hlc });
    }
  }
  return postings;
}

/** Postings in account order (a stable sort; most entries are written sorted already). */
function byAccount(lines: readonly Posting[]): readonly Posting[] {
  for (let i = 1; i < lines.length; i++) {
    if (lines[i - 1]!.account > lines[i]!.account) return [...lines].sort((a, b) => compareStrings(a.account, b.account));
  }
  return lines;
}

/** The opposite of a negation's target's postings (the target is a held txn: checked before). */
function negated(ctx: FoldContext, negate: EntryOf<'negate'>): Posting[] {
  const target = ctx.chains.byId.get(negate.body.target.id) as EntryOf<'txn'>;
  return target.body.postings.map((p) => ({ account: p.account, amount: -p.amount }));
}
