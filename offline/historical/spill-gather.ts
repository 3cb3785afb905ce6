// The second pass of a historical join when the output is larger than the
// memory budget: stream the view's source once (as gatherViewFeatures does),
// but instead of filling one slot per entity row for the whole output, append
// each matched pair's values to the bucket of its output chunk (chunkRows
// entity rows) and flush full buckets to a temp file per chunk. Writing the
// output then reads one chunk's file at a time and scatters it into chunk-sized
// columns, in input row order. Only fixed-width features (typed columns) are
// spilled; callers keep string / list features in memory.
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { FieldType } from '../../src/kernel/codec.ts';
import type { GatherOrder } from '../../src/kernel/pit-join.ts';
import { isNullAt, jsValueAt, unitToMicros } from '../materialize/column-values.ts';
import { readSource } from '../materialize/read-source.ts';
import type { SourceColumn } from '../materialize/source-batch.ts';
import type { ViewPlan } from '../materialize/view-plan.ts';
import { coerceValue, typedCtor, type FeatureColumn, type TypedValues } from '../sources/feature-column.ts';
import { directCopy } from '../sources/gather-features.ts';

/** Pairs a chunk's bucket holds before it is appended to the chunk's file. */
const BUCKET_PAIRS = 1 << 14;

export interface SpilledFeature {
  readonly name: string;
  readonly dtype: FieldType;
}

/** One target's spilled features: one file per output chunk (absent when no pair fell in it). */
export interface Spill {
  readonly features: readonly SpilledFeature[];
  readonly chunkRows: number;
  readonly files: readonly (string | null)[];
}

/** True when every feature has a fixed-width typed column (what spillViewFeatures can spill). */
export function spillable(dtypes: readonly FieldType[]): boolean {
  return dtypes.every((d) => typedCtor(d) !== undefined);
}

const widthOf = (dtype: FieldType): number => typedCtor(dtype)!.BYTES_PER_ELEMENT;
const pad8 = (x: number) => (x + 7) & ~7;

