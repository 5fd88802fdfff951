/**
 * The byte primitives of the frame format: unsigned varints (LEB128, at most 5
 * bytes, so values below 2^32), length-prefixed UTF-8 strings and byte strings.
 *
 * The reader never throws and never reads past its input: every read returns
 * undefined once anything is wrong, and `problem` says what went wrong first, so a
 * decoder can read a whole frame and check once at the end.
 */

/** Largest value a varint here may hold: 2^32 - 1. */
export const VARUINT_MAX = 0xffff_ffff;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Why a read failed. */
export type ReadProblem = 'truncated' | 'bad-varint' | 'bad-utf8' | 'too-long';

/** A growable byte buffer. Writing a value out of range is a programmer error (throws RangeError). */
export class ByteWriter {
  private buffer: Uint8Array;
  private length = 0;

  constructor(capacity = 256) {
    this.buffer = new Uint8Array(capacity);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`u8 out of range: ${value}`);
    this.reserve(1);
    this.buffer[this.length++] = value;
    return this;
  }

  varuint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > VARUINT_MAX) throw new RangeError(`varuint out of range: ${value}`);
    this.reserve(5);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buffer[this.length++] = rest;
    return this;
  }

  /** Length-prefixed bytes. */
  bytes(value: Uint8Array): this {
    this.varuint(value.byteLength);
    return this.raw(value);
  }

  /** Length-prefixed UTF-8 of a well-formed string. */
  string(value: string): this {
    return this.bytes(encoder.encode(value));
  }

  /** Bytes with no length prefix. */
  raw(value: Uint8Array): this {
    this.reserve(value.byteLength);
    this.buffer.set(value, this.length);
    this.length += value.byteLength;
    return this;
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(more: number): void {
    if (this.length + more <= this.buffer.byteLength) return;
    const next = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + more));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }
}

/** Bytes of the varint encoding of `value`. */
export function varuintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/** UTF-8 byte length of a string, without allocating. Lone surrogates count 3, as TextEncoder writes them. */
export function utf8Size(text: string): number {
  let size = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) size += 1;
    else if (c < 0x800) size += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      size += 4;
      i++;
    } else size += 3;
  }
  return size;
}

/** A cursor over untrusted bytes. Never throws; see the module comment. */
export class ByteReader {
  private offset = 0;
  problem: ReadProblem | undefined;

  constructor(private readonly input: Uint8Array) {}

  /** Bytes not read yet. */
  get remaining(): number {
    return this.input.byteLength - this.offset;
  }

  u8(): number | undefined {
    if (this.problem !== undefined) return undefined;
    if (this.offset >= this.input.byteLength) return this.fail('truncated');
    return this.input[this.offset++];
  }

  /** A varint of at most 5 bytes with a value below 2^32, in its shortest form. */
  varuint(): number | undefined {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const byte = this.u8();
      if (byte === undefined) return undefined;
      value += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        // A trailing zero byte would give one value two encodings.
        if (i > 0 && byte === 0) return this.fail('bad-varint');
        return value <= VARUINT_MAX ? value : this.fail('bad-varint');
      }
      scale *= 0x80;
    }
    return this.fail('bad-varint');
  }

  /** Length-prefixed bytes of at most `maxBytes` (a view into the input, not a copy). */
  bytes(maxBytes: number): Uint8Array | undefined {
    const length = this.varuint();
    if (length === undefined) return undefined;
    if (length > maxBytes) return this.fail('too-long');
    return this.take(length);
  }

  /** Length-prefixed UTF-8 text of at most `maxBytes` bytes, strictly decoded. */
  string(maxBytes: number): string | undefined {
    const bytes = this.bytes(maxBytes);
    if (bytes === undefined) return undefined;
    try {
      return strictDecoder.decode(bytes);
    } catch {
      return this.fail('bad-utf8');
    }
  }

  /** Exactly `length` raw bytes. */
  take(length: number): Uint8Array | undefined {
    if (this.problem !== undefined) return undefined;
    if (length > this.remaining) return this.fail('truncated');
    const out = this.input.subarray(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  private fail(problem: ReadProblem): undefined {
    this.problem ??= problem;
    return undefined;
  }
}
