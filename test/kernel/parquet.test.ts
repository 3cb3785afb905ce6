import { describe, expect, it } from 'vitest';
import {
  decodeColumnChunkBytes,
  defLevelsToValidity,
  encodeDataPageBytes,
  lz4Decompress,
  parsePageHeader,
  ParquetCodec,
  ParquetEncoding,
  ParquetPhysical,
  rescaleI64,
  rleDecode,
  rleEncode,
  snappyCompress,
  snappyDecompress,
  type ColumnChunkSpec,
  type DecodedChunk,
  type PageValues,
} from '../../src/kernel/parquet.ts';
import {
  byteStreamSplitRef,
  CompactWriter,
  int96ToNsRef,
  lz4CompressRef,
  lz4DecompressRef,
  packBoolsRef,
  plainByteArraysRef,
  rescaleRef,
  rleDecodeRef,
  rleEncodeRef,
  snappyCompressRef,
  snappyDecompressRef,
  spreadRef,
} from '../reference/parquet.ts';
import { runtime, testKernel } from '../support/kernel.ts';
import { rng, type Rng } from '../support/rng.ts';

const CASES = 10_000;

/** Bytes with structure: runs, repeats of earlier bytes, and noise. */
function sampleBytes(r: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const alphabet = r.int(1, 256);
  let i = 0;
  while (i < n) {
    const mode = r.int(0, 3);
    const len = Math.min(n - i, r.int(1, 40));
    if (mode === 0) out.fill(r.int(0, 255), i, i + len);
    else if (mode === 1 && i > 0) {
      const off = r.int(1, Math.min(i, 3000));
      for (let j = 0; j < len; j++) out[i + j] = out[i + j - off];
    } else for (let j = 0; j < len; j++) out[i + j] = r.int(0, alphabet - 1);
    i += len;
  }
  return out;
}

const sizeOf = (r: Rng): number => (r.bool(0.85) ? r.int(0, 300) : r.int(300, 5000));

function mutate(r: Rng, b: Uint8Array): Uint8Array {
  const m = b.slice();
  if (m.length === 0) return m;
  const kind = r.int(0, 2);
  if (kind === 0) m[r.int(0, m.length - 1)] ^= 1 << r.int(0, 7);
  else if (kind === 1) m[r.int(0, m.length - 1)] = r.int(0, 255);
  else return m.subarray(0, r.int(0, m.length - 1));
  return m;
}

/** Fast equality for big cases; falls back to expect() for a readable diff. */
function same(a: ArrayLike<unknown>, b: ArrayLike<unknown>): void {
  let ok = a.length === b.length;
  for (let i = 0; ok && i < a.length; i++) ok = a[i] === b[i];
  if (!ok) expect(Array.from(a)).toEqual(Array.from(b));
}

function tryRef<T>(f: () => T): T | null {
  try {
    return f();
  } catch {
    return null;
  }
}

