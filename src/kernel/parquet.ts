// The typed API over the pq_* kernels (assembly/parquet*.ts): codecs, the
// RLE/bit-packed hybrid, page headers, and the page loop that decodes one
// flat column chunk into a row-aligned column. Pure: no node:*, so a Worker
// can read Parquet from R2 with it too. offline/parquet drives it on Node.
import { err, ok, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { Status } from './status.ts';

/** Status returned by a pq_* kernel for an encoding it does not decode. */
export const PQ_UNSUPPORTED = 100;

/** parquet.thrift Type. */
export const ParquetPhysical = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  INT96: 3,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
  FIXED_LEN_BYTE_ARRAY: 7,
} as const;

/** parquet.thrift CompressionCodec. */
export const ParquetCodec = {
  UNCOMPRESSED: 0,
  SNAPPY: 1,
  GZIP: 2,
  LZO: 3,
  BROTLI: 4,
  LZ4: 5,
  ZSTD: 6,
  LZ4_RAW: 7,
} as const;

/** parquet.thrift Encoding. */
export const ParquetEncoding = {
  PLAIN: 0,
  PLAIN_DICTIONARY: 2,
  RLE: 3,
  BIT_PACKED: 4,
  DELTA_BINARY_PACKED: 5,
  DELTA_LENGTH_BYTE_ARRAY: 6,
  DELTA_BYTE_ARRAY: 7,
  RLE_DICTIONARY: 8,
  BYTE_STREAM_SPLIT: 9,
} as const;

/** parquet.thrift PageType. */
export const ParquetPageType = { DATA_PAGE: 0, INDEX_PAGE: 1, DICTIONARY_PAGE: 2, DATA_PAGE_V2: 3 } as const;

type Fn = (...a: never[]) => number;
const call = (k: KernelInstance, name: string, ...args: (number | bigint)[]): number =>
  (k.fn<Fn>(name) as unknown as (...a: (number | bigint)[]) => number)(...args);

const corrupt = <T>(kernel: string, message: string, details?: Record<string, unknown>): Result<T> =>
  err('corrupt_data', `${kernel}: ${message}`, details);

/** Kernel status -> error; every decode failure on input bytes is corrupt data. */
function statusErr<T>(kernel: string, status: number): Result<T> {
  if (status === Status.OUT_OF_MEMORY) return err('kernel_out_of_memory', `${kernel}: kernel memory exhausted`);
  return corrupt(kernel, `invalid encoded data (status ${status})`, { status });
}

// ---------------------------------------------------------------- codecs ---

/** Snappy-compress bytes (raw block format, as Parquet stores pages). */
export function snappyCompress(k: KernelInstance, src: Uint8Array): Result<Uint8Array> {
  return k.scoped('pq_snappy_compress', () => {
    const max = call(k, 'pq_snappy_max_length', src.length);
    if (max < 0) return err('invalid_argument', 'pq_snappy_compress: input too large');
    const s = k.copyIn(src);
    const d = k.alloc(max);
    const res = k.alloc(16);
    const st = call(k, 'pq_snappy_compress', s, src.length, d, res);
    if (st !== Status.OK) return statusErr('pq_snappy_compress', st);
    return ok(k.u8(d, k.i32(res, 1)[0]).slice());
  });
}

/** Decompress a snappy block (its preamble states the size). */
export function snappyDecompress(k: KernelInstance, src: Uint8Array): Result<Uint8Array> {
  return k.scoped('pq_snappy_decompress', () => {
    const s = k.copyIn(src);
    const res = k.alloc(16);
    const st0 = call(k, 'pq_snappy_length', s, src.length, res);
    if (st0 !== Status.OK) return statusErr('pq_snappy_decompress', st0);
    const n = k.i32(res, 1)[0];
    const d = k.alloc(n);
    const st = call(k, 'pq_snappy_decompress', s, src.length, d, n);
    if (st !== Status.OK) return statusErr('pq_snappy_decompress', st);
    return ok(k.u8(d, n).slice());
  });
}

/** Decompress an LZ4 raw block into exactly `size` bytes. */
export function lz4Decompress(k: KernelInstance, src: Uint8Array, size: number): Result<Uint8Array> {
  return k.scoped('pq_lz4_decompress', () => {
    const s = k.copyIn(src);
    const d = k.alloc(size);
    const st = call(k, 'pq_lz4_decompress', s, src.length, d, size);
    if (st !== Status.OK) return statusErr('pq_lz4_decompress', st);
    return ok(k.u8(d, size).slice());
  });
}

// ------------------------------------------------------------------- RLE ---

