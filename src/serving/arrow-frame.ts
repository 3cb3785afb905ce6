// Arrow data as a columnar frame (the same shape as Feast's JSON `df`), so
// Arrow bodies and Arrow tables go through the one validation and write path.
// Values become their JSON-wire form: int64 -> number (decimal string past
// 2^53), binary -> base64, timestamps and dates -> RFC 3339 with µs, lists ->
// arrays; everything else as Arrow reads it.
import { tableFromIPC, Type, type Table, type Vector } from 'apache-arrow';
import { checkArrowIpc } from '../core/arrow/check-ipc.ts';
import { bytesToBase64 } from '../core/base64.ts';
import { err, ok, type Result } from '../core/errors.ts';
import { microsToRfc3339 } from '../core/time.ts';
import type { EntityColumns } from './entity-keys.ts';

export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

/** µs per unit of Arrow's TimeUnit (SECOND, MILLISECOND, MICROSECOND, NANOSECOND). */
const UNIT_DIV: readonly [bigint, bigint][] = [
  [1_000_000n, 1n],
  [1000n, 1n],
  [1n, 1n],
  [1n, 1000n],
];

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n ? q - 1n : q;
}

/** A bigint as a JSON-safe integer: a number when exact, else its decimal string. */
const jsonInteger = (v: bigint): number | string => (v >= -(2n ** 53n) + 1n && v <= 2n ** 53n - 1n ? Number(v) : v.toString());

/** One Arrow value in wire form (lists recursively). */
function wireValue(typeId: number, v: unknown, child: { typeId: number } | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return jsonInteger(v);
  if (v instanceof Uint8Array) return bytesToBase64(v);
  if (typeId === Type.Date) return microsToRfc3339(Number(v) * 1000);
  if ((typeId === Type.List || typeId === Type.FixedSizeList || typeId === Type.LargeList) && typeof (v as Vector).toArray === 'function') {
    const inner = v as Vector;
    const out: unknown[] = new Array(inner.length);
    for (let i = 0; i < inner.length; i++) out[i] = wireValue(child?.typeId ?? -99, inner.get(i), undefined);
    return out;
  }
  return v;
}

/** Timestamps with their exact unit (Arrow's `get` rounds them to ms). */
function timestampColumn(vector: Vector, unit: number): unknown[] {
  const [mul, div] = UNIT_DIV[unit] ?? UNIT_DIV[1];
  const out: unknown[] = [];
  for (const d of vector.data) {
    const values = d.values as BigInt64Array;
    for (let i = 0; i < d.length; i++) {
      if (!d.getValid(i)) {
        out.push(null);
        continue;
      }
      const raw = BigInt(values[d.offset + i]);
      out.push(microsToRfc3339(Number(div === 1n ? raw * mul : floorDiv(raw, div))));
    }
  }
  return out;
}

/** An Arrow table (e.g. from the Node SDK) as a frame. */
export function arrowTableToFrame(table: Table): Result<EntityColumns> {
  const frame: Record<string, unknown[]> = {};
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name);
    if (vector === null) continue;
    const t = field.type as { typeId: number; unit?: number; children?: { type: { typeId: number } }[] };
    if (t.typeId === Type.Timestamp) {
      frame[field.name] = timestampColumn(vector, t.unit ?? 1);
      continue;
    }
    const child = t.children?.[0]?.type;
    const col: unknown[] = new Array(vector.length);
    for (let i = 0; i < vector.length; i++) col[i] = wireValue(t.typeId, vector.get(i), child);
    frame[field.name] = col;
  }
  if (Object.keys(frame).length === 0) return err('invalid_request', 'the Arrow data has no columns');
  return ok(frame);
}

/** Arrow's end-of-stream marker (continuation token + zero length), or the pre-0.15 4-byte zero. */
function endsWithEos(b: Uint8Array): boolean {
  const n = b.length;
  if (n >= 8 && b[n - 8] === 0xff && b[n - 7] === 0xff && b[n - 6] === 0xff && b[n - 5] === 0xff && b[n - 4] === 0 && b[n - 3] === 0 && b[n - 2] === 0 && b[n - 1] === 0)
    return true;
  return false;
}

/**
 * An Arrow IPC stream body as a frame. A body that is empty, truncated (no
 * end-of-stream marker, or a message cut short) or not Arrow at all is
 * `invalid_arrow`, never an exception; more than `maxRows` rows is `limit_exceeded`.
 */
export function arrowStreamToFrame(bytes: Uint8Array, opts: { readonly maxRows?: number } = {}): Result<EntityColumns> {
  if (bytes.length === 0) return err('invalid_arrow', 'the Arrow IPC stream body is empty');
  if (!endsWithEos(bytes))
    return err('invalid_arrow', 'the Arrow IPC stream is truncated: it does not end with the end-of-stream marker', { bytes: bytes.length });
  // Check the framing and metadata first: a corrupt length must not make apache-arrow allocate without bound.
  const checked = checkArrowIpc(bytes, { maxRows: opts.maxRows });
  if (!checked.ok) return checked;
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (e) {
    return err('invalid_arrow', `the body is not a readable Arrow IPC stream: ${(e as Error).message}`, { bytes: bytes.length });
  }
  try {
    return arrowTableToFrame(table);
  } catch (e) {
    return err('invalid_arrow', `the Arrow IPC stream cannot be read: ${(e as Error).message}`);
  }
}
