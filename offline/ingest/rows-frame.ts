// What notebooks and batch jobs hand the SDK, as the columnar frame the
// serving core validates: row objects, a column object, or an Arrow Table.
// Values take their JSON-wire form where the wire needs it (bigint -> number,
// or a decimal string past 2^53; Uint8Array -> base64); Dates and ISO strings
// are timestamps, as on the wire.
import type { Table } from 'apache-arrow';
import { bytesToBase64 } from '../../src/core/base64.ts';
import { err, ok, type Result } from '../../src/core/errors.ts';
import { arrowTableToFrame } from '../../src/serving/arrow-frame.ts';
import type { EntityColumns } from '../../src/serving/entity-keys.ts';

export type IngestRow = Readonly<Record<string, unknown>>;
/** Row objects, columns (`{ column: values[] }`, Feast's `df`), or an Arrow Table. */
export type IngestRows = readonly IngestRow[] | Readonly<Record<string, readonly unknown[]>> | Table;

const isTable = (x: unknown): x is Table =>
  typeof x === 'object' && x !== null && typeof (x as Table).getChild === 'function' && typeof (x as Table).schema === 'object';

function wire(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return bytesToBase64(v);
  if (v === undefined) return null;
  if (Array.isArray(v)) return v.map(wire);
  return v;
}

export function rowsToFrame(rows: IngestRows): Result<EntityColumns> {
  if (isTable(rows)) {
    try {
      return arrowTableToFrame(rows);
    } catch (e) {
      return err('invalid_arrow', `the Arrow table cannot be read: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(rows)) {
    const list = rows as readonly IngestRow[];
    if (list.length === 0) return err('invalid_request', 'no rows given');
    const names: string[] = [];
    const seen = new Set<string>();
    for (const r of list) {
      if (typeof r !== 'object' || r === null) return err('invalid_request', 'rows must be objects of column -> value');
      for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), names.push(k));
    }
    const frame: Record<string, unknown[]> = {};
    for (const n of names) frame[n] = list.map((r) => wire(r[n]));
    return ok(frame);
  }
  if (typeof rows !== 'object' || rows === null) return err('invalid_request', 'rows must be row objects, columns or an Arrow Table');
  const frame: Record<string, unknown[]> = {};
  for (const [n, col] of Object.entries(rows as Record<string, readonly unknown[]>)) {
    if (!Array.isArray(col)) return err('invalid_request', `column "${n}" is not an array`, { column: n });
    frame[n] = col.map(wire);
  }
  return ok(frame);
}
