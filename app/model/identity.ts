/**
 * Which book this tablet keeps, as who, and where its peers are: written once at
 * first start (creating a book, or opening a pairing link) and read at every start.
 * Kept in localStorage: it is small, and it must be known before the journal (named
 * after the book) can be opened. What is read back is checked like any input.
 */
import { checkId, checkPeerId } from '../../src/core/validate-fields.ts';
import { limits } from '../../src/core/limits.ts';
import type { BookId, PeerId } from '../../src/core/types.ts';

export const IDENTITY_KEY = 'daybook:device';

export interface DeviceIdentity {
  book: BookId;
  peer: PeerId;
  /** This device's display name. */
  name: string;
  /** The book secret (y-webrtc room password). */
  secret: string;
  signaling: string[];
  hubs: string[];
}

/** The part of the Storage API used here (localStorage, or a Map-backed stand-in in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The stored identity, or undefined when there is none or it is unreadable (first start). */
export function readIdentity(store: KeyValue): DeviceIdentity | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(store.getItem(IDENTITY_KEY) ?? 'null');
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  if (checkId(o['book'], 'book', 'book', limits.bookIdCharsMax) !== undefined) return undefined;
  if (checkPeerId(o['peer'], 'peer', 'peer') !== undefined) return undefined;
  if (typeof o['name'] !== 'string' || typeof o['secret'] !== 'string') return undefined;
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((s) => typeof s === 'string') ? v : undefined);
  const signaling = strings(o['signaling']);
  const hubs = strings(o['hubs']);
  if (signaling === undefined || hubs === undefined) return undefined;
  return { book: o['book'] as BookId, peer: o['peer'] as PeerId, name: o['name'], secret: o['secret'], signaling, hubs };
}

/** Store the identity. */
export function writeIdentity(store: KeyValue, identity: DeviceIdentity): void {
  store.setItem(IDENTITY_KEY, JSON.stringify(identity));
}

/** An id (book or device) from a readable prefix and random characters: letters, digits, "-" and "_" only. */
export function makeId(prefix: string, random: string): string {
  const slug = prefix
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase()
    .slice(0, 24);
  return `${slug === '' ? 'x' : slug}-${random.replace(/[^A-Za-z0-9_-]/g, '')}`.slice(0, limits.peerIdCharsMax);
}
