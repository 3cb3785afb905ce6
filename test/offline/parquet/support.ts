// Shared helpers for the Parquet Node tests: a DuckDB connection (the
// reference reader and writer), temp dirs, and row values of reader columns
// in a form comparable with DuckDB's.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { Batch, Column, ColumnSchema } from '../../../offline/parquet/index.ts';
import { columnLength } from '../../../offline/parquet/index.ts';

export async function duck(): Promise<DuckDBConnection> {
  const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
  return inst.connect();
}

export function tempDir(): { dir: string; file: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'larder-pq-'));
  return { dir, file: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const decoder = new TextDecoder();

/** One row's value as DuckDB would give it through `duckSelect` (null for nulls). */
export function rowValue(c: Column, i: number): unknown {
  if (c.validity && !c.validity[i]) return null;
  switch (c.type) {
    case 'bool':
      return c.values[i] === 1;
    case 'int32':
    case 'date':
    case 'float':
    case 'double':
      return c.values[i];
    case 'int64':
    case 'uint64':
    case 'timestamp':
      return c.values[i];
    case 'string':
      return decoder.decode(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
    case 'binary':
      return Array.from(c.data.subarray(c.offsets[i], c.offsets[i + 1]));
    case 'list': {
      const out: unknown[] = [];
      for (let j = c.offsets[i]; j < c.offsets[i + 1]; j++) out.push(rowValue(c.element, j));
      return JSON.stringify(out, (_k, v) => (typeof v === 'bigint' ? Number(v) : v));
    }
  }
}

/** A DuckDB expression giving what rowValue gives for this column. */
export function duckExpr(s: ColumnSchema, unit?: string): string {
  const q = `"${s.name}"`;
  switch (s.type) {
    case 'timestamp':
      return `epoch_${{ ms: 'ms', us: 'us', ns: 'ns' }[unit ?? s.unit ?? 'us']}(${q})`;
    case 'date':
      return `(${q} - DATE '1970-01-01')::INTEGER`;
    case 'list':
      return `to_json(${q})::VARCHAR`;
    case 'float':
      return `${q}::FLOAT`;
    default:
      return q;
  }
}

/** Rows of a file as DuckDB reads them, one array per column (in `schema` order). */
export async function duckColumns(db: DuckDBConnection, path: string, schema: readonly ColumnSchema[], unit?: string): Promise<unknown[][]> {
  const sql = `SELECT ${schema.map((s) => duckExpr(s, unit)).join(', ')} FROM read_parquet('${path}')`;
  const rows = (await db.runAndReadAll(sql)).getRows();
  return schema.map((_, j) =>
    rows.map((r) => {
      const v = r[j];
      if (v === null || v === undefined) return null;
      if (typeof v === 'object' && v !== null && 'bytes' in v) return Array.from((v as { bytes: Uint8Array }).bytes);
      if (typeof v === 'object' && v !== null && 'toDouble' in v) return (v as { toDouble(): number }).toDouble();
      if (typeof v === 'bigint' && (schema[j].type === 'date' || schema[j].type === 'int32')) return Number(v);
      if (typeof v === 'number' && (schema[j].type === 'int64' || schema[j].type === 'uint64')) return BigInt(v);
      if (schema[j].type === 'list' && typeof v === 'string') return JSON.stringify(JSON.parse(v));
      return v;
    }),
  );
}

/** Collect every batch's rows per column (in `names` order). */
export function batchColumns(batches: Batch[], names: readonly string[]): unknown[][] {
  return names.map((n) => {
    const out: unknown[] = [];
    for (const b of batches) {
      const c = b.columns[n];
      const len = columnLength(c);
      for (let i = 0; i < len; i++) out.push(rowValue(c, i));
    }
    return out;
  });
}

/** Compare two value arrays; reports the first mismatch (fast on big arrays). */
export function firstMismatch(a: unknown[], b: unknown[]): string | null {
  if (a.length !== b.length) return `lengths ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number' && Number.isNaN(x) && Number.isNaN(y)) continue;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, j) => v === y[j])) continue;
    return `row ${i}: ${String(x)} vs ${String(y)}`;
  }
  return null;
}