/** Decode n values of the RLE/bit-packed hybrid at bitWidth (0..32). */
export function rleDecode(k: KernelInstance, src: Uint8Array, bitWidth: number, n: number): Result<{ values: Uint32Array; consumed: number }> {
  return k.scoped('pq_rle_decode', () => {
    const s = k.copyIn(src);
    const d = k.alloc(n * 4);
    const res = k.alloc(16);
    const st = call(k, 'pq_rle_decode', s, src.length, bitWidth, n, d, res);
    if (st !== Status.OK) return statusErr('pq_rle_decode', st);
    return ok({ values: k.u32(d, n).slice(), consumed: k.i32(res, 1)[0] });
  });
}

/** Encode values (u32, or bytes such as a validity array) with the hybrid at bitWidth (1..32). */
export function rleEncode(k: KernelInstance, values: Uint32Array | Uint8Array, bitWidth: number): Result<Uint8Array> {
  return k.scoped('pq_rle_encode', () => {
    const max = call(k, 'pq_rle_max_length', values.length, bitWidth);
    if (max < 0) return err('invalid_argument', 'pq_rle_encode: bad bit width or size');
    const s = k.copyIn(values);
    const d = k.alloc(max);
    const res = k.alloc(16);
    const st = call(k, 'pq_rle_encode', s, values.length, bitWidth, values instanceof Uint8Array ? 1 : 0, d, res);
    if (st !== Status.OK) return statusErr('pq_rle_encode', st);
    return ok(k.u8(d, k.i32(res, 1)[0]).slice());
  });
}

/** Definition levels -> validity (1 byte per row). */
export function defLevelsToValidity(k: KernelInstance, src: Uint8Array, bitWidth: number, n: number, maxDef: number): Result<{ validity: Uint8Array; valid: number; consumed: number }> {
  return k.scoped('pq_def_levels', () => {
    const s = k.copyIn(src);
    const d = k.alloc(n);
    const res = k.alloc(16);
    const st = call(k, 'pq_def_levels', s, src.length, bitWidth, n, maxDef, d, res);
    if (st !== Status.OK) return statusErr('pq_def_levels', st);
    const r = k.i32(res, 2);
    return ok({ validity: k.u8(d, n).slice(), valid: r[0], consumed: r[1] });
  });
}

/** Bit width needed for levels 0..max. */
export const bitWidth = (max: number): number => (max <= 0 ? 0 : 32 - Math.clz32(max));

// ----------------------------------------------------------- page header ---

export interface PageHeader {
  headerLength: number;
  type: number;
  uncompressedSize: number;
  compressedSize: number;
  numValues: number;
  encoding: number;
  defEncoding: number;
  repEncoding: number;
  numNulls: number;
  numRows: number;
  defLength: number;
  repLength: number;
  isCompressed: boolean;
}

function readHeader(slots: Int32Array): PageHeader {
  return {
    headerLength: slots[0],
    type: slots[1],
    uncompressedSize: slots[2],
    compressedSize: slots[3],
    numValues: slots[4],
    encoding: slots[5],
    defEncoding: slots[6],
    repEncoding: slots[7],
    numNulls: slots[8],
    numRows: slots[9],
    defLength: slots[10],
    repLength: slots[11],
    isCompressed: slots[12] !== 0,
  };
}

/** Parse one Thrift-compact PageHeader at the start of src (missing fields are -1). */
export function parsePageHeader(k: KernelInstance, src: Uint8Array): Result<PageHeader> {
  return k.scoped('pq_page_header', () => {
    const s = k.copyIn(src);
    const out = k.alloc(64);
    const st = call(k, 'pq_page_header', s, src.length, out);
    if (st !== Status.OK) return statusErr('pq_page_header', st);
    return ok(readHeader(k.i32(out, 16)));
  });
}

// ------------------------------------------------------------ chunk loop ---

/** What the page loop needs to know about one column chunk. */
export interface ColumnChunkSpec {
  /** ParquetPhysical. */
  physical: number;
  /** Byte width of FIXED_LEN_BYTE_ARRAY values. */
  typeLength?: number;
  /** Max definition level (0 = required). Flat columns only: maxRep must be 0. */
  maxDef: number;
  maxRep: number;
  /** ParquetCodec. */
  codec: number;
  /** Rows in the row group (= values, for a flat column). */
  numRows: number;
  /** Bytes of the column chunk (all its pages). */
  byteLength: number;
  /** INT64 post-processing: multiply, then floor-divide (timestamp unit changes). */
  rescale?: { mul: bigint; div: bigint };
  /** Write this value into null rows of an INT64/INT96 column (e.g. i64 MIN), instead of 0. */
  nullValue?: bigint;
  /** INT32 holds UINT_32: widen to i64. */
  widenUint32?: boolean;
}