describe(`parquet codecs (${runtime})`, () => {
  it('snappy: kernel encoder round-trips through the reference decoder, and back', async () => {
    const k = await testKernel();
    const r = rng(101);
    for (let c = 0; c < CASES; c++) {
      const src = sampleBytes(r, sizeOf(r));
      const z = snappyCompress(k, src);
      if (!z.ok) throw new Error(z.error.message);
      same(snappyDecompressRef(z.value), src);
      const back = snappyDecompress(k, z.value);
      if (!back.ok) throw new Error(back.error.message);
      same(back.value, src);
    }
    // Several 64 KiB blocks, incompressible and compressible.
    for (const n of [65_536, 65_537, 300_000]) {
      const src = sampleBytes(r, n);
      const z = snappyCompress(k, src);
      expect(z.ok && snappyDecompressRef(z.value)).toEqual(src);
      const noise = Uint8Array.from({ length: n }, () => r.int(0, 255));
      const zn = snappyCompress(k, noise);
      expect(zn.ok && zn.value.length).toBeLessThanOrEqual(32 + n + n / 6);
      expect(zn.ok && snappyDecompressRef(zn.value)).toEqual(noise);
    }
  });

  it('snappy: kernel decoder matches the reference on every element kind and on corrupt blocks', async () => {
    const k = await testKernel();
    const r = rng(102);
    for (let c = 0; c < CASES; c++) {
      const src = sampleBytes(r, sizeOf(r));
      const z = snappyCompressRef(src, r.next);
      const got = snappyDecompress(k, z);
      if (!got.ok) throw new Error(got.error.message);
      same(got.value, src);
      const bad = mutate(r, z);
      const want = tryRef(() => snappyDecompressRef(bad));
      const out = snappyDecompress(k, bad);
      if (want === null) expect(out.ok).toBe(false);
      else if (!out.ok) expect(out.ok).toBe(true);
      else same(out.value, want);
      if (!out.ok) expect(out.error.code).toBe('corrupt_data');
    }
  });

  it('lz4 raw: kernel decoder matches the reference, including corrupt blocks', async () => {
    const k = await testKernel();
    const r = rng(103);
    for (let c = 0; c < CASES; c++) {
      const src = sampleBytes(r, r.int(0, 400));
      const z = lz4CompressRef(src);
      const got = lz4Decompress(k, z, src.length);
      if (!got.ok) throw new Error(got.error.message);
      same(got.value, src);
      const bad = mutate(r, z);
      const want = tryRef(() => lz4DecompressRef(bad, src.length));
      const out = lz4Decompress(k, bad, src.length);
      if (want === null) expect(out.ok).toBe(false);
      else if (!out.ok) expect(out.ok).toBe(true);
      else same(out.value, want);
    }
  });
});

function sampleLevels(r: Rng, n: number, max: number): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const v = r.int(0, max);
    const run = r.bool(0.5) ? r.int(1, 40) : 1;
    for (let j = 0; j < run && out.length < n; j++) out.push(r.bool(0.8) ? v : r.int(0, max));
  }
  return out;
}

describe(`parquet RLE / bit-packed hybrid (${runtime})`, () => {
  it('decodes what the reference encodes, at every bit width, and rejects what it rejects', async () => {
    const k = await testKernel();
    const r = rng(201);
    for (let c = 0; c < CASES; c++) {
      const bw = r.int(0, 32);
      const max = bw === 0 ? 0 : bw === 32 ? 0xffffffff : 2 ** bw - 1;
      const n = r.int(0, 300);
      const values = sampleLevels(r, n, Math.min(max, r.bool(0.5) ? 3 : max));
      const enc = bw === 0 ? new Uint8Array(0) : rleEncodeRef(values, bw, r.next);
      const got = rleDecode(k, enc, bw, n);
      if (!got.ok) throw new Error(got.error.message);
      same(got.value.values, values);
      expect(got.value.consumed).toBe(rleDecodeRef(enc, bw, n).consumed);
      const bad = mutate(r, enc);
      const want = tryRef(() => rleDecodeRef(bad, bw, n));
      const out = rleDecode(k, bad, bw, n);
      if (want === null) expect(out.ok).toBe(false);
      else if (!out.ok) expect(out.ok).toBe(true);
      else same(out.value.values, want.values);
    }
  });

  it('encodes what the reference decodes (u32 values and validity bytes)', async () => {
    const k = await testKernel();
    const r = rng(202);
    for (let c = 0; c < CASES; c++) {
      const asBytes = r.bool(0.4);
      const bw = asBytes ? r.int(1, 8) : r.int(1, 32);
      const max = bw === 32 ? 0xffffffff : 2 ** bw - 1;
      const n = r.int(0, 400);
      const values = sampleLevels(r, n, Math.min(max, r.bool(0.5) ? 1 : max));
      const input = asBytes ? Uint8Array.from(values) : Uint32Array.from(values);
      const enc = rleEncode(k, input, bw);
      if (!enc.ok) throw new Error(enc.error.message);
      same(rleDecodeRef(enc.value, bw, n).values, values);
    }
  });

  it('turns definition levels into validity bytes', async () => {
    const k = await testKernel();
    const r = rng(203);
    for (let c = 0; c < CASES; c++) {
      const maxDef = r.int(0, 5);
      const bw = maxDef === 0 ? 0 : 32 - Math.clz32(maxDef);
      const n = r.int(0, 300);
      const levels = sampleLevels(r, n, maxDef);
      const enc = bw === 0 ? new Uint8Array(0) : rleEncodeRef(levels, bw, r.next);
      const got = defLevelsToValidity(k, enc, bw, n, maxDef);
      if (!got.ok) throw new Error(got.error.message);
      const want = levels.map((l) => (l === maxDef ? 1 : 0));
      same(got.value.validity, want);
      expect(got.value.valid).toBe(want.reduce((s: number, v) => s + v, 0));
    }
  });
});

