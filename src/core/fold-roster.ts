/**
 * The roster: who may write in a book, with which roles.
 *
 * The genesis author is the owner, with every role, always enrolled; its roles are
 * fixed (a join naming it is invalid) and move only with its own succession.
 * - join {device, roles}: by a device holding 'enrol' or 'owner'; only an owner may
 *   grant roles (every role is a privilege). The roles of a device are those of the
 *   latest (hlc, id) role event for it: a join by an owner, or a succeed to it. For
 *   one owner that is its own seq order. Joins by enrollers enrol without roles.
 * - retire {device, lastSeq}: by the owner or an enroller; retiring a device that
 *   holds a role takes an owner. The device's entries beyond the lowest lastSeq
 *   are held.
 * - succeed {from, to, lastSeq}: by `from` itself, or by an owner or enroller
 *   (moving roles takes an owner, as a join granting them would): `from` is retired
 *   at lastSeq and `to` is enrolled with from's roles.
 *
 * Membership is evaluated over the whole set, not "at the time": an entry counts
 * once its author's join is held, whatever the hlc order, because the builders of
 * a set cannot be trusted to have had synchronised clocks, and a set-wide rule keeps
 * it a function of the set. Authority can then be circular (A's join valid because
 * B may enrol, B's because A may), so the roster is computed by rounds from the
 * owner alone: each round judges every roster entry against the previous round's
 * roster, until nothing changes. Adversarial sets could oscillate (owners demoting
 * each other); the number of rounds is capped by a function of the set, so even
 * then the answer is determined by the set.
 */
import { ROLES, type EntryOf, type Entry, type EntryId, type PeerId, type Role } from './types.ts';
import type { EntryState, RosterMember } from './ledger.ts';
import { compareStrings } from './fold-order.ts';

export type Roster = ReadonlyMap<PeerId, RosterMember>;

export interface RosterRules {
  /** For an entry a seal covers: the roster it is judged by (its seal's), immune to later holds. */
  judgedBy?: (entry: Entry) => Roster | undefined;
  /** Equivocating authors, held from this seq (not applied to covered entries). */
  heldFrom?: ReadonlyMap<PeerId, number>;
}

export interface RosterResult {
  members: Map<PeerId, RosterMember>;
  /** State of every roster entry (join, retire, succeed) given. */
  states: Map<EntryId, EntryState>;
}

export type RosterEntry = EntryOf<'join'> | EntryOf<'retire'> | EntryOf<'succeed'>;

/** True for the kinds that change the roster. */
export function isRosterEntry(entry: Entry): entry is RosterEntry {
  return entry.kind === 'join' || entry.kind === 'retire' || entry.kind === 'succeed';
}

/** The roster from a genesis and roster entries sorted by (hlc, id). */
export function computeRoster(genesis: EntryOf<'book'>, entries: readonly RosterEntry[], rules: RosterRules = {}): RosterResult {
  let members = ownerOnly(genesis);
  let states = new Map<EntryId, EntryState>();
  const roundsMax = entries.length + 2;
  for (let round = 0; round < roundsMax; round++) {
    const next = step(genesis, entries, members, rules);
    states = next.states;
    const same = rosterKey(next.members) === rosterKey(members);
    members = next.members;
    if (same) break;
  }
  return { members, states };
}

function ownerOnly(genesis: EntryOf<'book'>): Map<PeerId, RosterMember> {
  return new Map([[genesis.peer, { peer: genesis.peer, name: genesis.peer, key: '', roles: [...ROLES], enrolledBy: genesis.id }]]);
}

interface Round {
  enrolled: Map<PeerId, EntryOf<'join'> | EntryOf<'succeed'>>;
  roleEvents: Map<PeerId, Role[]>;
  lastSeq: Map<PeerId, number>;
}

function step(genesis: EntryOf<'book'>, entries: readonly RosterEntry[], prev: Roster, rules: RosterRules): RosterResult {
  const round: Round = { enrolled: new Map(), roleEvents: new Map(), lastSeq: new Map() };
  const states = new Map<EntryId, EntryState>();
  for (const entry of entries) {
    const seal = rules.judgedBy?.(entry);
    const authority = seal ?? prev;
    const state = judge(genesis.peer, entry, authority, seal !== undefined, rules.heldFrom);
    states.set(entry.id, state);
    if (state.status === 'recorded') apply(entry, authority, round);
  }
  return { members: membersOf(genesis, round), states };
}