export type FixedValues = Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

export interface DecodedChunk {
  readonly kind: 'decoded';
  readonly numRows: number;
  /** Fixed-width and boolean columns (INT96 comes out as epoch nanoseconds). */
  readonly values?: FixedValues;
  /** Byte-array columns: value i is data[offsets[i] .. offsets[i + 1]). */
  readonly offsets?: Int32Array;
  readonly data?: Uint8Array;
  /** 1 byte per row, 1 = present; null when the chunk has no nulls. */
  readonly validity: Uint8Array | null;
  readonly nullCount: number;
}

export interface UnsupportedChunk {
  readonly kind: 'unsupported';
  readonly reason: string;
}

/** Decompress a page with a codec the kernel lacks (GZIP, BROTLI, ZSTD...); null = cannot; throwing = corrupt page. */
export type HostDecompress = (codec: number, src: Uint8Array, uncompressedSize: number) => Uint8Array | null;

interface PageRef {
  type: number;
  data: number; // address of the page body in the chunk buffer
  h: PageHeader;
  row: number; // first row of a data page
  slack: number; // in-place v1 page: bytes its levels reach before the column start (-1: not in place)
}

const KERNEL = 'parquet.decodeColumnChunk';
/** Most level bytes a page may carry and still decompress in place. */
const IN_PLACE_HEAD = 1 << 20;

/** Bytes per decoded value in wasm memory (INT96 is widened afterwards). */
function physicalWidth(physical: number, typeLength: number): number {
  switch (physical) {
    case ParquetPhysical.BOOLEAN: return 1;
    case ParquetPhysical.INT32:
    case ParquetPhysical.FLOAT: return 4;
    case ParquetPhysical.INT64:
    case ParquetPhysical.DOUBLE: return 8;
    case ParquetPhysical.INT96: return 12;
    case ParquetPhysical.FIXED_LEN_BYTE_ARRAY: return typeLength;
    default: return 0;
  }
}

const SUPPORTED_CODECS: ReadonlySet<number> = new Set([ParquetCodec.UNCOMPRESSED, ParquetCodec.SNAPPY, ParquetCodec.LZ4_RAW]);

/**
 * Decode one flat column chunk. `fill` receives a view into wasm memory of
 * exactly spec.byteLength bytes and must fill it with the chunk (the Node
 * reader reads the file straight into it). `take` receives views of the
 * decoded column in wasm memory and copies them wherever the caller wants
 * (fresh arrays, recycled buffers); the views die when it returns. Returns
 * `unsupported` (never a guess) for encodings, codecs or shapes the kernel
 * does not handle, so the caller can use another reader; corrupt bytes give a
 * `corrupt_data` error.
 */