interface HeaderFields {
  type: number;
  unc: number;
  comp: number;
  numValues: number;
  encoding: number;
  defEnc?: number;
  repEnc?: number;
  numNulls?: number;
  numRows?: number;
  defLen?: number;
  repLen?: number;
  isCompressed?: boolean;
}

/** A page header in Thrift compact, optionally with fields a reader must skip. */
function writeHeader(h: HeaderFields, r: Rng | null): Uint8Array {
  const w = new CompactWriter();
  const extras = (inner: boolean) => {
    if (!r || !r.bool(0.3)) return;
    w.begin(inner ? 5 + 10 : 9); // statistics-like struct, or an unknown struct
    w.binary(1, Uint8Array.from({ length: r.int(0, 20) }, () => r.int(0, 255)));
    w.binary(2, new Uint8Array(r.int(0, 5)));
    w.int(3, BigInt(r.int(0, 1e6)) * 1_000_000n, 6);
    if (r.bool(0.5)) w.listI32(4, Array.from({ length: r.int(0, 20) }, () => r.int(-5, 5)));
    if (r.bool(0.3)) w.double(5, r.next());
    if (r.bool(0.3)) w.begin(6).bool(1, true).end();
    w.end();
  };
  w.int(1, h.type).int(2, h.unc).int(3, h.comp);
  if (r?.bool(0.3)) w.int(4, r.int(-(2 ** 31), 2 ** 31 - 1)); // crc
  if (h.type === 0) {
    w.begin(5).int(1, h.numValues).int(2, h.encoding).int(3, h.defEnc ?? 3).int(4, h.repEnc ?? 3);
    extras(true);
    w.end();
  } else if (h.type === 2) {
    w.begin(7).int(1, h.numValues).int(2, h.encoding);
    if (r?.bool(0.5)) w.bool(3, r.bool());
    w.end();
  } else if (h.type === 3) {
    w.begin(8).int(1, h.numValues).int(2, h.numNulls ?? 0).int(3, h.numRows ?? h.numValues).int(4, h.encoding);
    w.int(5, h.defLen ?? 0).int(6, h.repLen ?? 0);
    if (h.isCompressed !== undefined && (r?.bool(0.5) || !h.isCompressed)) w.bool(7, h.isCompressed);
    extras(true);
    w.end();
  }
  if (r) extras(false);
  if (r?.bool(0.2)) w.int(40, 7); // a future field, long-form id
  return w.finish();
}

describe(`parquet page headers (${runtime})`, () => {
  it('parses generated headers and skips unknown fields; every prefix is rejected', async () => {
    const k = await testKernel();
    const r = rng(301);
    for (let c = 0; c < CASES; c++) {
      const type = r.pick([0, 2, 3]);
      const h: HeaderFields = {
        type,
        unc: r.int(0, 2 ** 31 - 1),
        comp: r.int(0, 2 ** 31 - 1),
        numValues: r.int(0, 1e6),
        encoding: r.pick([0, 2, 3, 8, 9]),
        defEnc: r.pick([3, 4]),
        repEnc: 3,
        numNulls: r.int(0, 100),
        numRows: r.int(0, 1e6),
        defLen: r.int(0, 1000),
        repLen: r.int(0, 10),
        isCompressed: r.bool(),
      };
      const bytes = writeHeader(h, r);
      const tail = Uint8Array.from({ length: r.int(0, 8) }, () => r.int(0, 255));
      const all = new Uint8Array(bytes.length + tail.length);
      all.set(bytes);
      all.set(tail, bytes.length);
      const got = parsePageHeader(k, all);
      if (!got.ok) throw new Error(got.error.message);
      const g = got.value;
      expect(g.headerLength).toBe(bytes.length);
      expect([g.type, g.uncompressedSize, g.compressedSize, g.numValues, g.encoding]).toEqual([h.type, h.unc, h.comp, h.numValues, h.encoding]);
      if (type === 0) expect([g.defEncoding, g.repEncoding]).toEqual([h.defEnc, h.repEnc]);
      if (type === 3) {
        expect([g.numNulls, g.numRows, g.defLength, g.repLength]).toEqual([h.numNulls, h.numRows, h.defLen, h.repLen]);
        expect(g.isCompressed).toBe(h.isCompressed);
      }
      const cut = parsePageHeader(k, bytes.subarray(0, r.int(0, bytes.length - 1)));
      expect(cut.ok).toBe(false);
      // Random garbage never traps or hangs.
      const junk = parsePageHeader(k, mutate(r, bytes));
      expect(typeof junk.ok).toBe('boolean');
    }
  });
});

