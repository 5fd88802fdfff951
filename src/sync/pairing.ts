/**
 * The pairing link: how a tablet learns which book to keep and where to find its
 * peers. The owner's tablet (or a hub, for a book nobody has created yet) shows it
 * as a link or QR code; the new tablet opens it.
 *
 *   https://host/#pair=<base64url of UTF-8 JSON>
 *   JSON: {"v":1,"book":"…","secret":"…","signaling":["ws://…"],"hubs":["ws://…"],
 *          "device":"…","name":"…"}
 *
 * `device` and `name` are optional: when the owner enrolled the device before making
 * the link, the link carries the id it enrolled, and the new tablet takes that id.
 * The link lives in the URL fragment, so the secret never reaches a server's logs.
 * Parsing never throws: bad input is a typed refusal with a reason a person can act on.
 */
import { checkId, checkPeerId } from '../core/validate-fields.ts';
import { limits } from '../core/limits.ts';
import type { BookId, PeerId } from '../core/types.ts';

/** Bounds of a pairing link, so a hostile link cannot cost a tablet much. */
export const pairingLimits = {
  /** Characters of a whole link. */
  linkCharsMax: 4096,
  /** Characters of the book secret (y-webrtc room password). */
  secretCharsMin: 8,
  secretCharsMax: 128,
  /** URLs in `signaling` and in `hubs`, each. */
  urlsMax: 8,
  urlCharsMax: 512,
} as const;

export const PAIRING_VERSION = 1;

export interface Pairing {
  book: BookId;
  secret: string;
  /** y-webrtc signaling servers (ws:// or wss://). */
  signaling: string[];
  /** Hub sync endpoints (ws:// or wss://), possibly none. */
  hubs: string[];
  /** The device id the owner enrolled for the tablet that opens the link. */
  device?: PeerId;
  /** That device's display name. */
  name?: string;
}

export type PairingRefusalCode = 'not-a-link' | 'too-long' | 'bad-encoding' | 'bad-version' | 'bad-field';

export interface PairingRefusal {
  code: PairingRefusalCode;
  message: string;
}

export type PairingResult = { ok: true; value: Pairing } | { ok: false; refusal: PairingRefusal };

const FRAGMENT = /[#&]pair=([A-Za-z0-9_-]+)/;

/** `base` (a page URL, without fragment) with the pairing in its fragment. */
export function formatPairingLink(base: string, pairing: Pairing): string {
  const json: Record<string, unknown> = { v: PAIRING_VERSION, book: pairing.book, secret: pairing.secret, signaling: pairing.signaling, hubs: pairing.hubs };
  if (pairing.device !== undefined) json['device'] = pairing.device;
  if (pairing.name !== undefined) json['name'] = pairing.name;
  const cut = base.indexOf('#');
  return `${cut < 0 ? base : base.slice(0, cut)}#pair=${toBase64Url(new TextEncoder().encode(JSON.stringify(json)))}`;
}

/**
 * Read a pairing from a link (or a bare fragment `#pair=…`, or the code alone).
 * Never throws: anything that is not a complete, well-formed pairing is refused
 * with a reason.
 */
export function parsePairingLink(link: unknown): PairingResult {
  if (typeof link !== 'string' || link.trim() === '') return refuse('not-a-link', 'Paste the pairing link shown on the manager’s tablet.');
  const text = link.trim();
  if (text.length > pairingLimits.linkCharsMax) return refuse('too-long', `The link is ${text.length} characters long; a pairing link has at most ${pairingLimits.linkCharsMax}.`);
  const code = FRAGMENT.exec(text)?.[1] ?? (/^[A-Za-z0-9_-]+$/.test(text) ? text : undefined);
  if (code === undefined) return refuse('not-a-link', 'This is not a pairing link: it has no “#pair=” part.');
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(code)));
  } catch {
    return refuse('bad-encoding', 'The pairing link is damaged (it may have been cut short when copied).');
  }
  return readPairing(json);
}

function readPairing(json: unknown): PairingResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return refuse('bad-encoding', 'The pairing link is damaged: it holds no pairing.');
  const o = json as Record<string, unknown>;
  if (o['v'] !== PAIRING_VERSION) return refuse('bad-version', `This pairing link is of version ${String(o['v'])}; this app reads version ${PAIRING_VERSION}. Update the app or make a new link.`);
  const bookProblem = checkId(o['book'], 'book', 'The book id', limits.bookIdCharsMax);
  if (bookProblem !== undefined) return refuse('bad-field', bookProblem.message);
  const secret = o['secret'];
  if (typeof secret !== 'string' || secret.length < pairingLimits.secretCharsMin || secret.length > pairingLimits.secretCharsMax) {
    return refuse('bad-field', `The book secret must be ${pairingLimits.secretCharsMin} to ${pairingLimits.secretCharsMax} characters.`);
  }
  const signaling = readUrls(o['signaling'], 'signaling server');
  if (!Array.isArray(signaling)) return signaling;
  const hubs = readUrls(o['hubs'] ?? [], 'hub');
  if (!Array.isArray(hubs)) return hubs;
  if (signaling.length === 0 && hubs.length === 0) return refuse('bad-field', 'The link names no signaling server and no hub: the tablet could not find its peers.');
  const pairing: Pairing = { book: o['book'] as BookId, secret, signaling, hubs };
  if (o['device'] !== undefined) {
    const problem = checkPeerId(o['device'], 'device', 'The device id');
    if (problem !== undefined) return refuse('bad-field', problem.message);
    pairing.device = o['device'] as PeerId;
  }
  if (o['name'] !== undefined) {
    if (typeof o['name'] !== 'string' || o['name'].length === 0 || o['name'].length > limits.nameCharsMax) {
      return refuse('bad-field', `The device name must be 1 to ${limits.nameCharsMax} characters.`);
    }
    pairing.name = o['name'];
  }
  return { ok: true, value: pairing };
}

function readUrls(value: unknown, label: string): string[] | PairingResult {
  if (!Array.isArray(value)) return refuse('bad-field', `The ${label} list is missing.`);
  if (value.length > pairingLimits.urlsMax) return refuse('bad-field', `The link names ${value.length} ${label}s; at most ${pairingLimits.urlsMax} are allowed.`);
  const out: string[] = [];
  for (const url of value) {
    if (typeof url !== 'string' || url.length > pairingLimits.urlCharsMax || !isWebSocketUrl(url)) {
      return refuse('bad-field', `A ${label} address must be a ws:// or wss:// URL of at most ${pairingLimits.urlCharsMax} characters.`);
    }
    out.push(url);
  }
  return out;
}

function isWebSocketUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function refuse(code: PairingRefusalCode, message: string): PairingResult {
  return { ok: false, refusal: { code, message } };
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Throws on characters outside base64url (callers catch). */
function fromBase64Url(text: string): Uint8Array {
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(padded);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
