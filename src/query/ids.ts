/**
 * Entry ids held compactly: 32 raw bytes each in a Uint32Array column, found again
 * through an open-addressing hash table of Int32 slots. A Map keyed by 64-char hex
 * strings costs about 120 bytes an entry at a million entries; this costs about 48.
 * Ids are turned back into hex strings only when an answer names them.
 */
import { Column } from './columns.ts';

const WORDS = 8;
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Value of each char code that is a lowercase hex digit, -1 for other codes below 128. */
const HEX_VALUE = Int8Array.from({ length: 128 }, (_, c) => '0123456789abcdef'.indexOf(String.fromCharCode(c)));
const EMPTY = -1;

/** An append-only set of entry ids, each with its dense index (0, 1, 2, ...). */
export class IdTable {
  readonly #words = new Column(Uint32Array, 1024 * WORDS);
  #slots = new Int32Array(2048).fill(EMPTY);
  #count = 0;
  readonly #scratch = new Uint32Array(WORDS);

  get size(): number {
    return this.#count;
  }

  /** The index of `id`, or -1 if it is not held (or is not a 64-char lowercase hex id). */
  indexOf(id: string): number {
    if (!parseHexId(id, this.#scratch, 0)) return -1;
    return this.#find(this.#scratch);
  }

  /**
   * Add `id` and return its new index. Programmer error (throws) if it is already
   * held or is not a 64-char lowercase hex id: callers check `indexOf` first.
   */
  add(id: string): number {
    const index = this.addIfNew(id);
    if (index === -1) throw new RangeError(`id already held: ${id}`);
    return index;
  }

  /** Add `id` and return its new index, or -1 when it is already held. Throws on a malformed id. */
  addIfNew(id: string): number {
    if (!parseHexId(id, this.#scratch, 0)) throw new RangeError(`not an entry id: ${id.slice(0, 80)}`);
    if (this.#find(this.#scratch) !== -1) return -1;
    const index = this.#count++;
    this.#words.grow((index + 1) * WORDS);
    this.#words.data.set(this.#scratch, index * WORDS);
    this.#words.length = (index + 1) * WORDS;
    if (this.#count * 2 > this.#slots.length) this.#rehash(this.#slots.length * 2);
    this.#place(index);
    return index;
  }

  /**
   * Make room for `count` ids in all, so that adding them grows and rehashes nothing
   * (a cold start knows how many it will add).
   */
  reserve(count: number): void {
    this.#words.grow(count * WORDS);
    let size = this.#slots.length;
    while (count * 2 > size) size *= 2;
    if (size > this.#slots.length) this.#rehash(size);
  }

  /** The hex id at `index`. */
  idAt(index: number): string {
    return wordsToHex(this.#words.data, index * WORDS);
  }

  /** The index of the id whose 8 words start at `offset` in `words`, or -1. */
  indexOfWords(words: Uint32Array, offset: number): number {
    this.#scratch.set(words.subarray(offset, offset + WORDS));
    return this.#find(this.#scratch);
  }

  /** Compare the ids at two indexes as their hex strings compare (-1, 0, 1). */
  compare(a: number, b: number): number {
    const words = this.#words.data;
    for (let w = 0; w < WORDS; w++) {
      const x = words[a * WORDS + w]!;
      const y = words[b * WORDS + w]!;
      if (x !== y) return x < y ? -1 : 1;
    }
    return 0;
  }

  get byteCapacity(): number {
    return this.#words.byteCapacity + this.#slots.byteLength;
  }

  #find(key: Uint32Array): number {
    const mask = this.#slots.length - 1;
    const words = this.#words.data;
    for (let slot = key[0]! & mask; ; slot = (slot + 1) & mask) {
      const index = this.#slots[slot]!;
      if (index === EMPTY) return -1;
      let same = true;
      for (let w = 0; w < WORDS && same; w++) same = words[index * WORDS + w] === key[w];
      if (same) return index;
    }
  }

  #place(index: number): void {
    const mask = this.#slots.length - 1;
    // The first word is already a uniform hash: ids are SHA-256 outputs.
    let slot = this.#words.data[index * WORDS]! & mask;
    while (this.#slots[slot] !== EMPTY) slot = (slot + 1) & mask;
    this.#slots[slot] = index;
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size).fill(EMPTY);
    for (let i = 0; i < this.#count; i++) this.#place(i);
  }
}

/** The 64 hex chars of the 8 words at `offset`. */
export function wordsToHex(words: Uint32Array, offset: number): string {
  let out = '';
  for (let w = offset; w < offset + WORDS; w++) {
    const x = words[w]!;
    out += BYTE_HEX[x >>> 24]! + BYTE_HEX[(x >>> 16) & 255]! + BYTE_HEX[(x >>> 8) & 255]! + BYTE_HEX[x & 255]!;
  }
  return out;
}

/**
 * Parse a 64-char lowercase hex id into 8 words at `offset` of `out`; false (and `out`
 * partly written) when `hex` is not one. One pass over the char codes: a regex test
 * and eight parseInt(slice) calls per id were a large share of a cold start.
 */
export function parseHexId(hex: string, out: Uint32Array, offset: number): boolean {
  if (hex.length !== 64) return false;
  for (let w = 0; w < WORDS; w++) {
    let word = 0;
    for (let i = w * 8; i < w * 8 + 8; i++) {
      const nibble = HEX_VALUE[hex.charCodeAt(i)] ?? -1;
      if (nibble < 0) return false;
      word = (word << 4) | nibble;
    }
    out[offset + w] = word;
  }
  return true;
}