// ---------------------------------------------------------- column chunks ---

type Kind = 'int32' | 'int64' | 'float' | 'double' | 'bool' | 'bytes' | 'int96';

const PHYSICAL: Record<Kind, number> = {
  int32: ParquetPhysical.INT32,
  int64: ParquetPhysical.INT64,
  float: ParquetPhysical.FLOAT,
  double: ParquetPhysical.DOUBLE,
  bool: ParquetPhysical.BOOLEAN,
  bytes: ParquetPhysical.BYTE_ARRAY,
  int96: ParquetPhysical.INT96,
};
const WIDTH: Record<Kind, number> = { int32: 4, int64: 8, float: 4, double: 8, bool: 1, bytes: 0, int96: 12 };

interface Sample {
  kind: Kind;
  rows: number;
  validity: Uint8Array | null;
  /** fixed: raw little-endian value bytes per row (zero for nulls); bytes: one array per row */
  fixed: Uint8Array;
  strings: Uint8Array[];
}

function sampleColumn(r: Rng, kind: Kind, rows: number, nullable: boolean): Sample {
  const validity = nullable ? Uint8Array.from({ length: rows }, () => (r.bool(r.pick([0.1, 0.5, 0.95])) ? 0 : 1)) : null;
  const w = WIDTH[kind];
  const fixed = new Uint8Array(rows * Math.max(w, 1));
  const strings: Uint8Array[] = [];
  const card = r.int(1, 20); // low cardinality, so dictionaries make sense
  const pool = Array.from({ length: card }, () => Uint8Array.from({ length: w || r.int(0, 12) }, () => r.int(0, 255)));
  for (let i = 0; i < rows; i++) {
    const v = pool[r.int(0, card - 1)];
    const present = !validity || validity[i] === 1;
    strings.push(kind === 'bytes' && present ? v : new Uint8Array(0));
    if (!present || kind === 'bytes') continue;
    if (kind === 'bool') fixed[i] = v[0] & 1;
    else fixed.set(v, i * w);
  }
  return { kind, rows, validity, fixed, strings };
}

function denseValues(s: Sample, from: number, to: number): { fixed: Uint8Array; strings: Uint8Array[]; count: number } {
  const w = Math.max(WIDTH[s.kind], 1);
  const parts: number[] = [];
  const strings: Uint8Array[] = [];
  for (let i = from; i < to; i++) {
    if (s.validity && !s.validity[i]) continue;
    for (let b = 0; b < w; b++) parts.push(s.fixed[i * w + b]);
    if (s.kind === 'bytes') strings.push(s.strings[i]);
  }
  const fixed = Uint8Array.from(parts);
  return { fixed, strings, count: s.kind === 'bytes' ? strings.length : fixed.length / w };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const u32le = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);

