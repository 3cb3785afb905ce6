// Plain-TypeScript reference for the feature-vector codec (format version 1,
// documented at the top of assembly/codec.ts). Written independently of the
// kernel: it builds rows from JS values with a DataView and parses them back
// with the same checks, in the same order, so statuses can be compared.
import type { FeatureValue, FieldType, RowValues } from '../../src/kernel/codec.ts';

export type RefDecoded =
  | { ok: true; eventTs: bigint; createdTs: bigint | null; values: FeatureValue[] }
  | { ok: false; status: 'TRUNCATED' | 'BAD_VERSION' | 'BAD_ARGUMENT'; reason: string | undefined; field: number | undefined };

const NULL_TS = -(2n ** 63n);

type Scalar = 'bool' | 'int32' | 'int64' | 'float32' | 'float64' | 'unix_timestamp' | 'string' | 'bytes';

const listOf = (t: FieldType): Scalar | null => (t.startsWith('list<') ? (t.slice(5, -1) as Scalar) : null);
const isVariable = (t: FieldType): boolean => t === 'string' || t === 'bytes' || listOf(t) !== null;
const elementBytes = (e: Scalar): number => ({ bool: 1, int32: 4, float32: 4, int64: 8, float64: 8, unix_timestamp: 8, string: 0, bytes: 0 })[e];

class Writer {
  bytes: number[] = [];
  u8(x: number): void {
    this.bytes.push(x & 0xff);
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.bytes.push(x);
  }
  le(n: number, f: (v: DataView) => void): void {
    const v = new DataView(new ArrayBuffer(n));
    f(v);
    this.raw(new Uint8Array(v.buffer));
  }
  uleb(x: number): void {
    do {
      let b = x & 0x7f;
      x = Math.floor(x / 128);
      if (x > 0) b |= 0x80;
      this.u8(b);
    } while (x > 0);
  }
}

function payload(t: FieldType, v: FeatureValue): Uint8Array {
  const w = new Writer();
  if (t === 'string') w.raw(new TextEncoder().encode(v as string));
  else if (t === 'bytes') w.raw(v as Uint8Array);
  else {
    const e = listOf(t)!;
    for (const x of v as readonly unknown[]) {
      switch (e) {
        case 'bool': w.u8(x ? 1 : 0); break;
        case 'int32': w.le(4, (d) => d.setInt32(0, x as number, true)); break;
        case 'float32': w.le(4, (d) => d.setFloat32(0, x as number, true)); break;
        case 'float64': w.le(8, (d) => d.setFloat64(0, x as number, true)); break;
        case 'int64':
        case 'unix_timestamp': w.le(8, (d) => d.setBigInt64(0, BigInt(x as bigint), true)); break;
        case 'string':
        case 'bytes': {
          const b = typeof x === 'string' ? new TextEncoder().encode(x) : (x as Uint8Array);
          w.uleb(b.length);
          w.raw(b);
        }
      }
    }
  }
  return Uint8Array.from(w.bytes);
}

