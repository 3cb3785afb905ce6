import { z } from 'zod';

/**
 * Field types. The canonical spellings are the ones the codec kernel uses; Feast's spellings
 * (`Int64`, `Float32`, `Array(Int64)`, ...) are accepted on input and normalized.
 */
export const SCALAR_DTYPES = ['bool', 'int32', 'int64', 'float32', 'float64', 'unix_timestamp', 'string', 'bytes'] as const;
export type ScalarDtype = (typeof SCALAR_DTYPES)[number];
export type ListDtype = `list<${ScalarDtype}>`;

export const DTYPES = [...SCALAR_DTYPES, ...SCALAR_DTYPES.map((t) => `list<${t}>` as ListDtype)] as const;

/** A canonical field type, as stored in the registry. */
export const Dtype = z.enum(DTYPES as unknown as [ScalarDtype | ListDtype, ...(ScalarDtype | ListDtype)[]]);
export type Dtype = z.output<typeof Dtype>;

/** Join-key value types (the entity-key serialization supports exactly these). */
export const VALUE_TYPES = ['int32', 'int64', 'string', 'bytes', 'unix_timestamp'] as const;
export const ValueType = z.enum(VALUE_TYPES);
export type ValueType = z.output<typeof ValueType>;

/** Feast's scalar type names (and a few common aliases) mapped to the canonical names. */
const SCALAR_ALIASES: Readonly<Record<string, ScalarDtype>> = {
  bool: 'bool',
  boolean: 'bool',
  int32: 'int32',
  int64: 'int64',
  float32: 'float32',
  float: 'float32',
  float64: 'float64',
  double: 'float64',
  string: 'string',
  str: 'string',
  bytes: 'bytes',
  unix_timestamp: 'unix_timestamp',
  unixtimestamp: 'unix_timestamp',
};

/** Every spelling accepted on input, for TypeScript autocompletion. */
export type DtypeInput =
  | Dtype
  | 'Bool'
  | 'Int32'
  | 'Int64'
  | 'Float32'
  | 'Float64'
  | 'String'
  | 'Bytes'
  | 'UnixTimestamp'
  | `Array(${'Bool' | 'Int32' | 'Int64' | 'Float32' | 'Float64' | 'String' | 'Bytes' | 'UnixTimestamp'})`
  | (string & {});

function scalar(name: string): ScalarDtype | null {
  return SCALAR_ALIASES[name.trim().toLowerCase()] ?? null;
}

/** Normalize a dtype spelling to its canonical name, or null when it is not a known type. */
export function normalizeDtype(input: unknown): Dtype | null {
  if (typeof input !== 'string') return null;
  const s = input.trim();
  const list = /^(?:list<(.+)>|array\((.+)\)|array<(.+)>)$/i.exec(s);
  if (list) {
    const inner = scalar(list[1] ?? list[2] ?? list[3] ?? '');
    return inner === null ? null : `list<${inner}>`;
  }
  return scalar(s);
}

/** Normalize a join-key value type, or null when it is not one of the allowed key types. */
export function normalizeValueType(input: unknown): ValueType | null {
  const d = normalizeDtype(input);
  return d !== null && (VALUE_TYPES as readonly string[]).includes(d) ? (d as ValueType) : null;
}

export function isListDtype(d: Dtype): d is ListDtype {
  return d.startsWith('list<');
}

export function listElement(d: ListDtype): ScalarDtype {
  return d.slice(5, -1) as ScalarDtype;
}
