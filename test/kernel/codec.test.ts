import { describe, expect, it } from 'vitest';
import {
  CODEC_VERSION,
  FIELD_TYPES,
  codecSchema,
  columnValue,
  decodeColumns,
  decodeFeature,
  decodeRow,
  encodeRow,
  encodeRows,
  encodeValueRows,
  type FeatureValue,
  type FieldType,
  type RowValues,
} from '../../src/kernel/codec.ts';
import { unwrap, type Result } from '../../src/core/errors.ts';
import { refDecode, refEncode, type RefDecoded } from '../reference/codec.ts';
import { rng, type Rng } from '../support/rng.ts';
import { runtime, testKernel } from '../support/kernel.ts';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => parseInt(x, 16));

/** Deep equality with Object.is for numbers (NaN equal, -0 distinct) and byte-wise Uint8Arrays. */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  return Object.is(a, b);
}

function show(v: unknown): string {
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? `bytes:${hex(x)}` : typeof x === 'number' && !Number.isFinite(x) ? String(x) : Object.is(x, -0) ? '-0' : x));
}

function expectSame(got: unknown, want: unknown, context: unknown): void {
  if (!same(got, want)) expect(show({ context, got })).toBe(show({ context, got: want }));
}

/** The kernel's outcome in the reference's terms. */
function outcome(r: Result<{ eventTs: bigint; createdTs: bigint | null; values: FeatureValue[] }>): RefDecoded {
  if (r.ok) return { ok: true, ...r.value };
  const d = r.error.details as { status: 'TRUNCATED' | 'BAD_VERSION' | 'BAD_ARGUMENT'; reason?: string; field?: number };
  return { ok: false, status: d.status, reason: d.reason, field: d.field };
}

// ------------------------------------------------------------------ random data

const F32_SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 1.5, 1e-45, 3.4028234663852886e38, -2.5];
const F64_SPECIAL = [NaN, Infinity, -Infinity, -0, 0, 0.1, 1.5, 5e-324, 1e300, Number.MAX_VALUE, 0.7037263512611389];
const I32_SPECIAL = [0, -1, 1, 127, 128, -128, -129, 32767, 32768, -32768, -32769, 0x7fff_ffff, -0x8000_0000];
const I64_SPECIAL = [0n, -1n, 127n, 128n, -128n, -129n, 2n ** 31n - 1n, 2n ** 31n, -(2n ** 31n), -(2n ** 31n) - 1n, 2n ** 63n - 1n, -(2n ** 63n)];
const STRINGS = ['', 'a', 'abc', 'héllo', '日本語', '😀', 'ünïcødé text that is longer than thirty-two bytes'];

function randomString(r: Rng): string {
  if (r.bool(0.5)) return r.pick(STRINGS);
  const len = r.bool(0.05) ? r.int(200, 400) : r.int(0, 20);
  return Array.from({ length: len }, () => String.fromCodePoint(r.pick([r.int(0x20, 0x7e), r.int(0x20, 0x7e), r.int(0xa0, 0x7ff), r.int(0x800, 0xd7ff), r.int(0x10000, 0x10ffff)]))).join('');
}

function randomScalar(r: Rng, t: string): FeatureValue {
  switch (t) {
    case 'bool': return r.bool();
    case 'int32': return r.bool(0.5) ? r.pick(I32_SPECIAL) : r.int(-0x8000_0000, 0x7fff_ffff);
    case 'int64':
    case 'unix_timestamp': return r.bool(0.5) ? r.pick(I64_SPECIAL) : r.bool(0.5) ? BigInt(r.int(-40000, 40000)) : r.i64();
    case 'float32': return r.bool(0.4) ? r.pick(F32_SPECIAL) : Math.fround((r.next() - 0.5) * 10 ** r.int(-5, 5));
    case 'float64': return r.bool(0.4) ? r.pick(F64_SPECIAL) : r.bool(0.3) ? Math.fround(r.next()) : (r.next() - 0.5) * 10 ** r.int(-5, 5);
    case 'string': return randomString(r);
    default: return Uint8Array.from({ length: r.pick([0, 1, 5, r.int(0, 40)]) }, () => r.int(0, 255));
  }
}