/** Encode one row of JS values (values must already fit their types). */
export function refEncode(types: readonly FieldType[], row: RowValues): Uint8Array {
  const event = BigInt(row.eventTs);
  // i64 min is the null created timestamp.
  const created = row.createdTs == null || BigInt(row.createdTs) === NULL_TS ? null : BigInt(row.createdTs);
  let fc = 0;
  row.values.forEach((v, i) => {
    if (v !== null && v !== undefined) fc = i + 1;
  });
  const codes: number[] = [];
  const fixed = new Writer();
  const payloads: Uint8Array[] = [];
  for (let f = 0; f < fc; f++) {
    const t = types[f];
    const v = row.values[f];
    if (v === null || v === undefined) {
      codes.push(0);
      continue;
    }
    if (isVariable(t)) {
      const p = payload(t, v);
      if (p.length === 0) codes.push(2);
      else {
        codes.push(1);
        payloads.push(p);
      }
      continue;
    }
    switch (t) {
      case 'bool':
        codes.push(v ? 2 : 1);
        break;
      case 'int32': {
        const x = v as number;
        if (x >= -128 && x <= 127) { codes.push(1); fixed.le(1, (d) => d.setInt8(0, x)); }
        else if (x >= -32768 && x <= 32767) { codes.push(2); fixed.le(2, (d) => d.setInt16(0, x, true)); }
        else { codes.push(3); fixed.le(4, (d) => d.setInt32(0, x, true)); }
        break;
      }
      case 'int64':
      case 'unix_timestamp': {
        const x = BigInt(v as bigint);
        if (x >= -128n && x <= 127n) { codes.push(1); fixed.le(1, (d) => d.setInt8(0, Number(x))); }
        else if (x >= -(2n ** 31n) && x < 2n ** 31n) { codes.push(2); fixed.le(4, (d) => d.setInt32(0, Number(x), true)); }
        else { codes.push(3); fixed.le(8, (d) => d.setBigInt64(0, x, true)); }
        break;
      }
      case 'float32': {
        const x = Math.fround(v as number);
        if (Object.is(x, 0)) codes.push(2);
        else { codes.push(1); fixed.le(4, (d) => d.setFloat32(0, x, true)); }
        break;
      }
      case 'float64': {
        const x = v as number;
        if (Object.is(x, 0)) codes.push(3);
        else if (!Number.isNaN(x) && Object.is(Math.fround(x), x)) { codes.push(2); fixed.le(4, (d) => d.setFloat32(0, x, true)); }
        else { codes.push(1); fixed.le(8, (d) => d.setFloat64(0, x, true)); }
        break;
      }
    }
  }
  const varTotal = payloads.reduce((a, p) => a + p.length, 0);
  const owFlag = varTotal <= 0xff ? 0 : varTotal <= 0xffff ? 1 : 2;
  const cm = created === null ? 0 : created === event ? 1 : 2;
  const w = new Writer();
  w.u8(1);
  w.u8(cm | (owFlag << 2));
  w.uleb(fc);
  w.le(8, (d) => d.setBigInt64(0, event, true));
  if (cm === 2) w.le(8, (d) => d.setBigInt64(0, created!, true));
  for (let i = 0; i < fc; i += 4) {
    let b = 0;
    for (let j = 0; j < 4 && i + j < fc; j++) b |= codes[i + j] << (2 * j);
    w.u8(b);
  }
  w.raw(Uint8Array.from(fixed.bytes));
  let end = 0;
  for (const p of payloads) {
    end += p.length;
    if (owFlag === 0) w.u8(end);
    else if (owFlag === 1) w.le(2, (d) => d.setUint16(0, end, true));
    else w.le(4, (d) => d.setUint32(0, end, true));
  }
  for (const p of payloads) w.raw(p);
  return Uint8Array.from(w.bytes);
}

/** Payload width of a fixed field for a code, or null when the code is reserved. */
function fixedWidth(t: FieldType, c: number): number | null {
  switch (t) {
    case 'bool': return c === 3 ? null : 0;
    case 'int32': return [0, 1, 2, 4][c];
    case 'int64':
    case 'unix_timestamp': return [0, 1, 4, 8][c];
    case 'float32': return c === 3 ? null : c === 1 ? 4 : 0;
    case 'float64': return [0, 8, 4, 0][c];
    default: return null;
  }
}

function parseStrList(b: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let p = 0;
  while (p < b.length) {
    let len = 0;
    for (let i = 0; ; i++) {
      if (p >= b.length) return null;
      const x = b[p++];
      if (i === 4 && x > 0x0f) return null;
      len += (x & 0x7f) * 2 ** (7 * i);
      if ((x & 0x80) === 0) {
        if (i > 0 && x === 0) return null;
        break;
      }
    }
    if (len > b.length - p) return null;
    out.push(b.slice(p, p + len));
    p += len;
  }
  return out;
}

function listValues(e: Scalar, b: Uint8Array): FeatureValue | null {
  if (e === 'string' || e === 'bytes') {
    const items = parseStrList(b);
    if (!items) return null;
    return e === 'string' ? items.map((x) => new TextDecoder().decode(x)) : items;
  }
  const w = elementBytes(e);
  if (b.length % w !== 0) return null;
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: unknown[] = [];
  for (let i = 0; i < b.length; i += w) {
    switch (e) {
      case 'bool':
        if (b[i] > 1) return null;
        out.push(b[i] === 1);
        break;
      case 'int32': out.push(d.getInt32(i, true)); break;
      case 'float32': out.push(d.getFloat32(i, true)); break;
      case 'float64': out.push(d.getFloat64(i, true)); break;
      default: out.push(d.getBigInt64(i, true));
    }
  }
  return out as FeatureValue;
}