/** A chunk's pending pairs: local rows, then per feature values and validity. */
class Bucket {
  count = 0;
  readonly rows = new Int32Array(BUCKET_PAIRS);
  readonly values: TypedValues[];
  readonly validity: Uint8Array[];
  fd: number | null = null;
  constructor(features: readonly SpilledFeature[]) {
    this.values = features.map((f) => new (typedCtor(f.dtype)!)(BUCKET_PAIRS) as TypedValues);
    this.validity = features.map(() => new Uint8Array(BUCKET_PAIRS));
  }
  /** Append the pending pairs as one record: [count u32, pad][rows][values f...][validity f...], each 8-aligned. */
  flush(path: string): void {
    const n = this.count;
    if (n === 0) return;
    this.fd ??= openSync(path, 'a');
    const head = new Int32Array(2);
    head[0] = n;
    writeSync(this.fd, head);
    writeAligned(this.fd, new Uint8Array(this.rows.buffer, 0, 4 * n));
    for (const v of this.values) writeAligned(this.fd, new Uint8Array(v.buffer, 0, v.BYTES_PER_ELEMENT * n));
    for (const v of this.validity) writeAligned(this.fd, v.subarray(0, n));
    this.count = 0;
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

const ZEROS = new Uint8Array(8);
function writeAligned(fd: number, bytes: Uint8Array): void {
  writeSync(fd, bytes);
  const pad = pad8(bytes.length) - bytes.length;
  if (pad > 0) writeSync(fd, ZEROS, 0, pad);
}

/** Stage pair p's values into bucket slot q, converting like gatherViewFeatures does. */
function stage(b: Bucket, q: number, fi: number, dtype: FieldType, c: SourceColumn, j: number, direct: boolean, bad: { n: number }): void {
  const out = b.values[fi];
  if (direct) {
    (out as Float64Array)[q] = (c as { values: Float64Array }).values[j];
    b.validity[fi][q] = c.validity === null ? 1 : c.validity[j];
    return;
  }
  b.validity[fi][q] = 0;
  if (isNullAt(c, j)) return;
  const raw = c.type === 'timestamp' ? unitToMicros(c.values[j], c.unit) : jsValueAt(c, j);
  const x = coerceValue(dtype, raw);
  if (x === undefined || x === null) {
    if (x === undefined) bad.n++;
    return;
  }
  (out as unknown as unknown[])[q] = dtype === 'bool' ? (x ? 1 : 0) : x;
  b.validity[fi][q] = 1;
}

/**
 * For every target, spill the named (fixed-width) features of the chosen
 * source rows into per-chunk files under spillDir (named with `tag`), reading
 * the view's source once.
 */
export async function spillViewFeatures(
  repoDir: string,
  plan: ViewPlan,
  features: readonly string[],
  targets: readonly { order: GatherOrder; rows: number }[],
  chunkRows: number,
  spillDir: string,
  tag: string,
): Promise<Result<Spill[]>> {
  const wanted = plan.features.filter((f) => features.includes(f.name));
  const feats: SpilledFeature[] = wanted.map((f) => ({ name: f.name, dtype: f.dtype as FieldType }));
  if (!spillable(feats.map((f) => f.dtype))) return err('invalid_argument', `feature view "${plan.view.name}": only fixed-width features can be spilled`);
  const buckets = targets.map((t) => Array.from({ length: Math.ceil(t.rows / chunkRows) }, () => null as Bucket | null));
  const pathOf = (ti: number, c: number) => join(spillDir, `${tag}-t${ti}-c${c}.bin`);
  const cursor = targets.map(() => 0);
  const bad = { n: 0 };
  const columns = [...new Set(wanted.map((f) => f.column))];
  try {
    if (wanted.length > 0 && targets.some((t) => t.order.featureRows.length > 0)) {
      let start = 0;
      for await (const r of readSource(repoDir, plan.source, columns)) {
        if (!r.ok) return err(r.error.code, `feature view "${plan.view.name}": ${r.error.message}`, r.error.details);
        const { batch } = r.value;
        const end = start + batch.numRows;
        const cols = wanted.map((f) => batch.columns[f.column]);
        const direct = wanted.map((f, fi) => directCopy(f.dtype as FieldType, cols[fi]));
        targets.forEach((t, ti) => {
          const { entityRows, featureRows } = t.order;
          let p = cursor[ti];
          for (; p < featureRows.length && featureRows[p] < end; p++) {
            const i = entityRows[p];
            const c = (i / chunkRows) | 0;
            const b = (buckets[ti][c] ??= new Bucket(feats));
            const q = b.count++;
            b.rows[q] = i - c * chunkRows;
            const j = featureRows[p] - start;
            for (let fi = 0; fi < feats.length; fi++) stage(b, q, fi, feats[fi].dtype, cols[fi], j, direct[fi], bad);
            if (b.count === BUCKET_PAIRS) b.flush(pathOf(ti, c));
          }
          cursor[ti] = p;
        });
        start = end;
        if (targets.every((t, ti) => cursor[ti] >= t.order.featureRows.length)) break;
      }
    }
    return ok(
      targets.map((_, ti) => ({
        features: feats,
        chunkRows,
        files: buckets[ti].map((b, c) => {
          if (b === null) return null;
          b.flush(pathOf(ti, c));
          return b.fd === null ? null : pathOf(ti, c);
        }),
      })),
    );
  } catch (e) {
    return err('io_error', `cannot spill feature view "${plan.view.name}" to ${spillDir}: ${(e as Error).message.split('\n')[0]}`, { dir: spillDir });
  } finally {
    for (const bs of buckets) for (const b of bs) b?.close();
  }
}

/** Chunk-sized output columns, reused from chunk to chunk when `reuse` holds them. */
export type ChunkColumns = Map<string, FeatureColumn & { kind: 'typed' }>;

/**
 * The spilled features of chunk c (rows [c * chunkRows, +len)) as columns of
 * length len: zero / null where no pair fell. Buffers in `reuse` (from an
 * earlier chunk) are overwritten instead of allocated.
 */
export function readSpillChunk(s: Spill, c: number, len: number, reuse?: ChunkColumns): ChunkColumns {
  const out: ChunkColumns = new Map();
  for (const f of s.features) {
    const old = reuse?.get(f.name);
    if (old && old.values.length >= len) {
      const values = old.values.subarray(0, len) as TypedValues;
      const validity = old.validity.subarray(0, len);
      if (values instanceof BigInt64Array) values.fill(0n);
      else values.fill(0);
      validity.fill(0);
      out.set(f.name, { kind: 'typed', dtype: f.dtype, values, validity });
    } else out.set(f.name, { kind: 'typed', dtype: f.dtype, values: new (typedCtor(f.dtype)!)(len) as TypedValues, validity: new Uint8Array(len) });
  }
  const path = s.files[c];
  if (path === null || path === undefined) return out;
  const fd = openSync(path, 'r');
  let bytes: Uint8Array;
  try {
    const size = fstatSync(fd).size;
    bytes = new Uint8Array(size);
    for (let at = 0; at < size; ) at += readSync(fd, bytes, at, size - at, at);
  } finally {
    closeSync(fd);
  }
  const cols = s.features.map((f) => out.get(f.name)!);
  let at = 0;
  while (at < bytes.length) {
    const n = new Int32Array(bytes.buffer, at, 1)[0];
    at += 8;
    const rows = new Int32Array(bytes.buffer, at, n);
    at += pad8(4 * n);
    for (const col of cols) {
      const w = widthOf(col.dtype);
      const Ctor = typedCtor(col.dtype)!;
      const src = new Ctor(bytes.buffer as ArrayBuffer, at, n) as Float64Array;
      const dst = col.values as Float64Array;
      for (let q = 0; q < n; q++) dst[rows[q]] = src[q];
      at += pad8(w * n);
    }
    for (const col of cols) {
      const src = bytes.subarray(at, at + n);
      const dst = col.validity;
      for (let q = 0; q < n; q++) dst[rows[q]] = src[q];
      at += pad8(n);
    }
  }
  return out;
}