function randomValue(r: Rng, t: FieldType, pNull: number): FeatureValue {
  if (r.bool(pNull)) return null;
  if (!t.startsWith('list<')) return randomScalar(r, t);
  const e = t.slice(5, -1);
  const n = r.pick([0, 0, 1, 2, r.int(0, 8), r.bool(0.02) ? r.int(100, 300) : 3]);
  return Array.from({ length: n }, () => randomScalar(r, e)) as FeatureValue;
}

function randomSchema(r: Rng): FieldType[] {
  const nf = r.pick([0, 1, 2, 3, r.int(1, 12), r.int(1, 24)]);
  return Array.from({ length: nf }, () => r.pick(FIELD_TYPES));
}

function randomRow(r: Rng, types: readonly FieldType[], pNull: number): RowValues {
  const eventTs = r.bool(0.2) ? r.pick(I64_SPECIAL) : BigInt(1_600_000_000_000_000 + r.int(0, 2 ** 40));
  const createdTs = r.pick([null, eventTs, BigInt.asIntN(64, eventTs + BigInt(r.int(1, 1e6))), r.pick(I64_SPECIAL.filter((x) => x !== -(2n ** 63n)))]);
  return { eventTs, createdTs, values: types.map((t) => randomValue(r, t, pNull)) };
}

// ------------------------------------------------------------------ the suite

const GOLDEN_TYPES: FieldType[] = [
  'bool', 'int32', 'int64', 'float32', 'float64', 'unix_timestamp', 'string', 'bytes',
  'list<bool>', 'list<int32>', 'list<int64>', 'list<float32>', 'list<float64>', 'list<unix_timestamp>', 'list<string>', 'list<bytes>',
  'int32', 'string', 'float64', 'float64', 'bool', 'int64', 'string', 'float32',
];
const GOLDEN_ROW: RowValues = {
  eventTs: 1_700_000_000_000_000n,
  createdTs: 1_700_000_000_500_000n,
  values: [
    true, -300, 1001n, 0.5, 0.1, 1_700_000_000_000_000n, 'héllo', Uint8Array.of(0xde, 0xad),
    [true, false], [1, -1], [], [1.5], [-0], [0n], ['a', '', 'ü'], [Uint8Array.of(1, 2, 3)],
    null, '', 0, 1.5, false, -5n, null, null,
  ],
};
// Format version 1. Any change to these bytes must bump CODEC_VERSION.
const GOLDEN_HEX =
  '0102' + '16' + '00401e18240a0600' + '20e12518240a0600' + // version, flags (created stored, u8 offsets), 22 fields, event, created
  '6a5d6555b805' + // 2-bit codes
  'd4fe' + 'e9030000' + '0000003f' + '9a9999999999b93f' + '00401e18240a0600' + '0000c03f' + 'fb' + // fixed section
  '06080a12161e262c30' + // end offsets of 9 payloads
  '68c3a96c6c6f' + 'dead' + '0100' + '01000000ffffffff' + '0000c03f' + '0000000000000080' + '0000000000000000' + '01610002c3bc' + '03010203';

