/**
 * A deterministic store simulator for the property tests: it plays a list of plain
 * store actions (`Op`) on a daily book with its owner and 2-5 tablets, each tablet
 * seeing only what it wrote and what it synced (partitions, partial gossip). It
 * builds summaries and seals the way a real tablet would, from the fold of its own
 * partial view, so summaries go stale or unverifiable and entries that reach the
 * closer after a seal become late entries. The generators are in arbitraries.ts.
 */
import fc from 'fast-check';
import { businessDateAsUtcMs, nextPeriod } from '../dates.ts';
// The books without summary verdicts: all a tablet needs to write a summary, a seal or an admit.
import { foldBooks } from '../fold.ts';
import { sealBody, summaryBody } from '../reconcile.ts';
import { AssertionError } from '../result.ts';
import type { BalanceLine, BookId, BusinessDate, Day, Entry, EntryId, PeerId, PeriodId, Role, SealBody } from '../types.ts';
import { type DeviceBuilder, START_MS, device, newBook } from './build.ts';

/** The fixed chart of accounts every generated transaction posts to. */
export const CHART = [
  'Assets:Cash',
  'Assets:Card',
  'Income:Sales',
  'Expenses:Supplies',
  'Liabilities:Refunds',
  'Equity:Float',
] as const;

/** Store transactions by kind; each returns postings that sum to zero for any positive amount. */
export const TEMPLATES: ReadonlyArray<(amount: number) => Array<[string, number]>> = [
  (a) => [['Assets:Cash', a], ['Income:Sales', -a]],
  (a) => [['Assets:Card', a], ['Income:Sales', -a]],
  (a) => [['Expenses:Supplies', a], ['Assets:Cash', -a]],
  (a) => [['Income:Sales', a], ['Liabilities:Refunds', -a]],
  (a) => [['Liabilities:Refunds', a], ['Assets:Cash', -a]],
  (a) => [['Assets:Cash', a], ['Assets:Card', 75], ['Income:Sales', -a - 75]],
  (a) => [['Assets:Cash', a], ['Equity:Float', -a]],
];

/** Days a history may span. Daily periods, so this also bounds the number of periods. */
export const DAYS_MAX = 6;
export const FIRST_DAY = '2025-01-01';

/** One store action. Device numbers are taken modulo the devices present at the time. */
export type Op =
  | { t: 'txn'; dev: number; tpl: number; amount: number; back: number }
  | { t: 'negate'; dev: number; pick: number; back: number }
  | { t: 'twin-negate'; a: number; b: number; pick: number }
  | { t: 'bad-negate'; dev: number; pick: number }
  | { t: 'sync'; from: number; to: number }
  | { t: 'trickle'; from: number; to: number; skip: number }
  | { t: 'sync-all' }
  | { t: 'skew'; dev: number; hours: number }
  | { t: 'next-day' }
  | { t: 'summary'; dev: number; back: number }
  | { t: 'close' }
  | { t: 'ack'; dev: number }
  | { t: 'seal' }
  | { t: 'retire'; dev: number; slack: number; by: number }
  | { t: 'succeed'; dev: number }
  | { t: 'equivocate'; dev: number; seq: number }
  | { t: 'join'; by: number }
  | { t: 'grant-enrol'; dev: number }
  | { t: 'move-closer'; dev: number }
  | { t: 'admit'; pick: number }
  | { t: 'lying-summary'; dev: number }
  | { t: 'lying-seal' }
  | { t: 'rival-seal' };

/** A view of the whole book as one device held it at one moment. */
export interface Checkpoint {
  peer: PeerId;
  /** What happened just before: e.g. `seal 2025-01-02`. */
  label: string;
  entries: Entry[];
}

