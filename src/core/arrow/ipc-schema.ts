// The Arrow Schema flatbuffer (format/Schema.fbs) read with bounds checks,
// reduced to what the checker needs: per field the buffers each record batch
// must carry (format/Columnar.md "Buffer Layouts") and the dictionary ids.
import type { FbReader, FbTable } from './flatbuffer.ts';

/** One buffer of a field node: validity bitmap, fixed-width values (bits per value), offsets, or unchecked data. */
export type BufferKind = { readonly kind: 'validity' } | { readonly kind: 'fixed'; readonly bits: number } | { readonly kind: 'offsets'; readonly bytes: number } | { readonly kind: 'data' };

/** The nodes one field contributes to a record batch, depth first. */
export interface NodeLayout {
  /** The field name, quoted (its first 64 bytes), for messages. */
  readonly name: string;
  /** null when the layout is not checked (view and run-end encoded types). */
  readonly buffers: readonly BufferKind[] | null;
  readonly children: readonly NodeLayout[];
}

export interface SchemaLayout {
  /** Layout of a record batch: one entry per top-level field. */
  readonly fields: readonly NodeLayout[];
  /** Layout of each dictionary batch by dictionary id (the dictionary's value field). */
  readonly dictionaries: ReadonlyMap<number, NodeLayout>;
}

export interface SchemaLimits {
  readonly maxDepth: number;
  readonly maxFields: number;
}

/** Type union tags of Schema.fbs. */
const T = {
  Null: 1, Int: 2, FloatingPoint: 3, Binary: 4, Utf8: 5, Bool: 6, Decimal: 7, Date: 8, Time: 9, Timestamp: 10, Interval: 11, List: 12,
  Struct: 13, Union: 14, FixedSizeBinary: 15, FixedSizeList: 16, Map: 17, Duration: 18, LargeBinary: 19, LargeUtf8: 20, LargeList: 21,
  RunEndEncoded: 22, BinaryView: 23, Utf8View: 24, ListView: 25, LargeListView: 26,
} as const;
const MAX_TYPE = 26;
/** Bound on FixedSizeBinary byte width and FixedSizeList size (no sane column is wider). */
const MAX_WIDTH = 1 << 24;

const V = { kind: 'validity' } as const;
const fixed = (bits: number): BufferKind => ({ kind: 'fixed', bits });

interface Walk {
  readonly fb: FbReader;
  readonly limits: SchemaLimits;
  readonly version: number;
  fields: number;
  readonly dictionaries: Map<number, NodeLayout>;
}