export function decodeColumnChunkWith<T>(
  k: KernelInstance,
  spec: ColumnChunkSpec,
  fill: (dst: Uint8Array) => void,
  hostDecompress: HostDecompress | undefined,
  take: (views: ChunkViews) => T,
): Result<{ kind: 'decoded'; value: T } | UnsupportedChunk> {
  const unsupported = (reason: string): Result<UnsupportedChunk> => ok({ kind: 'unsupported', reason });
  const { physical, maxDef, numRows, byteLength, codec } = spec;
  if (spec.maxRep !== 0) return unsupported('repeated (nested) column');
  if (physical === ParquetPhysical.FIXED_LEN_BYTE_ARRAY) return unsupported('FIXED_LEN_BYTE_ARRAY');
  if (!SUPPORTED_CODECS.has(codec) && !hostDecompress) return unsupported(`codec ${codec}`);
  const isBytes = physical === ParquetPhysical.BYTE_ARRAY;
  const width = physicalWidth(physical, spec.typeLength ?? 0);
  if (!isBytes && width <= 0) return corrupt(KERNEL, `unknown physical type ${physical}`);
  if (!(numRows >= 0 && byteLength >= 0 && maxDef >= 0)) return err('invalid_argument', `${KERNEL}: bad chunk spec`);

  return k.scoped<{ kind: 'decoded'; value: T } | UnsupportedChunk>(KERNEL, () => {
    const chunk = k.alloc(byteLength);
    fill(k.u8(chunk, byteLength));
    const hdr = k.alloc(64);
    const res = k.alloc(16);

    // Pass 1: walk the page headers (no allocation, so the chunk view stays put).
    const pages: PageRef[] = [];
    let pos = 0;
    let seen = 0;
    let sawDict = false;
    let maxScratch = 0; // decompressed bytes needed for one page
    let maxVals = 0;
    let plainBytes = 0;
    let maxSlack = 0;
    while (seen < numRows && pos < byteLength) {
      const st = call(k, 'pq_page_header', chunk + pos, byteLength - pos, hdr);
      if (st !== Status.OK) return corrupt(KERNEL, `bad page header at chunk byte ${pos}`);
      const h = readHeader(k.i32(hdr, 16));
      const body = pos + h.headerLength;
      if (h.compressedSize > byteLength - body) return corrupt(KERNEL, `page at chunk byte ${pos} runs past the column chunk`);
      if (h.type === ParquetPageType.DATA_PAGE || h.type === ParquetPageType.DATA_PAGE_V2) {
        if (h.numValues < 0 || h.numValues > numRows - seen) return corrupt(KERNEL, `page value count ${h.numValues} exceeds the row group`);
        if (h.type === ParquetPageType.DATA_PAGE_V2) {
          if (h.defLength < 0 || h.repLength < 0 || h.defLength + h.repLength > h.compressedSize || h.defLength + h.repLength > h.uncompressedSize) {
            return corrupt(KERNEL, 'bad level lengths in data page v2');
          }
          if (h.isCompressed && codec !== ParquetCodec.UNCOMPRESSED) maxScratch = Math.max(maxScratch, h.uncompressedSize - h.defLength - h.repLength);
        }
        // A PLAIN v1 page of a fixed-width column can decompress in place when its level bytes are small.
        let slack = -1;
        if (h.type === ParquetPageType.DATA_PAGE && h.encoding === ParquetEncoding.PLAIN && width > 1 && !isBytes) {
          const over = h.uncompressedSize - h.numValues * width;
          if (over <= IN_PLACE_HEAD) slack = Math.max(0, h.uncompressedSize - (seen + h.numValues) * width);
        }
        if (slack < 0 && !(h.type === ParquetPageType.DATA_PAGE_V2 && codec !== ParquetCodec.UNCOMPRESSED)) {
          maxScratch = Math.max(maxScratch, h.uncompressedSize);
        }
        pages.push({ type: h.type, data: chunk + body, h, row: seen, slack });
        maxSlack = Math.max(maxSlack, slack);
        seen += h.numValues;
        maxVals = Math.max(maxVals, h.numValues);
        plainBytes += h.uncompressedSize;
      } else if (h.type === ParquetPageType.DICTIONARY_PAGE) {
        if (sawDict || pages.length > 0) return corrupt(KERNEL, 'dictionary page after data pages');
        if (h.numValues < 0) return corrupt(KERNEL, 'bad dictionary size');
        sawDict = true;
        pages.push({ type: h.type, data: chunk + body, h, row: 0, slack: -1 });
      } // index pages and unknown page types are skipped
      pos = body + h.compressedSize;
    }
    if (seen !== numRows) return corrupt(KERNEL, `column chunk holds ${seen} values, row group has ${numRows}`);

    // Outputs and scratch.
    const outWidth = physical === ParquetPhysical.INT96 || spec.widenUint32 ? 8 : width;
    const validity = maxDef > 0 ? k.alloc(numRows) : 0;
    maxSlack = (maxSlack + 15) & ~15; // keep the column 16-byte aligned for typed-array views
    const own = physical === ParquetPhysical.INT96 || spec.widenUint32 === true; // decoded at width, then widened
    const out = isBytes ? 0 : own ? k.alloc(numRows * outWidth) : k.alloc(maxSlack + numRows * outWidth) + maxSlack;
    const raw = own ? k.alloc(maxSlack + numRows * width) + maxSlack : out;
    const offsets = isBytes ? k.alloc((numRows + 1) * 4) : 0;
    let dataCap = isBytes ? Math.max(plainBytes, 16) : 0;
    let data = isBytes ? k.alloc(dataCap) : 0;
    let dataLen = 0;
    if (isBytes) k.i32(offsets, 1)[0] = 0;
    const scratch = k.alloc(Math.max(maxScratch, 16));
    const vals = k.alloc(Math.max(maxVals * Math.max(8, width), 16));
    let dict = 0;
    let dictCount = 0;
    let dictEntries = 0;
    const defWidth = bitWidth(maxDef);

    /** Decompress size bytes at src into dst; returns an error message or ''. */
    const inflate = (src: number, srcLen: number, dst: number, size: number): string | null => {
      if (codec === ParquetCodec.SNAPPY) return call(k, 'pq_snappy_decompress', src, srcLen, dst, size) === Status.OK ? '' : 'bad snappy data';
      if (codec === ParquetCodec.LZ4_RAW) return call(k, 'pq_lz4_decompress', src, srcLen, dst, size) === Status.OK ? '' : 'bad lz4 data';
      let got: Uint8Array | null;
      try {
        got = hostDecompress?.(codec, k.u8(src, srcLen), size) ?? null;
      } catch (e) {
        return `codec ${codec}: ${(e as Error).message}`;
      }
      if (got === null) return null;
      if (got.length !== size) return `codec ${codec} produced ${got.length} bytes, page header says ${size}`;
      k.u8(dst, size).set(got);
      return '';
    };

    // Dictionary first; then data pages. Fixed-width PLAIN v1 pages are
    // decompressed in place: the page is placed so that its values end where
    // its rows end, which spares a copy of every value. Its level bytes then
    // overlap earlier rows, so those columns decode their pages last to first.
    let valid = 0;
    const data0 = pages[0]?.type === ParquetPageType.DICTIONARY_PAGE ? 1 : 0;
    if (data0 === 1) {
      const h = pages[0].h;
      if (h.encoding !== ParquetEncoding.PLAIN && h.encoding !== ParquetEncoding.PLAIN_DICTIONARY) return unsupported(`dictionary encoding ${h.encoding}`);
      let body = pages[0].data;
      if (codec !== ParquetCodec.UNCOMPRESSED) {
        body = k.alloc(Math.max(h.uncompressedSize, 16));
        const e = inflate(pages[0].data, h.compressedSize, body, h.uncompressedSize);
        if (e === null) return unsupported(`codec ${codec}`);
        if (e) return corrupt(KERNEL, `dictionary page: ${e}`);
      } else if (h.uncompressedSize !== h.compressedSize) return corrupt(KERNEL, 'uncompressed page sizes differ');
      dictCount = h.numValues;
      if (isBytes) {
        dictEntries = k.alloc(Math.max(dictCount * 8, 16));
        if (call(k, 'pq_ba_dictionary', body, h.uncompressedSize, dictCount, dictEntries) !== Status.OK) return corrupt(KERNEL, 'bad dictionary page');
      } else {
        if (physical === ParquetPhysical.BOOLEAN) return corrupt(KERNEL, 'dictionary page in a boolean column');
        if (dictCount * width > h.uncompressedSize) return corrupt(KERNEL, 'dictionary page too short');
        dict = body;
      }
    }
    const inPlace = !isBytes && physical !== ParquetPhysical.BOOLEAN && codec !== ParquetCodec.UNCOMPRESSED;
    const order: number[] = [];
    for (let i = data0; i < pages.length; i++) order.push(i);
    if (inPlace) order.reverse();
    const mem = () => k.u8(0, k.memoryBytes);

    for (const pi of order) {
      const page = pages[pi];
      const h = page.h;
      const n = h.numValues;
      const row = page.row;
      let vp: number;
      let vlen: number;
      let nonNull = n;
      const vrow = validity ? validity + row : 0;
      const target = raw + row * width;
      if (page.type === ParquetPageType.DATA_PAGE) {
        let body = page.data;
        const direct = inPlace && page.slack >= 0;
        if (codec !== ParquetCodec.UNCOMPRESSED) {
          body = direct ? target + n * width - h.uncompressedSize : scratch;
          const e = inflate(page.data, h.compressedSize, body, h.uncompressedSize);
          if (e === null) return unsupported(`codec ${codec}`);
          if (e) return corrupt(KERNEL, `data page: ${e}`);
        } else if (h.uncompressedSize !== h.compressedSize) return corrupt(KERNEL, 'uncompressed page sizes differ');
        let p = body;
        let left = h.uncompressedSize;
        if (maxDef > 0) {
          if (h.defEncoding !== ParquetEncoding.RLE) return unsupported(`definition level encoding ${h.defEncoding}`);
          if (left < 4) return corrupt(KERNEL, 'data page too short for its levels');
          const lb = k.u8(p, 4);
          const len = (lb[0] | (lb[1] << 8) | (lb[2] << 16) | (lb[3] << 24)) >>> 0;
          if (len > left - 4) return corrupt(KERNEL, 'bad definition level length');
          if (call(k, 'pq_def_levels', p + 4, len, defWidth, n, maxDef, vrow, res) !== Status.OK) return corrupt(KERNEL, 'bad definition levels');
          nonNull = k.i32(res, 1)[0];
          p += 4 + len;
          left -= 4 + len;
        }
        if (direct) {
          // Values are PLAIN: move them to the tail of the page's rows, then spread.
          const need = nonNull * width;
          if (need > left) return corrupt(KERNEL, 'data page shorter than its values');
          const tail = target + (n - nonNull) * width;
          if (p !== tail) mem().copyWithin(tail, p, p + need);
          if (nonNull < n && call(k, 'pq_spread_tail', target, width, vrow, n, nonNull) !== Status.OK) return corrupt(KERNEL, 'bad value counts');
          valid += nonNull;
          continue;
        }
        vp = p;
        vlen = left;
      } else {
        const lv = page.data + h.repLength;
        if (maxDef > 0) {
          if (call(k, 'pq_def_levels', lv, h.defLength, defWidth, n, maxDef, vrow, res) !== Status.OK) return corrupt(KERNEL, 'bad definition levels');
          nonNull = k.i32(res, 1)[0];
        }
        const head = h.repLength + h.defLength;
        vp = page.data + head;
        vlen = h.compressedSize - head;
        if (h.isCompressed && codec !== ParquetCodec.UNCOMPRESSED) {
          const size = h.uncompressedSize - head;
          // PLAIN fixed values with no nulls decompress straight into their rows.
          const direct = inPlace && h.encoding === ParquetEncoding.PLAIN && nonNull === n && size === n * width;
          const dst = direct ? target : scratch;
          const e = inflate(vp, vlen, dst, size);
          if (e === null) return unsupported(`codec ${codec}`);
          if (e) return corrupt(KERNEL, `data page v2: ${e}`);
          if (direct) {
            valid += nonNull;
            continue;
          }
          vp = scratch;
          vlen = size;
        }
      }

      const enc = h.encoding;
      const isDict = enc === ParquetEncoding.PLAIN_DICTIONARY || enc === ParquetEncoding.RLE_DICTIONARY;
      if (isDict && data0 === 0) return corrupt(KERNEL, 'dictionary-encoded page without a dictionary');
      let st: number;
      if (isBytes) {
        st = call(k, 'pq_ba_locate', enc, vp, vlen, nonNull, dictEntries, dictCount, vals, res);
        if (st === Status.OK) {
          const need = k.i32(res, 1)[0];
          if (dataLen + need > dataCap) {
            const cap = Math.max(dataLen + need, dataCap * 2);
            const grown = k.alloc(cap);
            k.u8(grown, dataLen).set(k.u8(data, dataLen));
            data = grown;
            dataCap = cap;
          }
          st = call(k, 'pq_ba_gather', vals, nonNull, vrow, n, offsets + row * 4, data);
          dataLen += need;
        }
      } else if (physical === ParquetPhysical.BOOLEAN) {
        st = call(k, 'pq_decode_bool', enc, vp, vlen, nonNull, vrow, n, out + row, vals);
      } else {
        st = call(k, 'pq_decode_fixed', enc, vp, vlen, width, nonNull, vrow, n, target, dict, dictCount, vals);
      }
      if (st === PQ_UNSUPPORTED) return unsupported(`encoding ${enc}`);
      if (st !== Status.OK) return statusErr(KERNEL, st);
      valid += nonNull;
    }

    const nullCount = numRows - valid;
    if (physical === ParquetPhysical.INT96) call(k, 'pq_int96_to_ns', raw, numRows, out);
    if (spec.widenUint32) call(k, 'pq_u32_to_i64', raw, numRows, out);
    const is64 = physical === ParquetPhysical.INT64 || physical === ParquetPhysical.INT96 || spec.widenUint32 === true;
    const fillNulls = nullCount > 0 && (spec.nullValue !== undefined || physical === ParquetPhysical.INT96);
    if (is64 && (spec.rescale || fillNulls)) {
      const mul = spec.rescale?.mul ?? 1n;
      const div = spec.rescale?.div ?? 1n;
      if (mul <= 0n || div <= 0n) return err('invalid_argument', `${KERNEL}: rescale factors must be positive`);
      call(k, 'pq_i64_rescale', out, numRows, mul, div, nullCount > 0 ? validity : 0, spec.nullValue ?? 0n);
    }

    const view: ChunkViews = {
      numRows,
      nullCount,
      validity: nullCount > 0 ? k.u8(validity, numRows) : null,
    };
    if (isBytes) {
      view.offsets = k.i32(offsets, numRows + 1);
      view.data = k.u8(data, dataLen);
    } else if (physical === ParquetPhysical.BOOLEAN) view.values = k.u8(out, numRows);
    else if (outWidth === 8) view.values = physical === ParquetPhysical.DOUBLE ? k.f64(out, numRows) : k.i64(out, numRows);
    else view.values = physical === ParquetPhysical.FLOAT ? k.f32(out, numRows) : k.i32(out, numRows);
    return ok({ kind: 'decoded', value: take(view) });
  });
}

