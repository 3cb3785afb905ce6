// Which statistics a field gets (numeric, string, or a list of either), from
// its registry dtype; and the dtype a file column stands for (`stats --file`).
import type { ColumnType } from '../../src/core/registry/source-schema.ts';
import { type Dtype, isListDtype, listElement, type ScalarDtype } from '../../src/core/schema/dtype.ts';

export type StatsKind = 'numeric' | 'string' | 'list';

const scalarKind = (d: ScalarDtype): 'numeric' | 'string' => (d === 'string' || d === 'bytes' ? 'string' : 'numeric');

/** The kind of statistics of a dtype, and of its list elements (the dtype's own kind for scalars). */
export function statsKindOf(d: Dtype): { kind: StatsKind; element: 'numeric' | 'string' } {
  if (isListDtype(d)) return { kind: 'list', element: scalarKind(listElement(d)) };
  const k = scalarKind(d as ScalarDtype);
  return { kind: k, element: k };
}

function scalarDtypeOf(t: ColumnType): ScalarDtype {
  switch (t.kind) {
    case 'int':
      return t.bits !== null && t.bits <= 32 ? 'int32' : 'int64';
    case 'float':
      return t.bits !== null && t.bits <= 32 ? 'float32' : 'float64';
    case 'bool':
      return 'bool';
    case 'bytes':
      return 'bytes';
    case 'timestamp':
    case 'date':
      return 'unix_timestamp';
    default:
      // string, unknown (an all-empty CSV column), other: described as text
      return 'string';
  }
}

/** The dtype a source column is read as. */
export function dtypeOfColumn(t: ColumnType): Dtype {
  if (t.kind === 'list') {
    const e = t.element.kind === 'list' ? 'string' : scalarDtypeOf(t.element);
    return `list<${e}>`;
  }
  return scalarDtypeOf(t);
}