/** Buffers of a non-dictionary node of `typeTag`, checking the type's parameters. */
function typeBuffers(w: Walk, tag: number, type: FbTable | null, at: number, nChildren: number): { buffers: BufferKind[] | null; children: 'none' | 'one' | 'any' } {
  const fb = w.fb;
  const i32 = (i: number, d: number) => (type === null ? d : fb.fieldI32(type, i, d));
  const i16 = (i: number, d: number) => (type === null ? d : fb.fieldI16(type, i, d));
  switch (tag) {
    case T.Null:
      return { buffers: [], children: 'none' };
    case T.Bool:
      return { buffers: [V, fixed(1)], children: 'none' };
    case T.Int: {
      const bits = i32(0, 0);
      if (![8, 16, 32, 64].includes(bits)) fb.fail(at, `Int bitWidth ${bits} is not 8, 16, 32 or 64`);
      return { buffers: [V, fixed(bits)], children: 'none' };
    }
    case T.FloatingPoint: {
      const p = i16(0, 0);
      if (p < 0 || p > 2) fb.fail(at, `FloatingPoint precision ${p} is unknown`);
      return { buffers: [V, fixed([16, 32, 64][p])], children: 'none' };
    }
    case T.Decimal: {
      const bits = i32(2, 128);
      if (![32, 64, 128, 256].includes(bits)) fb.fail(at, `Decimal bitWidth ${bits} is not 32, 64, 128 or 256`);
      return { buffers: [V, fixed(bits)], children: 'none' };
    }
    case T.Date: {
      const unit = i16(0, 1);
      if (unit !== 0 && unit !== 1) fb.fail(at, `Date unit ${unit} is unknown`);
      return { buffers: [V, fixed(unit === 0 ? 32 : 64)], children: 'none' };
    }
    case T.Time: {
      const unit = i16(0, 1);
      const bits = i32(1, 32);
      if (unit < 0 || unit > 3) fb.fail(at, `Time unit ${unit} is unknown`);
      if (bits !== 32 && bits !== 64) fb.fail(at, `Time bitWidth ${bits} is not 32 or 64`);
      return { buffers: [V, fixed(bits)], children: 'none' };
    }
    case T.Timestamp: {
      const unit = i16(0, 0);
      if (unit < 0 || unit > 3) fb.fail(at, `Timestamp unit ${unit} is unknown`);
      if (type !== null) fb.string(type, 1, 'the Timestamp timezone');
      return { buffers: [V, fixed(64)], children: 'none' };
    }
    case T.Duration: {
      const unit = i16(0, 1);
      if (unit < 0 || unit > 3) fb.fail(at, `Duration unit ${unit} is unknown`);
      return { buffers: [V, fixed(64)], children: 'none' };
    }
    case T.Interval: {
      const unit = i16(0, 0);
      if (unit < 0 || unit > 2) fb.fail(at, `Interval unit ${unit} is unknown`);
      return { buffers: [V, fixed([32, 64, 128][unit])], children: 'none' };
    }
    case T.FixedSizeBinary: {
      const width = i32(0, 0);
      if (width < 0 || width > MAX_WIDTH) fb.fail(at, `FixedSizeBinary byteWidth ${width} is out of range`);
      return { buffers: [V, fixed(width * 8)], children: 'none' };
    }
    case T.Binary:
    case T.Utf8:
      return { buffers: [V, { kind: 'offsets', bytes: 4 }, { kind: 'data' }], children: 'none' };
    case T.LargeBinary:
    case T.LargeUtf8:
      return { buffers: [V, { kind: 'offsets', bytes: 8 }, { kind: 'data' }], children: 'none' };
    case T.List:
    case T.Map:
      return { buffers: [V, { kind: 'offsets', bytes: 4 }], children: 'one' };
    case T.LargeList:
      return { buffers: [V, { kind: 'offsets', bytes: 8 }], children: 'one' };
    case T.FixedSizeList: {
      const size = i32(0, 0);
      if (size < 0 || size > MAX_WIDTH) fb.fail(at, `FixedSizeList listSize ${size} is out of range`);
      return { buffers: [V], children: 'one' };
    }
    case T.Struct:
      return { buffers: [V], children: 'any' };
    case T.Union: {
      const mode = i16(0, 0);
      if (mode !== 0 && mode !== 1) fb.fail(at, `Union mode ${mode} is unknown`);
      if (type !== null) {
        const ids = fb.vector(type, 1, 4, 'the Union typeIds');
        if (ids.length !== 0 && ids.length !== nChildren) fb.fail(at, `the Union has ${ids.length} typeIds for ${nChildren} children`);
        for (let k = 0; k < ids.length; k++) {
          const id = fb.i32(ids.start + 4 * k);
          if (id < 0 || id > 127) fb.fail(ids.start + 4 * k, `Union type id ${id} is out of range`);
        }
      }
      const b: BufferKind[] = w.version < 4 ? [V] : [];
      b.push(fixed(8));
      if (mode === 1) b.push(fixed(32));
      return { buffers: b, children: 'any' };
    }
    case T.RunEndEncoded:
      return { buffers: null, children: 'any' };
    case T.BinaryView:
    case T.Utf8View:
      return { buffers: null, children: 'none' };
    case T.ListView:
    case T.LargeListView:
      return { buffers: null, children: 'one' };
    default:
      return fb.fail(at, `unknown type tag ${tag}`);
  }
}

