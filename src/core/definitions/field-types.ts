import type { DtypeInput, ScalarDtype } from '../schema/dtype.ts';
import type { FieldInput } from './definition.ts';

/** Field types, by their canonical names. `types.list(types.int64)` is `'list<int64>'`. */
export const types = {
  bool: 'bool',
  int32: 'int32',
  int64: 'int64',
  float32: 'float32',
  float64: 'float64',
  string: 'string',
  bytes: 'bytes',
  unixTimestamp: 'unix_timestamp',
  list: <T extends ScalarDtype>(element: T): `list<${T}>` => `list<${element}>`,
} as const;

/** A schema field: `field('conv_rate', 'float32')`; Feast spellings (`'Float32'`, `'Array(Int64)'`) work too. */
export function field(
  name: string,
  dtype: DtypeInput,
  options: { description?: string; tags?: Record<string, string>; expectations?: FieldInput['expectations'] } = {},
): FieldInput {
  return { name, dtype, ...options };
}