function judge(owner: PeerId, entry: RosterEntry, roster: Roster, covered: boolean, heldFrom?: ReadonlyMap<PeerId, number>): EntryState {
  const author = roster.get(entry.peer);
  if (author === undefined) return { status: 'pending', reason: 'author not enrolled' };
  if (!covered) {
    if (author.lastSeq !== undefined && entry.seq > author.lastSeq) {
      return { status: 'held', reason: 'retired', detail: `${entry.peer} was retired at seq ${author.lastSeq}` };
    }
    const from = heldFrom?.get(entry.peer);
    if (from !== undefined && entry.seq >= from) {
      return { status: 'held', reason: 'equivocation', detail: `${entry.peer} equivocated at seq ${from}` };
    }
  }
  const isOwner = author.roles.includes('owner');
  const mayEnrol = isOwner || author.roles.includes('enrol');
  const invalid = (reason: string): EntryState => ({ status: 'invalid', reason });
  if (entry.kind === 'join') {
    if (entry.body.device === owner) return invalid("the book owner's roles are fixed");
    if (!mayEnrol) return invalid('only the owner or an enrolling device may enrol devices');
    if (entry.body.roles.length > 0 && !isOwner) return invalid('only the owner may grant roles');
  } else if (entry.kind === 'retire') {
    if (!mayEnrol) return invalid('only the owner or an enrolling device may retire devices');
    const target = roster.get(entry.body.device);
    if (target !== undefined && target.roles.length > 0 && !isOwner) return invalid('only the owner may retire a device that holds a role');
  } else {
    const { from, to } = entry.body;
    if (from === to) return invalid('a device cannot succeed itself');
    if (to === owner) return invalid("the book owner's roles are fixed");
    const predecessor = roster.get(from);
    if (entry.peer !== from) {
      if (!mayEnrol) return invalid('only the device itself, the owner or an enrolling device may record a succession');
      if (predecessor !== undefined && predecessor.roles.length > 0 && !isOwner) return invalid('only the owner may move roles');
    }
    if (predecessor === undefined) return { status: 'pending', reason: 'the device it succeeds is not enrolled' };
  }
  return { status: 'recorded' };
}

function apply(entry: RosterEntry, roster: Roster, round: Round): void {
  const lower = (peer: PeerId, seq: number): void => {
    round.lastSeq.set(peer, Math.min(seq, round.lastSeq.get(peer) ?? Infinity));
  };
  if (entry.kind === 'join') {
    if (!round.enrolled.has(entry.body.device)) round.enrolled.set(entry.body.device, entry);
    // Entries come in (hlc, id) order, so the last role event set is the latest.
    if (roster.get(entry.peer)!.roles.includes('owner')) round.roleEvents.set(entry.body.device, entry.body.roles);
  } else if (entry.kind === 'retire') {
    lower(entry.body.device, entry.body.lastSeq);
  } else {
    lower(entry.body.from, entry.body.lastSeq);
    if (!round.enrolled.has(entry.body.to)) round.enrolled.set(entry.body.to, entry);
    round.roleEvents.set(entry.body.to, roster.get(entry.body.from)!.roles);
  }
}

function membersOf(genesis: EntryOf<'book'>, round: Round): Map<PeerId, RosterMember> {
  const members = ownerOnly(genesis);
  const owner = members.get(genesis.peer)!;
  const ownerLast = round.lastSeq.get(genesis.peer);
  if (ownerLast !== undefined) owner.lastSeq = ownerLast;
  const peers = [...round.enrolled.keys()].filter((peer) => peer !== genesis.peer).sort(compareStrings);
  for (const peer of peers) {
    const by = round.enrolled.get(peer)!;
    const granted = new Set(round.roleEvents.get(peer) ?? []);
    const member: RosterMember = {
      peer,
      name: by.body.name,
      key: by.body.key,
      roles: ROLES.filter((role) => granted.has(role)),
      enrolledBy: by.id,
    };
    const last = round.lastSeq.get(peer);
    if (last !== undefined) member.lastSeq = last;
    members.set(peer, member);
  }
  return members;
}

function rosterKey(members: Roster): string {
  return JSON.stringify([...members.values()].map((m) => [m.peer, m.roles, m.lastSeq ?? null, m.enrolledBy]));
}