/** Views of a decoded chunk in wasm memory: valid only inside the `take` callback. */
export interface ChunkViews {
  numRows: number;
  nullCount: number;
  validity: Uint8Array | null;
  values?: FixedValues;
  offsets?: Int32Array;
  data?: Uint8Array;
}

/** Copy views out of wasm memory into fresh arrays. */
export function copyChunk(v: ChunkViews): DecodedChunk {
  return {
    kind: 'decoded',
    numRows: v.numRows,
    nullCount: v.nullCount,
    validity: v.validity ? v.validity.slice() : null,
    ...(v.values ? { values: v.values.slice() } : {}),
    ...(v.offsets ? { offsets: v.offsets.slice(), data: v.data!.slice() } : {}),
  };
}

/**
 * Decode one flat column chunk into fresh arrays. See decodeColumnChunkWith.
 */
export function decodeColumnChunk(
  k: KernelInstance,
  spec: ColumnChunkSpec,
  fill: (dst: Uint8Array) => void,
  hostDecompress?: HostDecompress,
): Result<DecodedChunk | UnsupportedChunk> {
  const r = decodeColumnChunkWith(k, spec, fill, hostDecompress, copyChunk);
  if (!r.ok || r.value.kind === 'unsupported') return r as Result<UnsupportedChunk>;
  return ok(r.value.value);
}

