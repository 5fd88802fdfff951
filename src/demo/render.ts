/**
 * Text rendering of the books for the terminal demo: the journal (every entry
 * with what became of it) and the trial balance. Plain strings, no colours, so the
 * output reads the same in a log file.
 */
import type { EntryView, Ledger, TrialBalance } from '../core/ledger.ts';
import type { Entry, EntryId } from '../core/types.ts';
import { formatMinor, padLeft } from './money.ts';

const ACCOUNT_WIDTH = 24;
const AMOUNT_WIDTH = 12;

/** `till-1 #3`: how a person names an entry (author and seq). */
export function entryName(entry: Entry): string {
  return `${entry.peer} #${entry.seq}`;
}

/** One line of what an entry says, for the journal. */
function describe(entry: Entry, byId: (id: EntryId) => Entry | undefined): string {
  switch (entry.kind) {
    case 'book':
      return `opens the book "${entry.body.name}" (${entry.body.currency}, ${entry.body.timezone}, ${entry.body.period === 'day' ? 'daily' : 'monthly'} periods)`;
    case 'join':
      return `enrols ${entry.body.device}${entry.body.roles.length > 0 ? ` as ${entry.body.roles.join(', ')}` : ''}`;
    case 'txn':
      return entry.body.memo ?? '(no memo)';
    case 'negate': {
      const target = byId(entry.body.target.id);
      return `negates ${target === undefined ? entry.body.target.id.slice(0, 8) : entryName(target)}: ${entry.body.reason}`;
    }
    case 'close':
    case 'ack':
      return `${entry.kind}s period ${entry.body.period}`;
    case 'seal':
      return `seals period ${entry.body.period} (digest ${entry.body.digest.slice(0, 12)}…)`;
    default:
      return entry.kind;
  }
}

/** What became of an entry, in a few words. */
function stateText(view: EntryView, byId: (id: EntryId) => Entry | undefined): string {
  const { state } = view;
  if (view.negatedBy !== undefined) {
    const by = byId(view.negatedBy);
    return `negated by ${by === undefined ? view.negatedBy.slice(0, 8) : entryName(by)}`;
  }
  if (view.late !== undefined) {
    const { into, provisional } = view.late;
    return `late: carried into ${into}${provisional ? ', provisionally until that day is sealed' : ''}`;
  }
  switch (state.status) {
    case 'effective':
    case 'recorded':
      return state.status;
    case 'duplicate':
      return `duplicate of ${state.of.slice(0, 8)}`;
    case 'held':
      return `held: ${state.detail}`;
    case 'pending':
    case 'invalid':
      return `${state.status}: ${state.reason}`;
  }
}

/** The postings of a money entry as the books count them (a negation: its target's, reversed). */
function postingLines(entry: Entry, byId: (id: EntryId) => Entry | undefined): string[] {
  let postings: Array<{ account: string; amount: number }> = [];
  if (entry.kind === 'txn') postings = entry.body.postings;
  if (entry.kind === 'negate') {
    const target = byId(entry.body.target.id);
    if (target?.kind === 'txn') postings = target.body.postings.map((p) => ({ account: p.account, amount: -p.amount }));
  }
  return postings.map((p) => `${' '.repeat(36)}${p.account.padEnd(ACCOUNT_WIDTH)}${padLeft(formatMinor(BigInt(p.amount)), AMOUNT_WIDTH)}`);
}

/**
 * The journal: every entry the ledger holds, in business-date order (then hlc, then
 * id), each with its author, seq, kind, what it says and what became of it, and
 * money entries with their postings.
 */
export function renderJournal(ledger: Ledger): string[] {
  const views = [...ledger.entries.values()].sort((a, b) => order(a.entry, b.entry));
  const byId = (id: EntryId): Entry | undefined => ledger.entries.get(id)?.entry;
  const lines: string[] = [];
  for (const view of views) {
    const { entry } = view;
    const when = entry.date.replace('T', ' ');
    lines.push(`  ${when}  ${entryName(entry).padEnd(11)} ${entry.kind.padEnd(7)} ${describe(entry, byId)}  [${stateText(view, byId)}]`);
    lines.push(...postingLines(entry, byId));
  }
  return lines;
}

function order(a: Entry, b: Entry): number {
  return compare(a.date, b.date) || compare(a.hlc, b.hlc) || compare(a.id, b.id);
}

/** Plain code-unit order: the dates and hlcs are fixed-width, so it is time order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One line per period with a close or a seal: its status, and when final its digest. */
export function renderPeriods(ledger: Ledger): string[] {
  return ledger.periods.map((p) => {
    const final = p.status === 'final' && p.digest !== undefined
      ? `, digest ${p.digest.slice(0, 12)}…, ${p.sealAgrees === true ? 'agrees with the seal' : 'DISAGREES with the seal'}`
      : '';
    const missing = p.missing.map((r) => `${r.peer} ${r.from}-${r.to}`).join(', ');
    return `  ${p.period}  ${p.status}${final}${missing === '' ? '' : `, missing ${missing}`}`;
  });
}

/** The trial balance as a table with its totals. */
export function renderTrialBalance(tb: TrialBalance): string[] {
  const row = (account: string, debit: string, credit: string): string =>
    `  ${account.padEnd(ACCOUNT_WIDTH)}${padLeft(debit, AMOUNT_WIDTH)}${padLeft(credit, AMOUNT_WIDTH)}`.trimEnd();
  const lines = [row('account', 'debit', 'credit')];
  for (const line of tb.lines) {
    lines.push(row(line.account, line.debit === 0n ? '' : formatMinor(line.debit), line.credit === 0n ? '' : formatMinor(line.credit)));
  }
  lines.push(row('total', formatMinor(tb.debitTotal), formatMinor(tb.creditTotal)));
  return lines;
}