/** The index width (bits) of a DictionaryEncoding (default int32). */
function indexBits(fb: FbReader, enc: FbTable): number {
  const it = fb.fieldTable(enc, 1, 'the dictionary indexType');
  if (it === null) return 32;
  const bits = fb.fieldI32(it, 0, 0);
  if (![8, 16, 32, 64].includes(bits)) fb.fail(it.pos, `dictionary index bitWidth ${bits} is not 8, 16, 32 or 64`);
  return bits;
}

/** A Field table as the nodes it adds to a record batch. */
function field(w: Walk, f: FbTable, depth: number): NodeLayout {
  const fb = w.fb;
  if (depth > w.limits.maxDepth) fb.fail(f.pos, `fields nest deeper than ${w.limits.maxDepth}`);
  if (++w.fields > w.limits.maxFields) fb.fail(f.pos, `the schema has more than ${w.limits.maxFields} fields`);
  const name = JSON.stringify(fb.text(f, 0, 'a field name'));
  const tag = fb.fieldU8(f, 2, 0);
  if (tag < 1 || tag > MAX_TYPE) fb.fail(f.pos, `field type tag ${tag} is unknown`);
  const type = fb.fieldTable(f, 3, 'a field type');
  const kids = fb.vector(f, 5, 4, 'the field children');
  const children: NodeLayout[] = [];
  for (let k = 0; k < kids.length; k++) children.push(field(w, fb.vectorTable(kids, k, 'a child field'), depth + 1));
  const meta = fb.vector(f, 6, 4, 'the field custom_metadata');
  for (let k = 0; k < meta.length; k++) keyValue(fb, fb.vectorTable(meta, k, 'a custom_metadata entry'));
  const shape = typeBuffers(w, tag, type, f.pos, kids.length);
  if (shape.children === 'none' && kids.length !== 0) fb.fail(f.pos, `a field of type tag ${tag} has ${kids.length} children`);
  if (shape.children === 'one' && kids.length !== 1) fb.fail(f.pos, `a list field has ${kids.length} children (needs 1)`);
  const value: NodeLayout = { name, buffers: shape.buffers, children };
  const enc = fb.fieldTable(f, 4, 'the field dictionary');
  if (enc === null) return value;
  const id = fb.fieldI64(enc, 0, 0);
  if (!w.dictionaries.has(id)) w.dictionaries.set(id, value);
  return { name, buffers: [V, fixed(indexBits(fb, enc))], children: [] };
}

function keyValue(fb: FbReader, kv: FbTable): void {
  fb.string(kv, 0, 'a custom_metadata key');
  fb.string(kv, 1, 'a custom_metadata value');
}

/** Reads a Schema table; throws FbError on anything out of bounds or malformed. */
export function readSchema(fb: FbReader, schema: FbTable, version: number, limits: SchemaLimits): SchemaLayout {
  const w: Walk = { fb, limits, version, fields: 0, dictionaries: new Map() };
  const endianness = fb.fieldI16(schema, 0, 0);
  if (endianness !== 0 && endianness !== 1) fb.fail(schema.pos, `endianness ${endianness} is unknown`);
  const vec = fb.vector(schema, 1, 4, 'the schema fields');
  const fields: NodeLayout[] = [];
  for (let k = 0; k < vec.length; k++) fields.push(field(w, fb.vectorTable(vec, k, 'a field'), 1));
  const meta = fb.vector(schema, 2, 4, 'the schema custom_metadata');
  for (let k = 0; k < meta.length; k++) keyValue(fb, fb.vectorTable(meta, k, 'a custom_metadata entry'));
  fb.vector(schema, 3, 8, 'the schema features');
  return { fields, dictionaries: w.dictionaries };
}