/** Build a column chunk for a sample with random pages, versions, encodings and codecs. */
function buildChunk(r: Rng, s: Sample, codec: number): Uint8Array {
  const compress = (b: Uint8Array): Uint8Array =>
    codec === ParquetCodec.SNAPPY ? snappyCompressRef(b, r.next) : codec === ParquetCodec.LZ4_RAW ? lz4CompressRef(b) : b;
  const w = Math.max(WIDTH[s.kind], 1);
  const parts: Uint8Array[] = [];
  // Dictionary: the distinct values of the chunk.
  const useDict = s.kind !== 'bool' && r.bool(0.4);
  const dictIndex = new Map<string, number>();
  const dictValues: Uint8Array[] = [];
  if (useDict) {
    const all = denseValues(s, 0, s.rows);
    const items = s.kind === 'bytes' ? all.strings : Array.from({ length: all.count }, (_, i) => all.fixed.subarray(i * w, (i + 1) * w));
    for (const v of items) {
      const key = Array.from(v).join(',');
      if (!dictIndex.has(key)) {
        dictIndex.set(key, dictValues.length);
        dictValues.push(v);
      }
    }
    const body = s.kind === 'bytes' ? plainByteArraysRef(dictValues) : concat(dictValues);
    const z = compress(body);
    parts.push(writeHeader({ type: 2, unc: body.length, comp: z.length, numValues: dictValues.length, encoding: r.pick([0, 2]) }, r), z);
  }
  let row = 0;
  while (row < s.rows || (row === 0 && s.rows === 0)) {
    const n = Math.min(s.rows - row, r.bool(0.5) ? s.rows : r.int(1, 50));
    const dense = denseValues(s, row, row + n);
    let encoding: number;
    let values: Uint8Array;
    if (useDict) {
      encoding = r.pick([ParquetEncoding.PLAIN_DICTIONARY, ParquetEncoding.RLE_DICTIONARY]);
      const items = s.kind === 'bytes' ? dense.strings : Array.from({ length: dense.count }, (_, i) => dense.fixed.subarray(i * w, (i + 1) * w));
      const idx = items.map((v) => dictIndex.get(Array.from(v).join(','))!);
      const bw = dictValues.length <= 1 ? r.int(0, 1) : 32 - Math.clz32(dictValues.length - 1);
      values = concat([Uint8Array.of(bw), bw === 0 ? new Uint8Array(0) : rleEncodeRef(idx, bw, r.next)]);
    } else if (s.kind === 'bytes') {
      encoding = ParquetEncoding.PLAIN;
      values = plainByteArraysRef(dense.strings);
    } else if (s.kind === 'bool') {
      const bits = Array.from(dense.fixed);
      if (r.bool(0.3)) {
        encoding = ParquetEncoding.RLE;
        const rle = rleEncodeRef(bits, 1, r.next);
        values = concat([u32le(rle.length), rle]);
      } else {
        encoding = ParquetEncoding.PLAIN;
        values = packBoolsRef(bits);
      }
    } else if (r.bool(0.25)) {
      encoding = ParquetEncoding.BYTE_STREAM_SPLIT;
      values = byteStreamSplitRef(dense.fixed, w);
    } else {
      encoding = ParquetEncoding.PLAIN;
      values = dense.fixed;
    }
    const levels = s.validity ? rleEncodeRef(Array.from(s.validity.subarray(row, row + n)), 1, r.next) : new Uint8Array(0);
    if (r.bool(0.5)) {
      const body = concat([s.validity ? concat([u32le(levels.length), levels]) : new Uint8Array(0), values]);
      const z = compress(body);
      parts.push(writeHeader({ type: 0, unc: body.length, comp: z.length, numValues: n, encoding, defEnc: 3 }, r), z);
    } else {
      const compressed = r.bool(0.8);
      const z = compressed ? compress(values) : values;
      parts.push(
        writeHeader(
          {
            type: 3, unc: levels.length + values.length, comp: levels.length + z.length, numValues: n,
            numNulls: n - dense.count, numRows: n, encoding, defLen: levels.length, repLen: 0, isCompressed: compressed,
          },
          r,
        ),
        levels,
        z,
      );
    }
    row += n;
    if (s.rows === 0) break;
  }
  return concat(parts);
}

function expectDecoded(got: DecodedChunk, s: Sample): void {
  const nulls = s.validity ? s.validity.reduce((a, v) => a + (v ? 0 : 1), 0) : 0;
  expect(got.nullCount).toBe(nulls);
  if (nulls > 0) same(got.validity!, s.validity!);
  else expect(got.validity).toBeNull();
  if (s.kind === 'bytes') {
    const offsets = got.offsets!;
    for (let i = 0; i < s.rows; i++) same(got.data!.subarray(offsets[i], offsets[i + 1]), s.strings[i]);
    return;
  }
  if (s.kind === 'int96') {
    const vals = got.values as BigInt64Array;
    for (let i = 0; i < s.rows; i++) {
      const want = s.validity && !s.validity[i] ? 0n : int96ToNsRef(s.fixed.subarray(i * 12, i * 12 + 12));
      expect(vals[i]).toBe(want);
    }
    return;
  }
  const v = got.values!;
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  same(bytes, spreadRef(denseValues(s, 0, s.rows).fixed, Math.max(WIDTH[s.kind], 1), s.validity, s.rows));
}