/** Parse one row, applying the format's checks in byte order. */
export function refDecode(types: readonly FieldType[], b: Uint8Array): RefDecoded {
  const bad = (reason: string, field?: number): RefDecoded => ({ ok: false, status: 'TRUNCATED', reason, field });
  const d = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 1) return bad('short');
  if (b[0] !== 1) return { ok: false, status: 'BAD_VERSION', reason: undefined, field: undefined };
  if (b.length < 2) return bad('short');
  const flags = b[1];
  if (flags >= 16 || (flags & 3) === 3 || ((flags >> 2) & 3) === 3) return bad('flags');
  const cm = flags & 3;
  const ow = [1, 2, 4][(flags >> 2) & 3];
  let pos = 2;
  let n = 0;
  for (let i = 0; ; i++) {
    if (pos >= b.length) return bad('short');
    const x = b[pos++];
    if (i === 4 && x > 0x0f) return bad('varint');
    n += (x & 0x7f) * 2 ** (7 * i);
    if ((x & 0x80) === 0) {
      if (i > 0 && x === 0) return bad('varint');
      break;
    }
  }
  if (n > types.length) return { ok: false, status: 'BAD_ARGUMENT', reason: 'fields', field: undefined };
  if (b.length - pos < 8) return bad('short');
  const eventTs = d.getBigInt64(pos, true);
  pos += 8;
  let createdTs: bigint | null = cm === 1 ? eventTs : null;
  if (cm === 2) {
    if (b.length - pos < 8) return bad('short');
    createdTs = d.getBigInt64(pos, true);
    pos += 8;
  }
  const nb = Math.ceil(n / 4);
  if (b.length - pos < nb) return bad('short');
  const codes: number[] = [];
  for (let f = 0; f < n; f++) codes.push((b[pos + (f >> 2)] >> (2 * (f & 3))) & 3);
  if (n % 4 !== 0 && b[pos + nb - 1] >> (2 * (n % 4)) !== 0) return bad('padding');
  pos += nb;
  let fixedTotal = 0;
  let p = 0;
  for (let f = 0; f < n; f++) {
    const t = types[f];
    if (isVariable(t)) {
      if (codes[f] === 3) return bad('code', f);
      if (codes[f] === 1) p++;
    } else {
      const w = fixedWidth(t, codes[f]);
      if (w === null) return bad('code', f);
      fixedTotal += w;
    }
  }
  if (b.length - pos < fixedTotal) return bad('short');
  const fixedAt = pos;
  pos += fixedTotal;
  if (b.length - pos < p * ow) return bad('short');
  const ends: number[] = [];
  for (let j = 0; j < p; j++) ends.push(ow === 1 ? b[pos + j] : ow === 2 ? d.getUint16(pos + 2 * j, true) : d.getUint32(pos + 4 * j, true));
  pos += p * ow;
  const varLen = b.length - pos;
  for (let j = 1; j < p; j++) if (ends[j] < ends[j - 1]) return bad('offsets');
  const last = p > 0 ? ends[p - 1] : 0;
  if (last > varLen) return bad('short');
  if (last < varLen) return bad('trailing');
  const values: FeatureValue[] = new Array(types.length).fill(null);
  let fp = fixedAt;
  let j = 0;
  for (let f = 0; f < n; f++) {
    const t = types[f];
    const c = codes[f];
    if (isVariable(t)) {
      if (c === 0) continue;
      const e = listOf(t);
      if (c === 2) {
        values[f] = t === 'string' ? '' : t === 'bytes' ? new Uint8Array(0) : [];
        continue;
      }
      const start = j > 0 ? ends[j - 1] : 0;
      const bytes = b.slice(pos + start, pos + ends[j]);
      j++;
      if (t === 'string') values[f] = new TextDecoder().decode(bytes);
      else if (t === 'bytes') values[f] = bytes;
      else {
        const v = listValues(e!, bytes);
        if (v === null) return bad('payload', f);
        values[f] = v;
      }
      continue;
    }
    const w = fixedWidth(t, c)!;
    if (c !== 0) {
      switch (t) {
        case 'bool': values[f] = c === 2; break;
        case 'int32': values[f] = w === 1 ? d.getInt8(fp) : w === 2 ? d.getInt16(fp, true) : d.getInt32(fp, true); break;
        case 'int64':
        case 'unix_timestamp': values[f] = w === 1 ? BigInt(d.getInt8(fp)) : w === 4 ? BigInt(d.getInt32(fp, true)) : d.getBigInt64(fp, true); break;
        case 'float32': values[f] = w === 4 ? d.getFloat32(fp, true) : 0; break;
        case 'float64': values[f] = w === 8 ? d.getFloat64(fp, true) : w === 4 ? d.getFloat32(fp, true) : 0; break;
      }
    }
    fp += w;
  }
  return { ok: true, eventTs, createdTs: createdTs === NULL_TS ? null : createdTs, values };
}
