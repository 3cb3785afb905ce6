// Plain TypeScript reference implementations of the pq_* kernels, written for
// clarity, not speed: the differential tests compare the kernel against them.

// ---------------------------------------------------------------- snappy ---

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

/** Decompress a snappy block; throws on malformed input. */
export function snappyDecompressRef(src: Uint8Array): Uint8Array {
  let pos = 0;
  let n = 0;
  let shift = 0;
  for (;;) {
    if (pos >= src.length) throw new Error('truncated preamble');
    const b = src[pos++];
    n += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
    shift += 7;
    if (shift > 28) throw new Error('long preamble');
  }
  const out = new Uint8Array(n);
  let o = 0;
  while (pos < src.length) {
    const tag = src[pos++];
    const kind = tag & 3;
    if (kind === 0) {
      let len = (tag >> 2) + 1;
      if (len > 60) {
        const extra = len - 60;
        if (pos + extra > src.length) throw new Error('truncated literal length');
        len = 0;
        for (let j = 0; j < extra; j++) len += src[pos + j] * 2 ** (8 * j);
        len += 1;
        pos += extra;
      }
      if (pos + len > src.length || o + len > n) throw new Error('literal out of range');
      out.set(src.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let off: number;
    if (kind === 1) {
      if (pos + 1 > src.length) throw new Error('truncated copy');
      len = ((tag >> 2) & 7) + 4;
      off = ((tag >> 5) << 8) | src[pos];
      pos += 1;
    } else if (kind === 2) {
      if (pos + 2 > src.length) throw new Error('truncated copy');
      len = (tag >> 2) + 1;
      off = src[pos] | (src[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > src.length) throw new Error('truncated copy');
      len = (tag >> 2) + 1;
      off = (src[pos] | (src[pos + 1] << 8) | (src[pos + 2] << 16)) + src[pos + 3] * 2 ** 24;
      pos += 4;
    }
    if (off === 0 || off > o || o + len > n) throw new Error('copy out of range');
    for (let j = 0; j < len; j++) out[o + j] = out[o - off + j];
    o += len;
  }
  if (o !== n) throw new Error('short output');
  return out;
}

/**
 * A simple snappy encoder that uses every element kind (literal lengths in
 * 0-4 extra bytes, copy1/copy2/copy4, overlapping copies), driven by `choice`
 * (a random source) so tests cover shapes the real encoder rarely emits.
 */
export function snappyCompressRef(src: Uint8Array, choice: () => number = () => 0.5): Uint8Array {
  const out: number[] = [];
  varint(out, src.length);
  const literal = (a: number, b: number) => {
    const len = b - a;
    if (len === 0) return;
    const n = len - 1;
    if (n < 60 && choice() < 0.7) out.push(n << 2);
    else {
      const bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
      const extra = Math.max(bytes, Math.min(4, bytes + Math.floor(choice() * 2)));
      out.push((59 + extra) << 2);
      for (let j = 0; j < extra; j++) out.push(Math.floor(n / 2 ** (8 * j)) & 0xff);
    }
    for (let j = a; j < b; j++) out.push(src[j]);
  };
  const copy = (off: number, len: number) => {
    while (len > 0) {
      const l = Math.min(len, 64);
      const c = choice();
      if (l >= 4 && l <= 11 && off < 2048 && c < 0.4) {
        out.push(((off >> 8) << 5) | ((l - 4) << 2) | 1, off & 0xff);
      } else if (off < 65536 && c < 0.8) {
        out.push(((l - 1) << 2) | 2, off & 0xff, off >> 8);
      } else {
        out.push(((l - 1) << 2) | 3, off & 0xff, (off >> 8) & 0xff, (off >> 16) & 0xff, (off >>> 24) & 0xff);
      }
      len -= l;
    }
  };
  let i = 0;
  let lit = 0;
  while (i < src.length) {
    // Look back a little for the longest match (brute force; inputs are small).
    let best = 0;
    let bestOff = 0;
    const maxBack = Math.min(i, 1 + Math.floor(choice() * 64));
    for (let off = 1; off <= maxBack; off++) {
      let l = 0;
      while (i + l < src.length && src[i + l] === src[i - off + l]) l++;
      if (l > best) {
        best = l;
        bestOff = off;
      }
    }
    if (best >= 4) {
      literal(lit, i);
      copy(bestOff, best);
      i += best;
      lit = i;
    } else i++;
  }
  literal(lit, src.length);
  return Uint8Array.from(out);
}

// ------------------------------------------------------------------- LZ4 ---

export function lz4DecompressRef(src: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let ip = 0;
  let op = 0;
  const more = (v: number) => {
    for (;;) {
      if (ip >= src.length) throw new Error('truncated length');
      const b = src[ip++];
      v += b;
      if (b !== 255) return v;
    }
  };
  while (ip < src.length) {
    const token = src[ip++];
    let lit = token >> 4;
    if (lit === 15) lit = more(lit);
    if (ip + lit > src.length || op + lit > size) throw new Error('literal out of range');
    out.set(src.subarray(ip, ip + lit), op);
    ip += lit;
    op += lit;
    if (ip === src.length) break;
    if (ip + 2 > src.length) throw new Error('truncated offset');
    const off = src[ip] | (src[ip + 1] << 8);
    ip += 2;
    let len = (token & 15) + 4;
    if ((token & 15) === 15) len = more(len);
    if (off === 0 || off > op || op + len > size) throw new Error('match out of range');
    for (let j = 0; j < len; j++) out[op + j] = out[op - off + j];
    op += len;
  }
  if (op !== size) throw new Error('short output');
  return out;
}

/** A greedy LZ4 block encoder (the last 5 bytes are literals, as the format asks). */
export function lz4CompressRef(src: Uint8Array): Uint8Array {
  const out: number[] = [];
  const lenBytes = (v: number) => {
    while (v >= 255) {
      out.push(255);
      v -= 255;
    }
    out.push(v);
  };
  const seq = (litStart: number, litEnd: number, off: number, mlen: number) => {
    const lit = litEnd - litStart;
    const ml = mlen - 4;
    out.push((Math.min(lit, 15) << 4) | (mlen ? Math.min(ml, 15) : 0));
    if (lit >= 15) lenBytes(lit - 15);
    for (let j = litStart; j < litEnd; j++) out.push(src[j]);
    if (!mlen) return;
    out.push(off & 0xff, off >> 8);
    if (ml >= 15) lenBytes(ml - 15);
  };
  let i = 0;
  let lit = 0;
  const limit = src.length - 5;
  while (i < limit) {
    let best = 0;
    let bestOff = 0;
    for (let off = 1; off <= Math.min(i, 64); off++) {
      let l = 0;
      while (i + l < limit && src[i + l] === src[i - off + l]) l++;
      if (l > best) {
        best = l;
        bestOff = off;
      }
    }
    if (best >= 4) {
      seq(lit, i, bestOff, best);
      i += best;
      lit = i;
    } else i++;
  }
  seq(lit, src.length, 0, 0);
  return Uint8Array.from(out);
}

// ------------------------------------------------------------------- RLE ---

/** Decode n values of the RLE/bit-packed hybrid; throws when the input ends early. */
export function rleDecodeRef(src: Uint8Array, bw: number, n: number): { values: number[]; consumed: number } {
  const values: number[] = [];
  if (bw === 0) return { values: new Array(n).fill(0), consumed: 0 };
  let pos = 0;
  const byteW = (bw + 7) >> 3;
  while (values.length < n) {
    let h = 0;
    let shift = 0;
    for (;;) {
      if (pos >= src.length) throw new Error('truncated header');
      const b = src[pos++];
      h += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
      shift += 7;
      if (shift > 28) throw new Error('long header');
    }
    if (h > 0xffffffff) throw new Error('header exceeds 32 bits');
    const count = Math.floor(h / 2);
    if (h % 2) {
      const take = Math.min(count * 8, n - values.length);
      if (Math.ceil((take * bw) / 8) > src.length - pos) throw new Error('truncated bit-packed run');
      for (let j = 0; j < take; j++) {
        // Gather the value's bits from up to 5 bytes, LSB first.
        const bit = j * bw;
        let v = 0;
        let got = 0;
        let byte = pos + (bit >> 3);
        let skip = bit & 7;
        while (got < bw) {
          const take8 = Math.min(8 - skip, bw - got);
          v += ((src[byte] >> skip) & ((1 << take8) - 1)) * 2 ** got;
          got += take8;
          skip = 0;
          byte++;
        }
        values.push(v);
      }
      pos += Math.min(count * bw, src.length - pos);
    } else {
      if (pos + byteW > src.length) throw new Error('truncated run value');
      let v = 0;
      for (let j = 0; j < byteW; j++) v += src[pos + j] * 2 ** (8 * j);
      pos += byteW;
      const take = Math.min(count, n - values.length);
      for (let j = 0; j < take; j++) values.push(v);
    }
  }
  return { values, consumed: pos };
}

/**
 * Encode with random run choices (any valid mix of RLE runs and bit-packed
 * groups), so decoder tests see shapes other encoders produce.
 */
export function rleEncodeRef(values: readonly number[], bw: number, choice: () => number = () => 0.5): Uint8Array {
  const out: number[] = [];
  const byteW = (bw + 7) >> 3;
  let i = 0;
  while (i < values.length) {
    let r = 1;
    while (i + r < values.length && values[i + r] === values[i]) r++;
    if (r >= 2 && choice() < 0.6) {
      const take = Math.max(1, Math.min(r, Math.floor(choice() * r) + 1));
      varint(out, take * 2);
      for (let j = 0; j < byteW; j++) out.push(Math.floor(values[i] / 2 ** (8 * j)) & 0xff);
      i += take;
    } else {
      const groups = 1 + Math.floor(choice() * 3);
      varint(out, groups * 2 + 1);
      // Append each value's bw bits LSB first; acc holds < 8 pending bits.
      let acc = 0;
      let nbits = 0;
      for (let j = 0; j < groups * 8; j++) {
        let v = i + j < values.length ? values[i + j] : 0;
        let left = bw;
        while (left > 0) {
          const take = Math.min(8 - nbits, left);
          acc |= (v % 2 ** take) << nbits;
          v = Math.floor(v / 2 ** take);
          nbits += take;
          left -= take;
          if (nbits === 8) {
            out.push(acc);
            acc = 0;
            nbits = 0;
          }
        }
      }
      i += groups * 8;
    }
  }
  return Uint8Array.from(out);
}

// ----------------------------------------------------------------- thrift ---

/** A Thrift compact writer for the few shapes page headers use. */
export class CompactWriter {
  readonly bytes: number[] = [];
  #last: number[] = [0];

  #uleb(v: bigint): void {
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  #field(id: number, type: number): void {
    const last = this.#last[this.#last.length - 1];
    const d = id - last;
    if (d > 0 && d <= 15) this.bytes.push((d << 4) | type);
    else {
      this.bytes.push(type);
      this.#uleb(BigInt(id < 0 ? -2 * id - 1 : 2 * id));
    }
    this.#last[this.#last.length - 1] = id;
  }
  int(id: number, v: number | bigint, type: 5 | 6 = 5): this {
    this.#field(id, type);
    const b = BigInt(v);
    this.#uleb(b >= 0n ? b * 2n : -b * 2n - 1n);
    return this;
  }
  bool(id: number, v: boolean): this {
    this.#field(id, v ? 1 : 2);
    return this;
  }
  binary(id: number, v: Uint8Array): this {
    this.#field(id, 8);
    this.#uleb(BigInt(v.length));
    this.bytes.push(...v);
    return this;
  }
  double(id: number, v: number): this {
    this.#field(id, 7);
    const b = new Uint8Array(new Float64Array([v]).buffer);
    this.bytes.push(...b);
    return this;
  }
  listI32(id: number, vs: number[]): this {
    this.#field(id, 9);
    if (vs.length < 15) this.bytes.push((vs.length << 4) | 5);
    else {
      this.bytes.push(0xf5);
      this.#uleb(BigInt(vs.length));
    }
    for (const v of vs) this.#uleb(BigInt(v >= 0 ? 2 * v : -2 * v - 1));
    return this;
  }
  begin(id: number): this {
    this.#field(id, 12);
    this.#last.push(0);
    return this;
  }
  end(): this {
    this.bytes.push(0);
    this.#last.pop();
    return this;
  }
  /** Close the top-level struct and return its bytes. */
  finish(): Uint8Array {
    return Uint8Array.from([...this.bytes, 0]);
  }
}

// ---------------------------------------------------------------- values ---

/** Row-aligned fixed-width decode: dense values spread to valid rows, nulls zeroed. */
export function spreadRef(dense: Uint8Array, width: number, validity: Uint8Array | null, nRows: number): Uint8Array {
  const out = new Uint8Array(nRows * width);
  let j = 0;
  for (let i = 0; i < nRows; i++) {
    if (validity && !validity[i]) continue;
    out.set(dense.subarray(j * width, (j + 1) * width), i * width);
    j++;
  }
  return out;
}

/** BYTE_STREAM_SPLIT encode (the decoder's inverse). */
export function byteStreamSplitRef(dense: Uint8Array, width: number): Uint8Array {
  const n = dense.length / width;
  const out = new Uint8Array(dense.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < width; b++) out[b * n + i] = dense[i * width + b];
  return out;
}

/** PLAIN booleans: bit-packed, LSB first. */
export function packBoolsRef(values: readonly number[]): Uint8Array {
  const out = new Uint8Array((values.length + 7) >> 3);
  values.forEach((v, i) => {
    if (v) out[i >> 3] |= 1 << (i & 7);
  });
  return out;
}

/** PLAIN byte arrays: u32 length + bytes each. */
export function plainByteArraysRef(values: readonly Uint8Array[]): Uint8Array {
  const total = values.reduce((s, v) => s + 4 + v.length, 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  let p = 0;
  for (const v of values) {
    dv.setUint32(p, v.length, true);
    out.set(v, p + 4);
    p += 4 + v.length;
  }
  return out;
}

/** INT96 (ns of day, Julian day) -> epoch ns. */
export function int96ToNsRef(bytes: Uint8Array): bigint {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, 12);
  const nanos = dv.getBigInt64(0, true);
  const day = BigInt(dv.getInt32(8, true));
  return BigInt.asIntN(64, (day - 2440588n) * 86400000000000n + nanos);
}

/** Multiply then floor-divide, with i64 wrap on the multiply (as the kernel). */
export function rescaleRef(v: bigint, mul: bigint, div: bigint): bigint {
  const m = BigInt.asIntN(64, v * mul);
  let q = m / div;
  if (m % div !== 0n && m < 0n) q -= 1n;
  return q;
}
