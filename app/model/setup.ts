/**
 * First start: this tablet either creates a new store book as its owner, or joins
 * one from a pairing link. Either way it ends with a stored identity and an open
 * runtime. The owner enrols other tablets (a `join` entry) and hands them a link.
 */
import { nanoid } from 'nanoid';
import { limits } from '../../src/core/limits.ts';
import type { BookId, PeerId, PeriodLength, Role } from '../../src/core/types.ts';
import { formatPairingLink, type Pairing } from '../../src/sync/pairing.ts';
import { businessDateAt } from './dates.ts';
import { makeId, writeIdentity, type DeviceIdentity, type KeyValue } from './identity.ts';
import { Runtime, type Outcome, type RuntimeOptions } from './runtime.ts';

export interface NewBookInput {
  storeName: string;
  currency: string;
  timezone: string;
  period: PeriodLength;
  deviceName: string;
  signaling: string[];
  hubs: string[];
}

/** Problems with the new-book form, by field; empty when it may be created. */
export function checkNewBook(input: NewBookInput): Record<string, string> {
  const problems: Record<string, string> = {};
  const name = input.storeName.trim();
  if (name === '') problems['storeName'] = 'Enter the store’s name.';
  else if (name.length > limits.nameCharsMax) problems['storeName'] = `At most ${limits.nameCharsMax} characters.`;
  if (!/^[A-Z]{3}$/.test(input.currency)) problems['currency'] = 'Enter a three-letter currency code, like EUR.';
  try {
    new Intl.DateTimeFormat('en', { timeZone: input.timezone });
  } catch {
    problems['timezone'] = `“${input.timezone}” is not a time zone this tablet knows (like Europe/Berlin).`;
  }
  const device = input.deviceName.trim();
  if (device === '' || device.length > limits.nameCharsMax) problems['deviceName'] = `Name this tablet (1 to ${limits.nameCharsMax} characters).`;
  return problems;
}

/** Create a book owned by this tablet: store the identity, open the runtime, write the genesis. */
export async function createBook(input: NewBookInput, store: KeyValue, options: RuntimeOptions = {}): Promise<Outcome<Runtime>> {
  const problems = Object.values(checkNewBook(input));
  if (problems.length > 0) return { ok: false, message: problems.join(' ') };
  const identity: DeviceIdentity = {
    book: makeId(input.storeName, nanoid(8)).slice(0, limits.bookIdCharsMax) as BookId,
    peer: makeId(input.deviceName, nanoid(8)) as PeerId,
    name: input.deviceName.trim(),
    secret: nanoid(24),
    signaling: input.signaling,
    hubs: input.hubs,
  };
  const runtime = await Runtime.open(identity, options);
  const clock = options.clock ?? (() => Date.now());
  const genesis = await runtime.append({
    kind: 'book',
    body: { name: input.storeName.trim(), currency: input.currency, timezone: input.timezone, period: input.period, windowDays: limits.windowDaysDefault },
    date: businessDateAt(input.timezone, clock()),
  });
  if (!genesis.ok) {
    await runtime.close();
    return genesis;
  }
  writeIdentity(store, identity);
  return { ok: true, value: runtime };
}

/** Join the book of a pairing link as the device it names (or a new id), and start syncing. */
export async function joinBook(pairing: Pairing, deviceName: string, store: KeyValue, options: RuntimeOptions = {}): Promise<Outcome<Runtime>> {
  const name = (pairing.name ?? deviceName).trim();
  if (name === '' || name.length > limits.nameCharsMax) return { ok: false, message: `Name this tablet (1 to ${limits.nameCharsMax} characters).` };
  const identity: DeviceIdentity = {
    book: pairing.book,
    peer: pairing.device ?? (makeId(name, nanoid(8)) as PeerId),
    name,
    secret: pairing.secret,
    signaling: pairing.signaling,
    hubs: pairing.hubs,
  };
  const runtime = await Runtime.open(identity, options);
  writeIdentity(store, identity);
  return { ok: true, value: runtime };
}

/**
 * Enrol a new tablet (owner or enrolling device): write its `join` and return the
 * pairing link that makes the tablet opening it that device.
 */
export async function enrolDevice(runtime: Runtime, name: string, roles: Role[], baseUrl: string): Promise<Outcome<string>> {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > limits.nameCharsMax) return { ok: false, message: `Name the new tablet (1 to ${limits.nameCharsMax} characters).` };
  const device = makeId(trimmed, nanoid(8)) as PeerId;
  const joined = await runtime.append({ kind: 'join', body: { device, name: trimmed, key: '', roles }, date: runtime.nowDate() });
  if (!joined.ok) return joined;
  return { ok: true, value: pairingLinkOf(runtime, baseUrl, { device, name: trimmed }) };
}

/** The pairing link of this tablet's book (optionally for one enrolled device). */
export function pairingLinkOf(runtime: Runtime, baseUrl: string, who: { device?: PeerId; name?: string } = {}): string {
  const { book, secret, signaling, hubs } = runtime.identity;
  const pairing: Pairing = { book, secret, signaling, hubs, ...who };
  return formatPairingLink(baseUrl, pairing);
}

/** The signaling URL of the hub that served this page (ws:// or wss:// of the same host). */
export function defaultSignaling(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signaling`;
}
