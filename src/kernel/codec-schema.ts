import { err, ok, type Result } from '../core/errors.ts';

// Types of the feature-vector codec: field types and their codes, the schema
// descriptor, JS values, and the columnar shapes going in and out.

/** Byte 0 of every encoded row. */
export const CODEC_VERSION = 1;

/** Field type codes of the schema descriptor (Feast ValueType numbers; lists are 10 + T). */
export const FIELD_TYPE_CODE = Object.freeze({
  bytes: 1,
  string: 2,
  int32: 3,
  int64: 4,
  float64: 5,
  float32: 6,
  bool: 7,
  unix_timestamp: 8,
  'list<bytes>': 11,
  'list<string>': 12,
  'list<int32>': 13,
  'list<int64>': 14,
  'list<float64>': 15,
  'list<float32>': 16,
  'list<bool>': 17,
  'list<unix_timestamp>': 18,
} as const);

export type FieldType = keyof typeof FIELD_TYPE_CODE;
export type ScalarFieldType = Exclude<FieldType, `list<${string}>`>;
export type ListFieldType = Extract<FieldType, `list<${string}>`>;
export const FIELD_TYPES = Object.freeze(Object.keys(FIELD_TYPE_CODE) as FieldType[]);

/** A validated schema: ordered field types and their codes. */
export interface CodecSchema {
  readonly types: readonly FieldType[];
  readonly codes: Uint8Array;
}
export type SchemaInput = CodecSchema | readonly FieldType[];

export type FeatureValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | readonly boolean[]
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | readonly Uint8Array[];

export interface DecodedRow {
  readonly eventTs: bigint;
  /** null when the row has no created timestamp. */
  readonly createdTs: bigint | null;
  readonly values: FeatureValue[];
}

export interface DecodedFeature {
  readonly eventTs: bigint;
  readonly createdTs: bigint | null;
  readonly value: FeatureValue;
}

export type Offsets = Uint32Array | Int32Array;
export type FixedArray = Uint8Array | Int32Array | BigInt64Array | Float32Array | Float64Array;

/**
 * Columnar input for one field over n rows. `validity` is an Arrow-style
 * bitmap (bit i of byte i >> 3, 1 = present), absent = all present.
 * Fixed types: bool Uint8Array (0/1), int32 Int32Array, int64/unix_timestamp
 * BigInt64Array, float32 Float32Array, float64 Float64Array.
 * string/bytes: n + 1 byte offsets into `data` (UTF-8 for strings).
 * list<fixed>: n + 1 element offsets into `values` (typed as above).
 * list<string|bytes>: n + 1 element offsets, element byte offsets, data.
 */
export type FieldColumn =
  | { readonly values: FixedArray; readonly validity?: Uint8Array }
  | { readonly offsets: Offsets; readonly data: Uint8Array; readonly validity?: Uint8Array }
  | { readonly offsets: Offsets; readonly values: FixedArray; readonly validity?: Uint8Array }
  | { readonly offsets: Offsets; readonly valueOffsets: Offsets; readonly data: Uint8Array; readonly validity?: Uint8Array };

export interface RowBatch {
  /** n event timestamps (epoch microseconds). */
  readonly eventTs: BigInt64Array;
  /** n created timestamps; NULL_TS (i64 min) or an absent array means null. */
  readonly createdTs?: BigInt64Array | null;
  /** one column per schema field, in schema order. */
  readonly columns: readonly FieldColumn[];
}

/** Encoded rows: row r is data[offsets[r] .. offsets[r + 1]). */
export interface EncodedRows {
  readonly data: Uint8Array;
  readonly offsets: Uint32Array;
}

export interface RowValues {
  readonly eventTs: bigint | number;
  readonly createdTs?: bigint | number | null;
  readonly values: readonly FeatureValue[];
}