describe(`feature-vector codec (${runtime})`, () => {
  it('pins the golden bytes of a row covering every type', async () => {
    const k = await testKernel();
    expect(CODEC_VERSION).toBe(1);
    const bytes = unwrap(encodeRow(k, GOLDEN_TYPES, GOLDEN_ROW));
    expect(hex(bytes)).toBe(GOLDEN_HEX);
    expect(hex(refEncode(GOLDEN_TYPES, GOLDEN_ROW))).toBe(GOLDEN_HEX);
    const back = unwrap(decodeRow(k, GOLDEN_TYPES, bytes));
    expect(back.eventTs).toBe(1_700_000_000_000_000n);
    expect(back.createdTs).toBe(1_700_000_000_500_000n);
    expectSame(back.values, GOLDEN_ROW.values, 'golden');
    // Tiny rows: zero fields; all-null; created equal to event.
    expect(hex(unwrap(encodeRow(k, [], { eventTs: 0n, values: [] })))).toBe('010000' + '0000000000000000');
    expect(hex(unwrap(encodeRow(k, ['float64', 'string'], { eventTs: 1n, createdTs: 1n, values: [null, null] })))).toBe('010100' + '0100000000000000');
    expect(hex(unwrap(encodeRow(k, ['float64', 'int64'], { eventTs: -1n, values: [null, 7n] })))).toBe('010002' + 'ffffffffffffffff' + '04' + '07');
  });

  it('agrees with the reference on >= 10,000 random rows (batch encode, decode row/feature/columns)', async () => {
    const k = await testKernel();
    const r = rng(0xc0dec);
    let rows = 0;
    let batch = 0;
    while (rows < 10_000) {
      batch++;
      const types = randomSchema(r);
      const schema = unwrap(codecSchema(types));
      const pNull = r.pick([0, 0.2, 0.5, 1]);
      const input = Array.from({ length: r.int(1, 40) }, () => randomRow(r, types, pNull));
      const enc = unwrap(encodeValueRows(k, schema, input));
      const want = input.map((row) => refEncode(types, row));
      for (let i = 0; i < input.length; i++) {
        const got = enc.data.subarray(enc.offsets[i], enc.offsets[i + 1]);
        if (hex(got) !== hex(want[i])) expect({ batch, i, got: hex(got) }).toEqual({ batch, i, got: hex(want[i]) });
      }
      // Decode every row both ways and one random feature.
      const decoded = want.map((b) => refDecode(types, b));
      for (let i = 0; i < input.length; i++) {
        const ref = decoded[i];
        expect(ref.ok).toBe(true);
        if (!ref.ok) continue;
        expectSame(ref.values, input[i].values.map((v, f) => (types[f] === 'float32' && typeof v === 'number' ? Math.fround(v) : types[f] === 'list<float32>' && Array.isArray(v) ? v.map((x) => Math.fround(x as number)) : v)), { batch, i, check: 'reference round trip' });
        const row = unwrap(decodeRow(k, schema, want[i]));
        expectSame([row.eventTs, row.createdTs, ...row.values], [ref.eventTs, ref.createdTs, ...ref.values], { batch, i });
        if (types.length > 0) {
          const f = r.int(0, types.length - 1);
          const one = unwrap(decodeFeature(k, schema, want[i], f));
          expectSame([one.eventTs, one.createdTs, one.value], [ref.eventTs, ref.createdTs, ref.values[f]], { batch, i, f });
        }
      }
      // Columns: a random selection in random order.
      const fields = types.map((_, f) => f).filter(() => r.bool(0.6)).sort(() => r.next() - 0.5);
      // Half the time with the sizing pass (exact output sizes) instead of input-bounded buffers.
      const cols = unwrap(decodeColumns(k, schema, r.bool(0.5) ? enc : want, fields, { singlePassBytes: r.bool(0.5) ? 0 : undefined }));
      expect(cols.rows).toBe(input.length);
      for (let i = 0; i < input.length; i++) {
        const ref = decoded[i] as Extract<RefDecoded, { ok: true }>;
        expect(cols.eventTs[i]).toBe(ref.eventTs);
        expect(cols.createdTs[i]).toBe(ref.createdTs ?? -(2n ** 63n));
        fields.forEach((f, s) => expectSame(columnValue(cols.columns[s], i), ref.values[f], { batch, i, f, columns: true }));
      }
      // The single-row write path matches the batch path.
      if (batch % 5 === 0) expect(hex(unwrap(encodeRow(k, schema, input[0])))).toBe(hex(want[0]));
      rows += input.length;
    }
  });

  it('round-trips float bits exactly through columns (NaN payloads, -0, subnormals)', async () => {
    const k = await testKernel();
    const r = rng(7);
    const n = 2000;
    const f64 = new Float64Array(n);
    const f32 = new Float32Array(n);
    const b64 = new Uint8Array(f64.buffer);
    const b32 = new Uint8Array(f32.buffer);
    for (let i = 0; i < b64.length; i++) b64[i] = r.int(0, 255);
    for (let i = 0; i < b32.length; i++) b32[i] = r.int(0, 255);
    const special = [0x7ff0000000000001n, 0xfff8000000000001n, 0x7ff4000000000000n, 0x8000000000000000n, 0n, 1n, 0x7ff0000000000000n, 0x3ff8000000000000n, 0x7fc0000000000000n];
    const v64 = new BigUint64Array(f64.buffer);
    special.forEach((x, i) => (v64[i] = x));
    const v32 = new Uint32Array(f32.buffer);
    [0x7f800001, 0xffc00001, 0x7fa00000, 0x80000000, 0, 1, 0x7f800000].forEach((x, i) => (v32[i] = x));
    const offsets = Uint32Array.from({ length: n + 1 }, (_, i) => i);
    const types: FieldType[] = ['float64', 'float32', 'list<float64>', 'list<float32>'];
    const enc = unwrap(encodeRows(k, types, {
      eventTs: new BigInt64Array(n),
      columns: [{ values: f64 }, { values: f32 }, { offsets, values: f64 }, { offsets, values: f32 }],
    }));
    const cols = unwrap(decodeColumns(k, types, enc));
    for (const [c, src] of [[0, b64], [1, b32], [2, b64], [3, b32]] as const) {
      const col = cols.columns[c] as { values: Float64Array | Float32Array };
      expect(hex(new Uint8Array(col.values.buffer, col.values.byteOffset, col.values.byteLength))).toBe(hex(src));
    }
    // Rows decode to the same numbers in the reference (Object.is) and no NaN was narrowed.
    for (let i = 0; i < n; i++) {
      const ref = refDecode(types, enc.data.subarray(enc.offsets[i], enc.offsets[i + 1]));
      expect(ref.ok).toBe(true);
      if (ref.ok) expectSame(ref.values, [f64[i], f32[i], [f64[i]], [f32[i]]], i);
    }
  });

  it('returns the reference status for truncated, mutated and random bytes (fuzz), never trapping', async () => {
    const k = await testKernel();
    const r = rng(0xf022);
    let cases = 0;
    while (cases < 12_000) {
      const types = randomSchema(r);
      const schema = unwrap(codecSchema(types));
      const good = refEncode(types, randomRow(r, types, r.pick([0, 0.3])));
      const variants: Uint8Array[] = [];
      for (let t = 0; t < 4; t++) variants.push(good.subarray(0, r.int(0, good.length - 1)));
      for (let t = 0; t < 6; t++) {
        const m = good.slice();
        for (let flips = r.int(1, 3); flips > 0; flips--) m[r.int(0, m.length - 1)] = r.bool(0.5) ? r.int(0, 255) : m[r.int(0, m.length - 1)] ^ (1 << r.int(0, 7));
        variants.push(m);
      }
      variants.push(Uint8Array.of(...good, r.int(0, 255)));
      variants.push(Uint8Array.from({ length: r.int(0, 40) }, (_, i) => (i === 0 && r.bool(0.8) ? 1 : r.int(0, 255))));
      for (const v of variants) {
        cases++;
        const want = refDecode(types, v);
        const got = outcome(decodeRow(k, schema, v));
        if (!same(show(got), show(want))) expect({ bytes: hex(v), types, got }).toEqual({ bytes: hex(v), types, got: want });
        const cols = decodeColumns(k, schema, [v], undefined, { singlePassBytes: r.bool(0.5) ? 0 : undefined });
        expect(cols.ok).toBe(want.ok);
        if (!cols.ok && !want.ok) expect((cols.error.details as { reason?: string }).reason).toBe(want.reason);
        if (types.length > 0) {
          const f = r.int(0, types.length - 1);
          const one = decodeFeature(k, schema, v, f);
          expect(one.ok).toBe(want.ok);
          if (one.ok && want.ok) expectSame(one.value.value, want.values[f], { bytes: hex(v), f });
        }
        if (!want.ok) {
          const e = decodeRow(k, schema, v);
          if (!e.ok) expect(e.error.code).toBe(want.status === 'BAD_VERSION' ? 'unsupported_version' : want.status === 'TRUNCATED' ? 'corrupt_data' : 'invalid_argument');
        }
      }
    }
    expect(cases).toBeGreaterThanOrEqual(12_000);
  });

  it('reports errors for bad versions, truncation, schema mismatches and bad inputs', async () => {
    const k = await testKernel();
    const types: FieldType[] = ['int64', 'string'];
    const row = unwrap(encodeRow(k, types, { eventTs: 5n, values: [300n, 'hi'] }));
    const bad = row.slice();
    bad[0] = 2;
    const v = decodeRow(k, types, bad);
    expect(!v.ok && v.error.code).toBe('unsupported_version');
    for (let len = 0; len < row.length; len++) {
      const t = decodeRow(k, types, row.subarray(0, len));
      expect(!t.ok && t.error.code).toBe('corrupt_data');
    }
    // A schema grown by appending fields reads old rows (new fields null); a shorter one is an error.
    expectSame(unwrap(decodeRow(k, [...types, 'float64'], row)).values, [300n, 'hi', null], 'appended');
    const shorter = decodeRow(k, ['int64'], row);
    expect(!shorter.ok && shorter.error.code).toBe('invalid_argument');
    // Unknown type codes.
    expect(codecSchema(['float16' as FieldType]).ok).toBe(false);
    const raw = decodeRow(k, { types: ['int64'], codes: Uint8Array.of(9) }, row);
    expect(!raw.ok && raw.error.code).toBe('invalid_argument');
    expect(!raw.ok && (raw.error.details as { status: string }).status).toBe('BAD_TYPE');
    // Bad JS values and columns.
    expect(encodeRow(k, ['int32'], { eventTs: 0n, values: [2 ** 31] }).ok).toBe(false);
    expect(encodeRow(k, ['int64'], { eventTs: 0n, values: [0.5] }).ok).toBe(false);
    expect(encodeRow(k, ['bool'], { eventTs: 0n, values: [1] }).ok).toBe(false);
    expect(encodeRow(k, ['list<int32>'], { eventTs: 0n, values: [[1, null as unknown as number]] }).ok).toBe(false);
    expect(encodeRow(k, ['string'], { eventTs: 0n, values: ['a', 'b'] }).ok).toBe(false);
    expect(encodeRows(k, ['float64'], { eventTs: new BigInt64Array(2), columns: [{ values: new Float32Array(2) }] }).ok).toBe(false);
    const badOffsets = encodeRows(k, ['string'], { eventTs: new BigInt64Array(2), columns: [{ offsets: Uint32Array.of(0, 3, 1), data: new Uint8Array(3) }] });
    expect(!badOffsets.ok && badOffsets.error.message).toContain('input offsets');
    expect(encodeRows(k, ['list<string>'], { eventTs: new BigInt64Array(1), columns: [{ offsets: Uint32Array.of(0, 2), valueOffsets: Uint32Array.of(0, 9), data: new Uint8Array(3) }] }).ok).toBe(false);
    expect(decodeColumns(k, types, { data: row, offsets: Uint32Array.of(0, row.length + 1) }).ok).toBe(false);
    expect(decodeColumns(k, types, [row], [0, 0]).ok).toBe(false);
    expect(decodeFeature(k, types, row, 2).ok).toBe(false);
    // Still healthy afterwards; empty batches work.
    expect(unwrap(decodeColumns(k, types, [])).rows).toBe(0);
    expect(unwrap(decodeFeature(k, types, row, 1)).value).toBe('hi');
  });

  it('uses wider offset tables for large variable sections', async () => {
    const k = await testKernel();
    const types: FieldType[] = ['string', 'list<int64>', 'bytes'];
    for (const size of [255, 256, 65535, 65536, 70000]) {
      const values: FeatureValue[] = ['x'.repeat(size), [1n, 2n], new Uint8Array(3)];
      const row = unwrap(encodeRow(k, types, { eventTs: 1n, values }));
      expect(hex(row)).toBe(hex(refEncode(types, { eventTs: 1n, values })));
      expectSame(unwrap(decodeRow(k, types, row)).values, values, size);
      expect(unwrap(decodeFeature(k, types, row, 2)).value).toEqual(new Uint8Array(3));
    }
  });
});
