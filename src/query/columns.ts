/**
 * Growable typed-array columns: the memory layout of the query store.
 *
 * A million entries held as objects cost about a kilobyte each and a sum over them
 * chases pointers; the same facts as parallel typed arrays cost a few bytes a field
 * and scan at memory speed (DESIGN.md, "In-memory queries"). Columns grow by doubling,
 * so appending stays amortised O(1) and the wasted tail is at most half a column.
 */

type TypedArray = Int32Array | Float64Array | Uint8Array | Uint16Array | Uint32Array;
type TypedArrayConstructor<T extends TypedArray> = new (length: number) => T;

const INITIAL_CAPACITY = 1024;

/** A typed array with a length, grown by doubling. Reads past `length` are a programmer error. */
export class Column<T extends TypedArray> {
  /** The backing array; its valid part is `[0, length)`. Re-read after any push: growth replaces it. */
  data: T;
  length = 0;
  readonly #make: TypedArrayConstructor<T>;

  constructor(make: TypedArrayConstructor<T>, capacity = INITIAL_CAPACITY) {
    this.#make = make;
    this.data = new make(Math.max(1, capacity));
  }

  /** Append one value; returns its index. */
  push(value: number): number {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length] = value;
    return this.length++;
  }

  /** Make room for at least `capacity` values without changing `length`. */
  grow(capacity: number): void {
    if (capacity <= this.data.length) return;
    let size = this.data.length;
    while (size < capacity) size *= 2;
    const next = new this.#make(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** Bytes reserved by the backing array (for memory figures). */
  get byteCapacity(): number {
    return this.data.byteLength;
  }
}

export function int32Column(capacity?: number): Column<Int32Array> {
  return new Column(Int32Array, capacity);
}

export function float64Column(capacity?: number): Column<Float64Array> {
  return new Column(Float64Array, capacity);
}

export function uint8Column(capacity?: number): Column<Uint8Array> {
  return new Column(Uint8Array, capacity);
}

export function uint16Column(capacity?: number): Column<Uint16Array> {
  return new Column(Uint16Array, capacity);
}