export interface StoreHistory {
  book: BookId;
  genesis: Entry;
  owner: PeerId;
  /** The book's reconciliation window in days. */
  windowDays: number;
  /** Every entry made, in the order they were made (a causal arrival order). */
  entries: Entry[];
  /** Every day the run touched, first to last. */
  days: Day[];
  /** Each device's view right after it sealed, and every device's view at the end. */
  checkpoints: Checkpoint[];
  /** True when the run used an adversarial action: retire, succession, fork, admit, lie or rival seal. */
  adversarial: boolean;
  /** Ops that did something, for a readable counterexample. */
  log: string[];
  /** Seals the closer could not write (sealBody refused), with the reason. */
  sealRefusals: string[];
  /** Summaries and seals written with tampered balances (every other one is honest). */
  lies: EntryId[];
  /**
   * The devices' builders as the run left them (chains, clocks), to write more
   * entries on top of the history. Mutable: play the plan again for a fresh copy.
   */
  live: { owner: DeviceBuilder; closer: DeviceBuilder; devices: DeviceBuilder[] };
  /** The run's last day. */
  today: Day;
  /** How fast-check prints a counterexample: the story, not every entry. */
  [fc.toStringMethod]: () => string;
}

/** What a history is played from: plain data, so fast-check shrinks it to a short story. */
export interface Plan {
  tablets: number;
  closer: number;
  windowDays: number;
  ops: Op[];
}

interface SimDevice {
  b: DeviceBuilder;
  view: Map<EntryId, Entry>;
  /** Periods this device has acked. */
  acked: Set<PeriodId>;
  /** Retired or succeeded: it writes nothing more (a stolen tablet is modelled by slack). */
  gone: boolean;
  /** The roles the owner last granted it, as the simulator believes them. */
  roles: Role[];
  /** How far its clock is off (ms); 0 for a good clock, which follows business dates. */
  skewMs: number;
  /** Its clock's last reading, so a skewed clock still never runs backwards. */
  wallMs: number;
}

/** Plays a plan on a fresh daily book: deterministic, so a failing case replays from its plan. */
export function playHistory(plan: Plan): StoreHistory {
  const sim = new Sim(plan.tablets, plan.closer, plan.windowDays);
  for (const op of plan.ops) sim.play(op);
  return sim.finish();
}

class Sim {
  readonly book: BookId;
  readonly genesis: Entry;
  readonly devices: SimDevice[] = [];
  readonly all: Entry[] = [];
  readonly byId = new Map<EntryId, Entry>();
  readonly checkpoints: Checkpoint[] = [];
  readonly log: string[] = [];
  readonly sealRefusals: string[] = [];
  readonly lies: EntryId[] = [];
  closer: SimDevice;
  dayIndex = 0;
  minute = 0;
  joined = 0;
  adversarial = false;
  /** The next period the closer will close, and the closes not yet sealed, oldest first. */
  nextToClose: PeriodId = FIRST_DAY;
  closed: PeriodId[] = [];

  constructor(tablets: number, closerIndex: number, readonly windowDays: number) {
    const { book, owner, genesis } = newBook({ period: 'day', windowDays });
    this.book = book;
    this.genesis = genesis;
    const ownerDevice = this.addDevice(owner, new Map());
    this.record(ownerDevice, genesis);
    for (let i = 0; i < tablets; i++) this.joinTablet(i === closerIndex);
    // Everyone starts from the owner's enrolment entries.
    for (const d of this.devices) for (const e of ownerDevice.view.values()) d.view.set(e.id, e);
    this.closer = this.devices[1 + closerIndex]!;
  }

  get owner(): SimDevice {
    return this.devices[0]!;
  }

  today(): Day {
    return dayAt(this.dayIndex);
  }

  /** A business date on `day`, one minute after the previous one made today. */
  dateOn(day: Day, back: boolean): string {
    const minutes = back ? 17 * 60 + (this.minute % 60) : 8 * 60 + Math.min(this.minute++, 15 * 60);
    const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
    const mm = String(minutes % 60).padStart(2, '0');
    return `${day}T${hh}:${mm}:00`;
  }