const KINDS: Kind[] = ['int32', 'int64', 'float', 'double', 'bool', 'bytes', 'int96'];

function specFor(s: Sample, codec: number, nullable: boolean): Omit<ColumnChunkSpec, 'byteLength'> {
  return { physical: PHYSICAL[s.kind], maxDef: nullable ? 1 : 0, maxRep: 0, codec, numRows: s.rows };
}

describe(`parquet column chunk decoding (${runtime})`, () => {
  it('decodes random chunks: every type, v1/v2 pages, PLAIN/dictionary/BSS/RLE, nulls, three codecs', async () => {
    const k = await testKernel();
    const r = rng(401);
    for (let c = 0; c < CASES; c++) {
      const kind = r.pick(KINDS);
      const nullable = r.bool(0.6);
      const rows = r.bool(0.05) ? 0 : r.int(1, 120);
      const codec = r.pick([ParquetCodec.UNCOMPRESSED, ParquetCodec.SNAPPY, ParquetCodec.LZ4_RAW]);
      const s = sampleColumn(r, kind, rows, nullable);
      const chunk = buildChunk(r, s, codec);
      const got = decodeColumnChunkBytes(k, specFor(s, codec, nullable), chunk);
      if (!got.ok) throw new Error(`case ${c}: ${got.error.message}`);
      if (got.value.kind !== 'decoded') throw new Error(`case ${c}: ${got.value.reason}`);
      expectDecoded(got.value, s);
    }
  });

  it('rejects corrupt chunks with corrupt_data (never a trap, never a wrong length)', async () => {
    const k = await testKernel();
    const r = rng(402);
    let rejected = 0;
    for (let c = 0; c < CASES; c++) {
      const kind = r.pick(KINDS);
      const nullable = r.bool(0.6);
      const s = sampleColumn(r, kind, r.int(1, 60), nullable);
      const codec = r.pick([ParquetCodec.UNCOMPRESSED, ParquetCodec.SNAPPY]);
      const bad = mutate(r, buildChunk(r, s, codec));
      const got = decodeColumnChunkBytes(k, specFor(s, codec, nullable), bad);
      if (!got.ok) {
        expect(['corrupt_data']).toContain(got.error.code);
        rejected++;
      } else if (got.value.kind === 'decoded') {
        expect(got.value.numRows).toBe(s.rows);
        if (got.value.values) expect(got.value.values.length).toBe(s.rows);
        if (got.value.offsets) expect(got.value.offsets.length).toBe(s.rows + 1);
      }
    }
    expect(rejected).toBeGreaterThan(CASES / 2);
  });

  it('hands unsupported encodings, codecs and shapes back to the caller', async () => {
    const k = await testKernel();
    const s: Sample = { kind: 'int32', rows: 4, validity: null, fixed: new Uint8Array(16), strings: [] };
    const body = new Uint8Array(16);
    const page = concat([writeHeader({ type: 0, unc: 16, comp: 16, numValues: 4, encoding: ParquetEncoding.DELTA_BINARY_PACKED }, null), body]);
    const delta = decodeColumnChunkBytes(k, specFor(s, 0, false), page);
    expect(delta.ok && delta.value.kind).toBe('unsupported');
    const zstd = decodeColumnChunkBytes(k, specFor(s, ParquetCodec.ZSTD, false), page);
    expect(zstd.ok && zstd.value.kind).toBe('unsupported');
    const nested = decodeColumnChunkBytes(k, { ...specFor(s, 0, false), maxRep: 1 }, page);
    expect(nested.ok && nested.value.kind).toBe('unsupported');
    // A host codec is used when given.
    const host = decodeColumnChunkBytes(k, specFor(s, ParquetCodec.GZIP, false),
      concat([writeHeader({ type: 0, unc: 16, comp: 3, numValues: 4, encoding: 0 }, null), Uint8Array.of(1, 2, 3)]),
      (_codec, src, size) => (src.length === 3 ? Uint8Array.from({ length: size }, (_, i) => (i % 4 === 0 ? i / 4 + 1 : 0)) : null));
    expect(host.ok && host.value.kind === 'decoded' && Array.from(host.value.values as Int32Array)).toEqual([1, 2, 3, 4]);
  });

  it('rescales INT64 (timestamp units, floor division) and fills nulls', async () => {
    const k = await testKernel();
    const r = rng(403);
    for (let c = 0; c < CASES; c++) {
      const n = r.int(0, 20);
      const vals = BigInt64Array.from({ length: n }, () => (r.bool(0.2) ? r.i64() : BigInt(r.int(-1e9, 1e9))));
      const validity = r.bool(0.5) ? Uint8Array.from({ length: n }, () => (r.bool(0.3) ? 0 : 1)) : null;
      const [mul, div] = r.pick([[1000n, 1n], [1n, 1000n], [1n, 1_000_000n], [1n, 1n]] as const);
      const got = rescaleI64(k, vals, mul, div, validity, -(2n ** 63n));
      if (!got.ok) throw new Error(got.error.message);
      const want = Array.from(vals, (v, i) => (validity && !validity[i] ? -(2n ** 63n) : rescaleRef(v, mul, div)));
      same(got.value, want);
    }
  });
});