/** Decode a column chunk already in JS memory. */
export function decodeColumnChunkBytes(k: KernelInstance, spec: Omit<ColumnChunkSpec, 'byteLength'>, bytes: Uint8Array, hostDecompress?: HostDecompress): Result<DecodedChunk | UnsupportedChunk> {
  return decodeColumnChunk(k, { ...spec, byteLength: bytes.length }, (dst) => dst.set(bytes), hostDecompress);
}

// ---------------------------------------------------------------- writer ---

/** One page of one column, as the writer hands it to the kernel. */
export type PageValues =
  | { kind: 'fixed'; width: 4 | 8; bytes: Uint8Array; stats?: 'i32' | 'i64' | 'f32' | 'f64' }
  | { kind: 'bool'; bytes: Uint8Array }
  | { kind: 'bytes'; offsets: Int32Array; data: Uint8Array };

export interface EncodedPage {
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly nonNull: number;
  /** Min/max of the non-null values (NaN skipped) when `stats` was asked and there are any. */
  readonly min?: number | bigint;
  readonly max?: number | bigint;
}

const STATS_KIND = { i32: 0, i64: 1, f32: 2, f64: 3 } as const;

/**
 * Encode one data page (v1, PLAIN values) of nRows rows and hand its body
 * ([u32 length + RLE definition levels] + values, snappy-compressed if asked)
 * to `sink` as a view into wasm memory, valid only during the call (the
 * writer writes it straight to the file). validity (1 byte per row) is
 * required for an optional column (maxDef 1), null for a required one.
 */