  addDevice(b: DeviceBuilder, view: Map<EntryId, Entry>, roles: Role[] = []): SimDevice {
    const d: SimDevice = { b, view, acked: new Set(), gone: false, roles, skewMs: 0, wallMs: 0 };
    this.devices.push(d);
    return d;
  }

  /** A new tablet, enrolled by `by` (the owner, or a device it gave the 'enrol' role). */
  joinTablet(closer: boolean, by: SimDevice = this.owner): SimDevice {
    const peer = `T${++this.joined}`;
    const roles: Role[] = closer ? ['closer'] : [];
    this.record(by, by.b.join(peer, roles, this.dateOn(this.today(), false)));
    const b = device(this.book, peer, START_MS + this.dayIndex * 86_400_000);
    return this.addDevice(b, new Map(by.view), roles);
  }

  /** The owner (re-)joins a device with new roles: the latest role event for it counts. */
  grant(d: SimDevice, roles: Role[]): void {
    const sorted = [...new Set(roles)].sort();
    this.record(this.owner, this.owner.b.join(d.b.peer, sorted, this.dateOn(this.today(), false)));
    d.roles = sorted;
  }

  /**
   * A skewed device stamps its entries by its own wrong clock, not by their business
   * date (a tablet whose clock is hours off; its hlc order then disagrees with dates).
   */
  tick(d: SimDevice, date: string): void {
    if (d.skewMs === 0) return;
    d.wallMs = Math.max(d.wallMs, businessDateAsUtcMs(date as BusinessDate) + d.skewMs);
    d.b.clock(d.wallMs);
  }

  /** A device's clock goes wrong by `hours` (never back to exactly right). */
  skew(n: number, hours: number): void {
    const d = this.pick(n);
    d.skewMs = hours * 3_600_000;
    d.b.followDates = d.skewMs === 0;
  }

  /** A device the simulator believes may enrol, else the owner. */
  enroller(n: number): SimDevice {
    const d = this.pick(n);
    return d.roles.includes('enrol') ? d : this.owner;
  }

  record(d: SimDevice, e: Entry): Entry {
    // A skewed clock still never runs backwards: the next tick starts after this stamp.
    if (d.skewMs !== 0 && e.peer === d.b.peer) d.wallMs = Math.max(d.wallMs, Number(e.hlc.slice(0, 13)) + 1);
    d.view.set(e.id, e);
    this.all.push(e);
    this.byId.set(e.id, e);
    return e;
  }

  /** The device numbered `n` among those still writing (the owner included). */
  pick(n: number): SimDevice {
    const live = this.devices.filter((d) => !d.gone);
    return live[n % live.length]!;
  }

  txnsIn(d: SimDevice): Entry[] {
    return [...d.view.values()].filter((e) => e.kind === 'txn');
  }

  play(op: Op): void {
    const before = this.all.length;
    this.step(op);
    const shapesViews = ['sync', 'sync-all', 'trickle', 'next-day', 'skew'].includes(op.t);
    if (this.all.length > before || shapesViews) this.log.push(JSON.stringify(op));
  }

  step(op: Op): void {
    switch (op.t) {
      case 'txn': return this.txn(op.dev, op.tpl, op.amount, op.back);
      case 'negate': return this.negate(this.pick(op.dev), op.pick, op.back);
      case 'twin-negate': return this.twinNegate(op.a, op.b, op.pick);
      case 'bad-negate': return this.badNegate(op.dev, op.pick);
      case 'sync': return this.sync(this.pick(op.from), this.pick(op.to));
      case 'trickle': return this.trickle(this.pick(op.from), this.pick(op.to), op.skip);
      case 'sync-all': return this.syncAll();
      case 'skew': return this.skew(op.dev, op.hours);
      case 'next-day': return this.nextDay();
      case 'summary': return this.summary(op.dev, op.back);
      case 'close': return this.close();
      case 'ack': return this.ack(op.dev);
      case 'seal': return this.seal();
      case 'retire': return this.retire(op.dev, op.slack, op.by);
      case 'succeed': return this.succeed(op.dev);
      case 'equivocate': return this.equivocate(op.dev, op.seq);
      case 'join': return void (this.joined < 7 && this.joinTablet(false, this.enroller(op.by)));
      case 'grant-enrol': return this.grantEnrol(op.dev);
      case 'move-closer': return this.moveCloser(op.dev);
      case 'admit': return this.admit(op.pick);
      case 'lying-summary': return this.summary(op.dev, 0, true);
      case 'lying-seal': return this.seal(true);
      case 'rival-seal': return this.rivalSeal();
    }
  }

