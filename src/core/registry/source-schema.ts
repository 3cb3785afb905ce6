import { type Dtype, isListDtype, listElement, type ScalarDtype, type ValueType } from '../schema/dtype.ts';

/** The type of a column as read from a source file (Parquet metadata, Arrow schema, CSV inference). */
export type ColumnType =
  | { readonly kind: 'int'; readonly bits: 8 | 16 | 32 | 64 | null }
  | { readonly kind: 'float'; readonly bits: 16 | 32 | 64 | null }
  | { readonly kind: 'bool' }
  | { readonly kind: 'string' }
  | { readonly kind: 'bytes' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'date' }
  | { readonly kind: 'list'; readonly element: ColumnType }
  /** No value seen (e.g. an all-empty CSV column): compatible with anything. */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'other'; readonly name: string };

/** The columns of a file source, read from one of its files. */
export interface SourceSchema {
  /** The data file that was read, relative to the repo. */
  readonly file: string;
  readonly columns: ReadonlyMap<string, ColumnType>;
}

/** What reading a file source's schema gave. */
export type SourceSchemaResult =
  | { readonly status: 'ok'; readonly schema: SourceSchema }
  | { readonly status: 'not_found' }
  | { readonly status: 'unreadable'; readonly message: string };

export function describeColumnType(t: ColumnType): string {
  switch (t.kind) {
    case 'int':
      return t.bits === null ? 'integer' : `int${t.bits}`;
    case 'float':
      return t.bits === null ? 'float' : `float${t.bits}`;
    case 'list':
      return `list<${describeColumnType(t.element)}>`;
    case 'other':
      return t.name;
    default:
      return t.kind;
  }
}

function scalarAccepts(d: ScalarDtype, t: ColumnType): boolean {
  switch (d) {
    case 'int32':
      return t.kind === 'int' && (t.bits === null || t.bits <= 32);
    case 'int64':
      return t.kind === 'int';
    case 'float32':
    case 'float64':
      return t.kind === 'float' || t.kind === 'int';
    case 'bool':
      return t.kind === 'bool';
    case 'string':
      return t.kind === 'string';
    case 'bytes':
      return t.kind === 'bytes' || t.kind === 'string';
    case 'unix_timestamp':
      return t.kind === 'timestamp' || t.kind === 'date' || t.kind === 'int';
  }
}

/** Whether a declared dtype can be read from a column of this type (widening allowed, narrowing not). */
export function dtypeAccepts(d: Dtype, t: ColumnType): boolean {
  if (t.kind === 'unknown') return true;
  if (isListDtype(d)) return t.kind === 'list' && (t.element.kind === 'unknown' || scalarAccepts(listElement(d), t.element));
  return scalarAccepts(d, t);
}

/** Whether a column can serve as an event or created timestamp. */
export function isTimestampColumn(t: ColumnType): boolean {
  return t.kind === 'timestamp' || t.kind === 'date' || t.kind === 'unknown';
}

/** The join-key value type a column suggests, for entities that declare none. */
export function valueTypeOfColumn(t: ColumnType): ValueType | null {
  switch (t.kind) {
    case 'int':
      return t.bits !== null && t.bits <= 32 ? 'int32' : 'int64';
    case 'string':
      return 'string';
    case 'bytes':
      return 'bytes';
    case 'timestamp':
      return 'unix_timestamp';
    default:
      return null;
  }
}
