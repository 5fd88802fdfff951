/**
 * The simulator's only source of randomness: sfc32 (Chris Doty-Humphrey's Small
 * Fast Counter), seeded through splitmix32. It is tiny, fast, passes PractRand far
 * beyond what a simulation draws, and is the same on every platform, so one seed
 * always replays one run exactly.
 */

/** Seeds are unsigned 32-bit integers: short enough to type in a replay command. */
export type Seed = number;

export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** A generator for `seed` (any integer; taken modulo 2^32). */
  constructor(seed: Seed) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32: spreads a small seed over all four words of state.
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    // The first outputs of sfc32 are weakly mixed: skip them.
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** A uniform float in [0, 1). Never used for money: only for choices. */
  float(): number {
    return this.u32() / 4_294_967_296;
  }

  /** A uniform integer in [min, max], both inclusive. Asserts min <= max. */
  int(min: number, max: number): number {
    if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max) && min <= max)) throw new RangeError(`bad range ${min}..${max}`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A uniform element of a non-empty array; undefined for an empty one. */
  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.int(0, items.length - 1)];
  }

  /** An index chosen with probability proportional to its weight (weights >= 0, not all 0). */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i]!;
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }
}

/** nanoid's alphabet: what entry nonces are made of. */
export const NANOID_ALPHABET = 'useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict';