  /** A txn dated today, `back` days earlier (back-dated), or tomorrow when `back` is -1. */
  txn(n: number, tpl: number, amount: number, back: number): void {
    const d = this.pick(n);
    const day = dayAt(Math.max(0, this.dayIndex - back));
    const date = this.dateOn(day, back !== 0);
    this.tick(d, date);
    this.record(d, d.b.txn(date, TEMPLATES[tpl]!(amount)));
  }

  negate(d: SimDevice, pick: number, back: number): void {
    const txns = this.txnsIn(d);
    const target = txns[pick % Math.max(1, txns.length)];
    if (target === undefined) return;
    const day = dayAt(Math.max(0, this.dayIndex - back));
    const date = maxString(this.dateOn(day, back > 0), target.date);
    this.tick(d, date);
    this.record(d, d.b.negate(target, date));
  }

  /** Two devices negate the same entry without syncing in between: one takes effect. */
  twinNegate(a: number, b: number, pick: number): void {
    const first = this.pick(a);
    const second = this.pick(b);
    if (first === second) return;
    const shared = this.txnsIn(first).filter((e) => second.view.has(e.id));
    const target = shared[pick % Math.max(1, shared.length)];
    if (target === undefined) return;
    const date = maxString(this.dateOn(this.today(), false), target.date);
    this.tick(first, date);
    this.record(first, first.b.negate(target, date, 'twin'));
    this.tick(second, date);
    this.record(second, second.b.negate(target, date, 'twin'));
  }

  /** A negation of something that is not a txn: it can never take effect. */
  badNegate(n: number, pick: number): void {
    const d = this.pick(n);
    const others = [...d.view.values()].filter((e) => e.kind !== 'txn');
    const target = others[pick % Math.max(1, others.length)];
    if (target === undefined) return;
    this.record(d, d.b.negate(target, maxString(this.dateOn(this.today(), false), target.date)));
  }

  sync(from: SimDevice, to: SimDevice): void {
    for (const e of from.view.values()) to.view.set(e.id, e);
  }

  /**
   * Gossip that delivers only part of a view, out of order: every third entry (from
   * an offset) stays behind. The receiver then holds gaps: negations without their
   * targets, summaries it cannot verify, seals it cannot finalise, until a later sync.
   */
  trickle(from: SimDevice, to: SimDevice, skip: number): void {
    [...from.view.values()].forEach((e, i) => {
      if ((i + skip) % 3 !== 0) to.view.set(e.id, e);
    });
  }

  syncAll(): void {
    for (const d of this.devices) this.sync(d, this.owner);
    for (const d of this.devices) this.sync(this.owner, d);
  }

  nextDay(): void {
    if (this.dayIndex + 1 >= DAYS_MAX) return;
    this.dayIndex++;
    this.minute = 0;
  }

  /** A summary from the device's own view; a lying one claims a cent more cash (verdict 'false'). */
  summary(n: number, back: number, lie = false): void {
    const d = this.pick(n);
    const asOf = dayAt(Math.max(0, this.dayIndex - back));
    const body = summaryBody(foldBooks(d.view.values()), asOf);
    const summary = this.record(d, d.b.summary(lie ? { ...body, balances: tampered(body.balances) } : body, this.dateOn(this.today(), false)));
    if (lie) this.lie(summary);
  }