describe(`parquet page encoding (${runtime})`, () => {
  it('encodes pages the chunk decoder reads back (fixed, bool, bytes; nulls; snappy)', async () => {
    const k = await testKernel();
    const r = rng(501);
    for (let c = 0; c < CASES; c++) {
      const kind = r.pick(['int32', 'int64', 'double', 'bool', 'bytes'] as const);
      const nullable = r.bool(0.5);
      const rows = r.int(0, 100);
      const s = sampleColumn(r, kind, rows, nullable);
      let values: PageValues;
      if (kind === 'bytes') {
        const offsets = new Int32Array(rows + 1);
        for (let i = 0; i < rows; i++) offsets[i + 1] = offsets[i] + s.strings[i].length;
        values = { kind: 'bytes', offsets, data: concat(s.strings) };
      } else if (kind === 'bool') values = { kind: 'bool', bytes: s.fixed };
      else values = { kind: 'fixed', width: WIDTH[kind] as 4 | 8, bytes: s.fixed, stats: ({ int32: 'i32', int64: 'i64', double: 'f64' } as const)[kind] };
      const snappy = r.bool();
      const page = encodeDataPageBytes(k, values, rows, s.validity, snappy);
      if (!page.ok) throw new Error(page.error.message);
      const p = page.value;
      if (values.kind === 'fixed') {
        // min/max statistics over the non-null values (NaN skipped).
        const dense = denseValues(s, 0, rows).fixed;
        const dv = new DataView(dense.buffer, dense.byteOffset, dense.byteLength);
        const w = values.width;
        const xs: (number | bigint)[] = [];
        for (let i = 0; i < dense.length / w; i++) {
          const x = kind === 'int32' ? dv.getInt32(i * w, true) : kind === 'int64' ? dv.getBigInt64(i * w, true) : dv.getFloat64(i * w, true);
          if (typeof x === 'number' && Number.isNaN(x)) continue;
          xs.push(x);
        }
        const lo = xs.reduce<number | bigint | undefined>((a, x) => (a === undefined || x < a ? x : a), undefined);
        const hi = xs.reduce<number | bigint | undefined>((a, x) => (a === undefined || x > a ? x : a), undefined);
        expect([p.min, p.max]).toEqual([lo, hi]);
      }
      const header = writeHeader({ type: 0, unc: p.uncompressedSize, comp: p.body.length, numValues: rows, encoding: 0 }, null);
      const codec = snappy ? ParquetCodec.SNAPPY : ParquetCodec.UNCOMPRESSED;
      const got = decodeColumnChunkBytes(k, specFor(s, codec, nullable), concat([header, p.body]));
      if (!got.ok) throw new Error(`case ${c}: ${got.error.message}`);
      if (got.value.kind !== 'decoded') throw new Error(got.value.reason);
      expectDecoded(got.value, s);
    }
  });
});
