// Parquet schema (hyparquet's parsed footer) -> the reader's ColumnSchema,
// plus what the page loop needs per column: physical type, levels, and how
// to post-process (timestamp units, unsigned widening).
import type { FileMetaData, SchemaElement, SchemaTree } from 'hyparquet';
import { parquetSchema } from 'hyparquet';
import { ParquetPhysical } from '../../src/kernel/parquet.ts';
import type { ColumnSchema, ColumnType, TimeUnit } from './types.ts';

/** How one top-level column is read. */
export interface ColumnPlan {
  readonly schema: ColumnSchema;
  /** Index of its first leaf among the row group's column chunks, and how many. */
  readonly leaf: number;
  readonly leaves: number;
  /** Leaf decoding facts (for flat columns and the leaf of a list). */
  readonly physical: number;
  readonly typeLength: number;
  readonly maxDef: number;
  readonly maxRep: number;
  readonly widenUint32: boolean;
}

const PHYSICAL: Record<string, number> = ParquetPhysical;

const UNIT: Record<string, TimeUnit> = { MILLIS: 'ms', MICROS: 'us', NANOS: 'ns' };

function logicalName(e: SchemaElement): string | undefined {
  const l = e.logical_type;
  if (l) {
    switch (l.type) {
      case 'TIMESTAMP':
      case 'TIME':
        return `${l.type}(${UNIT[l.unit] ?? l.unit}${l.isAdjustedToUTC ? ', UTC' : ''})`;
      case 'DECIMAL':
        return `DECIMAL(${l.precision},${l.scale})`;
      case 'INTEGER':
        return `INT(${l.bitWidth}, ${l.isSigned ? 'signed' : 'unsigned'})`;
      default:
        return l.type;
    }
  }
  if (e.converted_type === 'DECIMAL') return `DECIMAL(${e.precision},${e.scale})`;
  return e.converted_type;
}

interface LeafType {
  type: ColumnType;
  unit?: TimeUnit;
  utc?: boolean;
  /** The kernel can decode this leaf type (encodings permitting). */
  fast: boolean;
  widenUint32?: boolean;
}

/** What a leaf element reads as. */
function leafType(e: SchemaElement): LeafType {
  const l = e.logical_type;
  const c = e.converted_type;
  const decimal = l?.type === 'DECIMAL' || c === 'DECIMAL';
  switch (e.type) {
    case 'BOOLEAN':
      return { type: 'bool', fast: true };
    case 'INT32':
      if (decimal) return { type: 'double', fast: false };
      if (l?.type === 'DATE' || c === 'DATE') return { type: 'date', fast: true };
      if ((l?.type === 'INTEGER' && l.bitWidth === 32 && !l.isSigned) || c === 'UINT_32') return { type: 'int64', fast: true, widenUint32: true };
      return { type: 'int32', fast: true };
    case 'INT64':
      if (decimal) return { type: 'double', fast: false };
      if (l?.type === 'TIMESTAMP') return { type: 'timestamp', unit: UNIT[l.unit] ?? 'us', utc: l.isAdjustedToUTC, fast: true };
      if (c === 'TIMESTAMP_MILLIS') return { type: 'timestamp', unit: 'ms', utc: true, fast: true };
      if (c === 'TIMESTAMP_MICROS') return { type: 'timestamp', unit: 'us', utc: true, fast: true };
      if ((l?.type === 'INTEGER' && l.bitWidth === 64 && !l.isSigned) || c === 'UINT_64') return { type: 'uint64', fast: true };
      return { type: 'int64', fast: true };
    case 'INT96':
      return { type: 'timestamp', unit: 'ns', utc: false, fast: true };
    case 'FLOAT':
      return { type: 'float', fast: true };
    case 'DOUBLE':
      return { type: 'double', fast: true };
    case 'BYTE_ARRAY':
      if (decimal) return { type: 'double', fast: false };
      if (l?.type === 'STRING' || l?.type === 'ENUM' || l?.type === 'JSON' || c === 'UTF8' || c === 'ENUM' || c === 'JSON') {
        return { type: 'string', fast: true };
      }
      return { type: 'binary', fast: true }; // raw bytes, whatever the annotation (BSON, GEOMETRY...)
    case 'FIXED_LEN_BYTE_ARRAY':
      if (decimal || l?.type === 'FLOAT16') return { type: 'double', fast: false };
      if (l?.type === 'UUID') return { type: 'string', fast: false };
      return { type: 'binary', fast: false };
    default:
      return { type: 'binary', fast: false };
  }
}

