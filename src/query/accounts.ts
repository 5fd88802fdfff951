/**
 * String interning: each distinct account (or author) name gets a small integer, so
 * postings can store an Int32 index instead of a string pointer, and sums by account
 * index into a Float64Array instead of a Map.
 */

/** A name ⇄ index table. Indexes are dense, start at 0 and never change. */
export class Interner {
  readonly #index = new Map<string, number>();
  readonly #names: string[] = [];

  /** The index of `name`, assigning the next one when it is new. */
  intern(name: string): number {
    let index = this.#index.get(name);
    if (index === undefined) {
      index = this.#names.length;
      this.#index.set(name, index);
      this.#names.push(name);
    }
    return index;
  }

  /** The index of `name`, or undefined if it was never interned. */
  get(name: string): number | undefined {
    return this.#index.get(name);
  }

  /** The name at `index`. Throws on an index this interner never gave out (a programmer error). */
  name(index: number): string {
    const name = this.#names[index];
    if (name === undefined) throw new RangeError(`no name at index ${index}`);
    return name;
  }

  get size(): number {
    return this.#names.length;
  }

  /** All names, in index order. */
  names(): readonly string[] {
    return this.#names;
  }
}