export function encodeDataPage(
  k: KernelInstance,
  values: PageValues,
  nRows: number,
  validity: Uint8Array | null,
  snappy: boolean,
  sink: (body: Uint8Array, page: EncodedPage) => void,
): Result<EncodedPage> {
  const name = 'parquet.encodeDataPage';
  return k.scoped(name, () => {
    const res = k.alloc(32);
    let levels = 0;
    let levelLen = 0;
    let vptr = 0;
    if (validity) {
      if (validity.length < nRows) return err('invalid_argument', `${name}: validity shorter than the page`);
      vptr = k.copyIn(validity.subarray(0, nRows));
      levels = k.alloc(call(k, 'pq_rle_max_length', nRows, 1));
      const st = call(k, 'pq_rle_encode', vptr, nRows, 1, 1, levels, res);
      if (st !== Status.OK) return statusErr(name, st);
      levelLen = k.i32(res, 1)[0];
    }
    const head = validity ? 4 + levelLen : 0;
    let cap: number;
    if (values.kind === 'fixed') cap = nRows * values.width;
    else if (values.kind === 'bool') cap = (nRows + 7) >> 3;
    else cap = nRows * 4 + Math.max(0, values.offsets[nRows] - values.offsets[0]);
    const page = k.alloc(head + cap + 16);
    if (validity) {
      k.i32(page, 1)[0] = levelLen;
      k.u8(page + 4, levelLen).set(k.u8(levels, levelLen));
    }
    let valueBytes: number;
    let nonNull = nRows;
    const dst = page + head;
    if (values.kind === 'fixed') {
      const w = values.width;
      if (values.bytes.length < nRows * w) return err('invalid_argument', `${name}: values shorter than the page`);
      const hasNulls = validity !== null && validity.subarray(0, nRows).includes(0);
      if (!hasNulls) {
        k.u8(dst, nRows * w).set(values.bytes.subarray(0, nRows * w));
      } else {
        const src = k.copyIn(values.bytes.subarray(0, nRows * w));
        call(k, 'pq_compact', src, w, vptr, nRows, dst, res);
        nonNull = k.i32(res, 1)[0];
      }
      valueBytes = nonNull * w;
    } else if (values.kind === 'bool') {
      const src = k.copyIn(values.bytes.subarray(0, nRows));
      call(k, 'pq_bool_pack', src, vptr, nRows, dst, res);
      valueBytes = k.i32(res, 1)[0];
    } else {
      const base = values.offsets[0];
      const end = values.offsets[nRows];
      if (!(base >= 0 && end >= base && end <= values.data.length)) return err('invalid_argument', `${name}: offsets out of range`);
      const off = k.copyIn(values.offsets.subarray(0, nRows + 1));
      // Copy only this page's bytes; offsets stay absolute, so shift the base address.
      const dat = k.copyIn(values.data.subarray(base, end));
      const st = call(k, 'pq_ba_encode', off, (dat - base) >>> 0, vptr, nRows, dst, res);
      if (st !== Status.OK) return err('invalid_argument', `${name}: offsets must not decrease`);
      valueBytes = k.i32(res, 1)[0];
    }
    if (validity && values.kind !== 'fixed') {
      nonNull = 0;
      for (let i = 0; i < nRows; i++) nonNull += validity[i] ? 1 : 0;
    }
    // Statistics over the dense values now in the page buffer.
    let min: number | bigint | undefined;
    let max: number | bigint | undefined;
    if (values.kind === 'fixed' && values.stats) {
      const kind = STATS_KIND[values.stats];
      call(k, 'pq_minmax', kind, dst, nonNull, res);
      if (k.i32(res, 1)[0] > 0) {
        if (kind <= 1) {
          const mm = k.i64(res + 8, 2);
          [min, max] = kind === 0 ? [Number(mm[0]), Number(mm[1])] : [mm[0], mm[1]];
        } else {
          const mm = k.f64(res + 8, 2);
          [min, max] = [mm[0], mm[1]];
        }
      }
    }
    const size = head + valueBytes;
    let body = page;
    let bodyLen = size;
    if (snappy) {
      body = k.alloc(call(k, 'pq_snappy_max_length', size));
      const st = call(k, 'pq_snappy_compress', page, size, body, res);
      if (st !== Status.OK) return statusErr(name, st);
      bodyLen = k.i32(res, 1)[0];
    }
    const info: EncodedPage = { uncompressedSize: size, compressedSize: bodyLen, nonNull, ...(min !== undefined ? { min, max } : {}) };
    sink(k.u8(body, bodyLen), info);
    return ok(info);
  });
}