function leafCount(t: SchemaTree): number {
  return t.children.length === 0 ? 1 : t.children.reduce((s, c) => s + leafCount(c), 0);
}

const nullable = (e: SchemaElement): boolean => e.repetition_type !== 'REQUIRED';

function columnSchema(e: SchemaElement, t: LeafType, fastPath: boolean): ColumnSchema {
  return {
    name: e.name,
    type: t.type,
    physical: e.type ?? 'GROUP',
    ...(logicalName(e) ? { logical: logicalName(e) } : {}),
    nullable: nullable(e),
    ...(t.unit ? { unit: t.unit, utc: t.utc } : {}),
    fastPath,
  };
}

/** A list: LIST-annotated group -> repeated group (or repeated leaf) -> one leaf. */
function listLeaf(t: SchemaTree): SchemaTree | null {
  const isList = t.element.converted_type === 'LIST' || t.element.logical_type?.type === 'LIST';
  if (!isList || t.children.length !== 1) return null;
  const rep = t.children[0];
  if (rep.element.repetition_type !== 'REPEATED') return null;
  if (rep.children.length === 0) return rep; // 2-level list of a primitive
  if (rep.children.length === 1 && rep.children[0].children.length === 0) return rep.children[0];
  return null;
}

/** Plans for every top-level column of a file. */
export function planColumns(md: FileMetaData): ColumnPlan[] {
  const root = parquetSchema(md);
  const plans: ColumnPlan[] = [];
  let leaf = 0;
  for (const child of root.children) {
    const e = child.element;
    const leaves = leafCount(child);
    if (child.children.length === 0 && e.repetition_type !== 'REPEATED') {
      const t = leafType(e);
      plans.push({
        schema: columnSchema(e, t, t.fast),
        leaf,
        leaves,
        physical: PHYSICAL[e.type ?? ''] ?? -1,
        typeLength: e.type_length ?? 0,
        maxDef: nullable(e) ? 1 : 0,
        maxRep: 0,
        widenUint32: t.widenUint32 === true,
      });
    } else {
      const el = listLeaf(child);
      if (el) {
        const t = leafType(el.element);
        const element = columnSchema(el.element, t, false);
        let maxDef = 0;
        let maxRep = 0;
        for (let n: SchemaTree | undefined = child; n; n = n.children[0]) {
          if (n.element.repetition_type !== 'REQUIRED') maxDef++;
          if (n.element.repetition_type === 'REPEATED') maxRep++;
        }
        plans.push({
          schema: { name: e.name, type: 'list', physical: 'GROUP', logical: 'LIST', nullable: nullable(e), element, fastPath: false },
          leaf,
          leaves,
          physical: PHYSICAL[el.element.type ?? ''] ?? -1,
          typeLength: el.element.type_length ?? 0,
          maxDef,
          maxRep,
          widenUint32: false,
        });
      } else {
        const kind = e.converted_type === 'MAP' || e.logical_type?.type === 'MAP' ? 'map' : e.repetition_type === 'REPEATED' ? 'repeated field' : 'struct';
        plans.push({
          schema: {
            name: e.name, type: 'unsupported', physical: e.type ?? 'GROUP', nullable: nullable(e), fastPath: false,
            reason: `${kind} columns are not supported; select other columns`,
          },
          leaf, leaves, physical: -1, typeLength: 0, maxDef: 0, maxRep: 0, widenUint32: false,
        });
      }
    }
    leaf += leaves;
  }
  return plans;
}