/** One decoded column; `valid[i]` is 1 when row i has a value. */
export type DecodedColumn =
  | { readonly type: 'bool'; readonly valid: Uint8Array; readonly values: Uint8Array }
  | { readonly type: 'int32'; readonly valid: Uint8Array; readonly values: Int32Array }
  | { readonly type: 'int64' | 'unix_timestamp'; readonly valid: Uint8Array; readonly values: BigInt64Array }
  | { readonly type: 'float32'; readonly valid: Uint8Array; readonly values: Float32Array }
  | { readonly type: 'float64'; readonly valid: Uint8Array; readonly values: Float64Array }
  | { readonly type: 'string'; readonly valid: Uint8Array; readonly values: (string | null)[] }
  | { readonly type: 'bytes'; readonly valid: Uint8Array; readonly values: (Uint8Array | null)[] }
  | { readonly type: 'list<bool>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Uint8Array }
  | { readonly type: 'list<int32>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Int32Array }
  | { readonly type: 'list<int64>' | 'list<unix_timestamp>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: BigInt64Array }
  | { readonly type: 'list<float32>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Float32Array }
  | { readonly type: 'list<float64>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Float64Array }
  | { readonly type: 'list<string>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: string[] }
  | { readonly type: 'list<bytes>'; readonly valid: Uint8Array; readonly offsets: Uint32Array; readonly values: Uint8Array[] };

export interface DecodedColumns {
  readonly rows: number;
  readonly eventTs: BigInt64Array;
  /** NULL_TS (i64 min) where a row has no created timestamp. */
  readonly createdTs: BigInt64Array;
  /** the decoded fields, in the order requested. */
  readonly fields: readonly number[];
  readonly columns: readonly DecodedColumn[];
}


// ------------------------------------------------------------------ type helpers (internal to the codec binding)

export function isList(t: FieldType): t is ListFieldType {
  return t.startsWith('list<');
}
export function elementType(t: ListFieldType): ScalarFieldType {
  return t.slice(5, -1) as ScalarFieldType;
}
export function isVar(t: FieldType): boolean {
  return t === 'string' || t === 'bytes' || isList(t);
}

/** Bytes per value of a fixed type (bool 1). */
export function width(t: ScalarFieldType): number {
  switch (t) {
    case 'bool':
      return 1;
    case 'int32':
    case 'float32':
      return 4;
    case 'int64':
    case 'float64':
    case 'unix_timestamp':
      return 8;
    default:
      return 0;
  }
}

export function typedFor(t: ScalarFieldType, buf: ArrayBuffer, n: number, byteOffset = 0): FixedArray {
  switch (t) {
    case 'bool':
      return new Uint8Array(buf, byteOffset, n);
    case 'int32':
      return new Int32Array(buf, byteOffset, n);
    case 'float32':
      return new Float32Array(buf, byteOffset, n);
    case 'float64':
      return new Float64Array(buf, byteOffset, n);
    default:
      return new BigInt64Array(buf, byteOffset, n);
  }
}

const ARRAY_TYPE: Record<ScalarFieldType, { new (n: number): FixedArray; readonly name: string } | null> = {
  bool: Uint8Array,
  int32: Int32Array,
  int64: BigInt64Array,
  unix_timestamp: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
  string: null,
  bytes: null,
};

export function expectedArray(t: ScalarFieldType): string {
  return ARRAY_TYPE[t]?.name ?? 'typed array';
}

export function isArrayOf(t: ScalarFieldType, a: unknown): boolean {
  const ctor = ARRAY_TYPE[t];
  return ctor !== null && a instanceof ctor;
}

/** Validate field types and build the schema descriptor. */
export function codecSchema(types: readonly FieldType[]): Result<CodecSchema> {
  const codes = new Uint8Array(types.length);
  for (let i = 0; i < types.length; i++) {
    const c = (FIELD_TYPE_CODE as Record<string, number>)[types[i]];
    if (c === undefined) return err('invalid_argument', `codec: field ${i} has unknown type ${String(types[i])}`);
    codes[i] = c;
  }
  return ok(Object.freeze({ types: Object.freeze([...types]), codes }));
}

export function schemaOf(s: SchemaInput): Result<CodecSchema> {
  return 'codes' in s && s.codes instanceof Uint8Array ? ok(s as CodecSchema) : codecSchema(s as readonly FieldType[]);
}