/** encodeDataPage into a fresh array (tests, small pages). */
export function encodeDataPageBytes(k: KernelInstance, values: PageValues, nRows: number, validity: Uint8Array | null, snappy: boolean): Result<EncodedPage & { body: Uint8Array }> {
  let body = new Uint8Array(0);
  const r = encodeDataPage(k, values, nRows, validity, snappy, (b) => {
    body = b.slice();
  });
  return r.ok ? ok({ ...r.value, body }) : r;
}

/** Convert n i64 values in place in a copy: multiply by mul, floor-divide by div; nulls (validity 0) get nullValue. */
export function rescaleI64(k: KernelInstance, values: BigInt64Array, mul: bigint, div: bigint, validity: Uint8Array | null = null, nullValue = 0n): Result<BigInt64Array> {
  return k.scoped('pq_i64_rescale', () => {
    if (mul <= 0n || div <= 0n) return err('invalid_argument', 'pq_i64_rescale: factors must be positive');
    const p = k.copyIn(values);
    const v = validity ? k.copyIn(validity.subarray(0, values.length)) : 0;
    const st = call(k, 'pq_i64_rescale', p, values.length, mul, div, v, nullValue);
    if (st !== Status.OK) return statusErr('pq_i64_rescale', st);
    return ok(k.i64(p, values.length).slice());
  });
}