  /** The closer closes the next period once the day is over (periods close in order). */
  close(): void {
    if (this.closer.gone || this.nextToClose >= this.today()) return;
    const period = this.nextToClose;
    this.record(this.closer, this.closer.b.close(period, this.dateOn(this.today(), false)));
    this.closed.push(period);
    this.nextToClose = nextPeriod(period);
  }

  /** A device acks the oldest close it has seen and not acked. */
  ack(n: number): void {
    const d = this.pick(n);
    const seen = [...d.view.values()].filter((e) => e.kind === 'close' && !d.acked.has(e.body.period));
    const close = seen.sort((x, y) => (x.date < y.date ? -1 : 1))[0];
    if (close === undefined || close.kind !== 'close') return;
    d.acked.add(close.body.period);
    this.record(d, d.b.ack(close.body.period, this.dateOn(this.today(), false)));
  }

  /**
   * The closer seals the oldest closed period from its own view, whatever it lacks.
   * sealBody refuses (throws) when the closer would not be a closer within its own
   * cut: after a retire, or an equivocation that holds its enrolment. A real tablet
   * would show that and not seal; the refusal is noted so that tests can insist
   * honest histories never meet one.
   */
  seal(lie = false): void {
    const period = this.closed[0];
    if (period === undefined || this.closer.gone) return;
    let body: SealBody;
    try {
      body = sealBody(foldBooks(this.closer.view.values()), period, this.closer.b.peer);
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      this.sealRefusals.push(`${period}: ${error.message}`);
      return;
    }
    this.closed.shift();
    // A lying (or buggy) closer: the chain accepts it, every peer raises 'seal-disagrees'.
    if (lie) body = { ...body, balances: tampered(body.balances) };
    const seal = this.record(this.closer, this.closer.b.seal(body, this.dateOn(this.today(), false)));
    if (lie) this.lie(seal);
    this.checkpoint(this.closer, `seal ${period}`);
  }

  /** The owner seals the next period it sees unsealed, from its own view: a rival to the closer. */
  rivalSeal(): void {
    const ledger = foldBooks(this.owner.view.values());
    const period = ledger.firstOpenPeriod ?? FIRST_DAY;
    if (period >= this.today()) return;
    try {
      const body = sealBody(ledger, period, this.owner.b.peer);
      this.record(this.owner, this.owner.b.seal(body, this.dateOn(this.today(), false)));
      this.adversarial = true;
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
    }
  }

  lie(entry: Entry): void {
    this.lies.push(entry.id);
    this.adversarial = true;
  }

  /**
   * A tablet is retired at the last seq the retiring device holds from it, minus
   * `slack`: by an enroller when the tablet holds no role, else by the owner.
   */
  retire(n: number, slack: number, by: number): void {
    const d = this.pick(n);
    if (d === this.owner) return;
    const retirer = d.roles.length === 0 ? this.enroller(by) : this.owner;
    if (retirer === d) return;
    const held = [...retirer.view.values()].filter((e) => e.peer === d.b.peer).map((e) => e.seq);
    const lastSeq = Math.max(0, Math.max(0, ...held) - slack);
    this.record(retirer, retirer.b.retire(d.b.peer, lastSeq, this.dateOn(this.today(), false)));
    this.adversarial = true;
    // With slack 0 the tablet is really gone; with slack it keeps writing (stolen).
    if (slack === 0) d.gone = true;
  }

  /** The owner lets a tablet enrol others (and retire tablets without roles). */
  grantEnrol(n: number): void {
    const d = this.pick(n);
    if (d === this.owner || d.roles.includes('enrol')) return;
    this.grant(d, [...d.roles, 'enrol']);
    this.adversarial = true;
  }

  /**
   * The owner moves the closer role to another tablet, whose view may lack the last
   * seals: its first seal can then rival the old closer's (rival seals only).
   */
  moveCloser(n: number): void {
    const next = this.pick(n);
    if (next === this.owner || next === this.closer) return;
    this.grant(this.closer, this.closer.roles.filter((r) => r !== 'closer'));
    this.grant(next, [...next.roles, 'closer']);
    this.closer = next;
    this.adversarial = true;
  }

