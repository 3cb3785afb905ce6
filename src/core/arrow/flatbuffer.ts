// A bounds-checked reader for untrusted FlatBuffers (the Arrow IPC metadata):
// every table, vtable, vector and string is checked to lie inside the buffer
// before it is read, and a failure names the absolute byte offset.

/** Thrown inside the checker only; turned into an `invalid_arrow` error at its boundary. */
export class FbError extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.name = 'FbError';
    this.offset = offset;
  }
}

export interface FbTable {
  readonly pos: number;
  readonly vt: number;
  readonly vtSize: number;
  readonly inlineSize: number;
}

export interface FbVector {
  /** Position of the first element. */
  readonly start: number;
  readonly length: number;
}

const TWO_32 = 4294967296;

export class FbReader {
  readonly bytes: Uint8Array;
  /** Absolute offset of `bytes[0]` in the input, for error messages. */
  readonly base: number;
  readonly what: string;
  readonly #dv: DataView;

  constructor(bytes: Uint8Array, base: number, what: string) {
    this.bytes = bytes;
    this.base = base;
    this.what = what;
    this.#dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  fail(pos: number, message: string): never {
    throw new FbError(this.base + pos, `${this.what}: ${message} (byte ${this.base + pos})`);
  }

  #need(pos: number, size: number, what: string): void {
    if (!(pos >= 0 && pos + size <= this.bytes.length)) this.fail(pos, `${what} lies outside the ${this.bytes.length}-byte flatbuffer`);
  }

  u8(pos: number): number {
    this.#need(pos, 1, 'a byte');
    return this.bytes[pos];
  }
  i16(pos: number): number {
    this.#need(pos, 2, 'a short');
    return this.#dv.getInt16(pos, true);
  }
  u16(pos: number): number {
    this.#need(pos, 2, 'a short');
    return this.#dv.getUint16(pos, true);
  }
  i32(pos: number): number {
    this.#need(pos, 4, 'an int');
    return this.#dv.getInt32(pos, true);
  }
  u32(pos: number): number {
    this.#need(pos, 4, 'an int');
    return this.#dv.getUint32(pos, true);
  }
  /** An int64 as a number (exact up to 2^53; beyond, still far past any bound we check). */
  i64(pos: number): number {
    this.#need(pos, 8, 'a long');
    return this.#dv.getInt32(pos + 4, true) * TWO_32 + this.#dv.getUint32(pos, true);
  }

  /** The table at `pos` (its vtable checked). */
  table(pos: number, what: string): FbTable {
    this.#need(pos, 4, what);
    const vt = pos - this.i32(pos);
    if (vt < 0 || vt + 4 > this.bytes.length) this.fail(pos, `the vtable of ${what} lies outside the flatbuffer`);
    const vtSize = this.u16(vt);
    const inlineSize = this.u16(vt + 2);
    if (vtSize < 4 || vtSize % 2 !== 0 || vt + vtSize > this.bytes.length) this.fail(vt, `the vtable of ${what} has a bad size ${vtSize}`);
    if (inlineSize < 4 || pos + inlineSize > this.bytes.length) this.fail(pos, `${what} (${inlineSize} bytes) lies outside the flatbuffer`);
    return { pos, vt, vtSize, inlineSize };
  }

  /** The root table (the uoffset at position 0). */
  root(what: string): FbTable {
    return this.table(this.u32(0), what);
  }

  /** Position of field `i` of table `t`, or 0 when absent. */
  field(t: FbTable, i: number, size: number): number {
    const slot = 4 + 2 * i;
    if (slot + 2 > t.vtSize) return 0;
    const fo = this.u16(t.vt + slot);
    if (fo === 0) return 0;
    if (fo + size > t.inlineSize) this.fail(t.pos, `field ${i} (offset ${fo}) lies outside its ${t.inlineSize}-byte table`);
    return t.pos + fo;
  }

  fieldU8(t: FbTable, i: number, dflt: number): number {
    const p = this.field(t, i, 1);
    return p === 0 ? dflt : this.u8(p);
  }
  fieldI16(t: FbTable, i: number, dflt: number): number {
    const p = this.field(t, i, 2);
    return p === 0 ? dflt : this.i16(p);
  }
  fieldI32(t: FbTable, i: number, dflt: number): number {
    const p = this.field(t, i, 4);
    return p === 0 ? dflt : this.i32(p);
  }
  fieldI64(t: FbTable, i: number, dflt: number): number {
    const p = this.field(t, i, 8);
    return p === 0 ? dflt : this.i64(p);
  }

  /** Target of the offset field `i`, or -1 when absent. */
  ref(t: FbTable, i: number): number {
    const p = this.field(t, i, 4);
    if (p === 0) return -1;
    const target = p + this.u32(p);
    if (target >= this.bytes.length) this.fail(p, `field ${i} points past the end of the flatbuffer`);
    return target;
  }

  /** The sub-table in field `i`, or null. */
  fieldTable(t: FbTable, i: number, what: string): FbTable | null {
    const p = this.ref(t, i);
    return p < 0 ? null : this.table(p, what);
  }

  /** A vector of `elemSize`-byte elements in field `i` (empty when absent). */
  vector(t: FbTable, i: number, elemSize: number, what: string): FbVector {
    const p = this.ref(t, i);
    if (p < 0) return { start: 0, length: 0 };
    const n = this.u32(p);
    if (p + 4 + n * elemSize > this.bytes.length) this.fail(p, `${what} (${n} elements) runs past the end of the flatbuffer`);
    return { start: p + 4, length: n };
  }

  /** Element `k` of a vector of tables. */
  vectorTable(v: FbVector, k: number, what: string): FbTable {
    const p = v.start + 4 * k;
    return this.table(p + this.u32(p), what);
  }

  /** The string in field `i` ('' when absent), checked, its first `max` bytes decoded (for messages). */
  text(t: FbTable, i: number, what: string, max = 64): string {
    const n = this.string(t, i, what);
    if (n <= 0) return '';
    const p = this.ref(t, i) + 4;
    return new TextDecoder().decode(this.bytes.subarray(p, p + Math.min(n, max)));
  }

  /** Checks the string in field `i` lies inside the buffer; returns its length (-1 when absent). */
  string(t: FbTable, i: number, what: string): number {
    const p = this.ref(t, i);
    if (p < 0) return -1;
    const n = this.u32(p);
    if (p + 4 + n > this.bytes.length) this.fail(p, `${what} (${n} bytes) runs past the end of the flatbuffer`);
    return n;
  }
}