  /** A tablet hands over to a new identity, which takes its roles and its view. */
  succeed(n: number): void {
    const d = this.pick(n);
    if (d === this.owner) return;
    const to = `${d.b.peer}n`;
    if (this.devices.some((x) => x.b.peer === to)) return;
    this.record(d, d.b.succeed(to, d.b.seq + 1, this.dateOn(this.today(), false)));
    d.gone = true;
    const next = this.addDevice(device(this.book, to, START_MS + this.dayIndex * 86_400_000), new Map(d.view), d.roles);
    if (d === this.closer) this.closer = next;
    this.adversarial = true;
  }

  /** A tablet signs a second entry at a seq it already used (a fork: equivocation). */
  equivocate(n: number, seqPick: number): void {
    const d = this.pick(n);
    if (d.b.seq < 1) return;
    const seq = 1 + (seqPick % d.b.seq);
    // Walk the main chain back from the head to the entry the fork replaces.
    let at = d.b.head === null ? undefined : this.byId.get(d.b.head);
    while (at !== undefined && at.seq > seq) at = at.prev === null ? undefined : this.byId.get(at.prev);
    if (at === undefined) return;
    const body = { postings: [{ account: 'Assets:Cash', amount: 1 }, { account: 'Income:Sales', amount: -1 }] };
    this.record(d, d.b.raw('txn', body, this.dateOn(this.today(), false), { seq, prev: at.prev }));
    this.adversarial = true;
  }

  /** The owner admits one entry its own view holds for review. */
  admit(pick: number): void {
    const held = [...foldBooks(this.owner.view.values()).entries.values()].filter((v) => v.state.status === 'held');
    const target = held[pick % Math.max(1, held.length)];
    if (target === undefined) return;
    this.record(this.owner, this.owner.b.admit(target.entry, this.dateOn(this.today(), false)));
    this.adversarial = true;
  }

  checkpoint(d: SimDevice, label: string): void {
    this.checkpoints.push({ peer: d.b.peer, label, entries: [...d.view.values()] });
  }

  finish(): StoreHistory {
    for (const d of this.devices) this.checkpoint(d, 'end');
    const days = Array.from({ length: this.dayIndex + 2 }, (_, i) => dayAt(i));
    const log = this.log;
    return {
      [fc.toStringMethod]: () => `StoreHistory(${this.devices.length - 1} tablets, window ${this.windowDays}) ops:\n${log.join('\n')}`,
      book: this.book,
      genesis: this.genesis,
      owner: this.owner.b.peer,
      windowDays: this.windowDays,
      entries: this.all,
      days,
      checkpoints: this.checkpoints,
      adversarial: this.adversarial,
      log: this.log,
      sealRefusals: this.sealRefusals,
      lies: this.lies,
      live: { owner: this.owner.b, closer: this.closer.b, devices: this.devices.map((d) => d.b) },
      today: this.today(),
    };
  }
}

/** The day `index` days after the first day of every generated history. */
export function dayAt(index: number): Day {
  let day = FIRST_DAY;
  for (let i = 0; i < index; i++) day = nextPeriod(day);
  return day;
}

/** Balance lines with one cent more cash, as a lying device would claim. */
function tampered(lines: readonly BalanceLine[]): BalanceLine[] {
  const others = lines.filter((l) => l.account !== 'Assets:Cash');
  const held = BigInt(lines.find((l) => l.account === 'Assets:Cash')?.amount ?? '0');
  // Zero balances are never listed, so a lie that lands on zero lies by two cents.
  const cash = held + (held === -1n ? 2n : 1n);
  return [...others, { account: 'Assets:Cash', amount: cash.toString() }].sort((a, b) => (a.account < b.account ? -1 : 1));
}

function maxString(a: string, b: string): string {
  return a >= b ? a : b;
}
