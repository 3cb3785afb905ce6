// The Arrow IPC checker (src/core/arrow/check-ipc.ts), in Node and in workerd:
// valid streams and files of many types pass and apache-arrow then decodes
// them; the fuzz suite's reproducers fail with invalid_arrow; every bit flip
// of the first 200 bytes and every truncation of small inputs is either
// rejected or decodes quickly to a small table.
import { Bool, Dictionary, Field, Float32, Float64, Int32, Int64, Int8, List, makeData, makeVector, Null, Struct, Table, tableFromIPC, tableToIPC, TimestampMicrosecond, Utf8, vectorFromArray } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { checkArrowIpc } from '../../../src/core/arrow/check-ipc.ts';

const ids = [1n, 2n];
/** The 3-column, 2-row table of the push fuzz reproducer. */
const pushTable = () =>
  new Table({
    driver_id: vectorFromArray(ids, new Int64()),
    event_timestamp: makeVector(makeData({ type: new TimestampMicrosecond(), length: 2, data: BigInt64Array.from(ids) })),
    conv_rate: vectorFromArray([0.1, 0.2], new Float32()),
  });

const tables: Record<string, () => Table> = {
  push: pushTable,
  scalars: () =>
    new Table({
      i8: vectorFromArray([1, null, -3], new Int8()),
      i32: vectorFromArray([1, 2, null], new Int32()),
      f64: vectorFromArray([0.5, null, 2.5], new Float64()),
      b: vectorFromArray([true, null, false], new Bool()),
      s: vectorFromArray(['x', null, 'zz'], new Utf8()),
      nul: makeVector(makeData({ type: new Null(), length: 3 })),
    }),
  nested: () =>
    new Table({
      l: vectorFromArray([[1], [2, 3], []], new List(new Field('item', new Int32(), true))),
      st: vectorFromArray([{ a: 1, b: 'p' }, { a: 2, b: null }], new Struct([new Field('a', new Int32()), new Field('b', new Utf8(), true)])).slice(0, 2),
    }).slice(0, 2),
  dictionary: () => new Table({ d: vectorFromArray(['a', 'b', 'a', null], new Dictionary(new Utf8(), new Int32())), n: vectorFromArray([1, null, 3, 4], new Float64()) }),
  batches: () => pushTable().concat(pushTable(), pushTable()),
  empty: () => new Table({ a: vectorFromArray([] as number[], new Int32()) }),
};

/** Decodes and reads every value, as the push path does; returns the row count. */
function decodeAll(bytes: Uint8Array): number {
  const t = tableFromIPC(bytes);
  for (const f of t.schema.fields) {
    const v = t.getChild(f.name);
    if (v) for (let i = 0; i < v.length; i++) v.get(i);
  }
  return t.numRows;
}

function flip(b: Uint8Array, byte: number, bit: number): Uint8Array {
  const x = b.slice();
  x[byte] ^= 1 << bit;
  return x;
}

function int32At(b: Uint8Array, at: number, v: number): Uint8Array {
  const x = b.slice();
  new DataView(x.buffer).setInt32(at, v, true);
  return x;
}

describe('checkArrowIpc', () => {
  for (const [name, make] of Object.entries(tables))
    for (const format of ['stream', 'file'] as const)
      it(`accepts a valid ${format} (${name}) that apache-arrow then decodes`, () => {
        const t = make();
        const bytes = tableToIPC(t, format);
        const r = checkArrowIpc(bytes);
        expect(r).toEqual({ ok: true, value: { format, batches: t.batches.length, rows: t.numRows } });
        expect(decodeAll(bytes)).toBe(t.numRows);
      });

  it('rejects the push fuzz reproducer (bit 6 of byte 46) with invalid_arrow and a byte offset', () => {
    const r = checkArrowIpc(flip(tableToIPC(pushTable(), 'stream'), 46, 6));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_arrow');
    expect(r.error.message).toMatch(/byte \d+/);
  });

  it('rejects int32 0x7fffffff written at byte 34 of an Arrow file (the CLI hang)', () => {
    const file = tableToIPC(pushTable(), 'file');
    const r = checkArrowIpc(int32At(file, 34, 0x7fffffff));
    expect(r.ok ? 'ok' : r.error.code).toBe('invalid_arrow');
  });

  it('rejects lying lengths: metadata length, bodyLength, row count past the bound', () => {
    const s = tableToIPC(pushTable(), 'stream');
    expect(checkArrowIpc(int32At(s, 4, 0x7fffffff)).ok).toBe(false);
    expect(checkArrowIpc(new Uint8Array(0)).ok).toBe(false);
    expect(checkArrowIpc(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0))).toEqual({ ok: true, value: { format: 'stream', batches: 0, rows: 0 } });
    expect(checkArrowIpc(Uint8Array.of(0xff, 0xff, 0xff, 0xff)).ok).toBe(false);
    const big = checkArrowIpc(tableToIPC(tables.batches(), 'stream'), { maxRows: 5 });
    expect(big.ok ? 'ok' : big.error.code).toBe('limit_exceeded');
    expect(checkArrowIpc(tableToIPC(tables.batches(), 'stream'), { maxRows: 6 }).ok).toBe(true);
  });

  it('names the field whose node lengths disagree with the batch, and bounds null_count', () => {
    const s = tableToIPC(pushTable(), 'stream');
    const dv = new DataView(s.buffer, s.byteOffset);
    const rbMeta = 8 + dv.getInt32(4, true) + 8;
    // The three FieldNode structs {length 2, null_count 0} of the record batch header.
    let at = -1;
    for (let i = rbMeta; i + 48 <= s.length && at < 0; i += 8)
      if ([0, 16, 32].every((k) => dv.getInt32(i + k, true) === 2 && dv.getInt32(i + k + 4, true) === 0 && dv.getInt32(i + k + 8, true) === 0)) at = i;
    expect(at).toBeGreaterThan(0);
    const longer = s.slice();
    new DataView(longer.buffer).setInt32(at, 1000, true);
    const r = checkArrowIpc(longer);
    expect(r.ok ? 'ok' : r.error.message).toMatch(/field "driver_id" has 1000 values, the record batch has 2 rows \(byte \d+\)/);
    const nulls = s.slice();
    new DataView(nulls.buffer).setInt32(at + 16 + 8, 3, true);
    const n = checkArrowIpc(nulls);
    expect(n.ok ? 'ok' : n.error.message).toMatch(/null_count 3 is not within 0..2/);
  });

  it('bounds schema depth and field count', () => {
    let type: Int32 | Struct = new Int32();
    for (let i = 0; i < 40; i++) type = new Struct([new Field('c', type, true)]);
    const deep = new Table({ d: makeVector(makeData({ type: type as Struct, length: 0, children: [] as never })) });
    const r = checkArrowIpc(tableToIPC(deep, 'stream'));
    expect(r.ok ? 'ok' : r.error.message).toMatch(/deeper than 32/);
  });

  it('fuzz: bit flips of the first 200 bytes and truncations are rejected or decode quickly to a small table', () => {
    const inputs = [tableToIPC(pushTable(), 'stream'), tableToIPC(tables.dictionary(), 'stream'), tableToIPC(tables.nested(), 'file'), tableToIPC(tables.scalars(), 'stream')];
    let accepted = 0;
    let rejected = 0;
    let worstMs = 0;
    const check = (x: Uint8Array) => {
      let r;
      let ms = Infinity;
      // The fastest of up to 3 runs, so a GC pause on a busy machine is not counted.
      for (let k = 0; k < 3 && ms > 5; k++) {
        const t0 = performance.now();
        try {
          r = checkArrowIpc(x);
        } catch (e) {
          throw new Error(`the checker threw: ${(e as Error).message}`);
        }
        ms = Math.min(ms, performance.now() - t0);
      }
      worstMs = Math.max(worstMs, ms);
      if (r === undefined) return;
      if (!r.ok) {
        expect(['invalid_arrow', 'limit_exceeded']).toContain(r.error.code);
        rejected++;
        return;
      }
      accepted++;
      let rows = 0;
      try {
        rows = decodeAll(x);
      } catch {
        return; // apache-arrow may still reject it: fine, it did so quickly
      }
      expect(rows).toBeLessThanOrEqual(1000);
    };
    for (const src of inputs) {
      for (let i = 0; i < Math.min(200, src.length); i++) for (let bit = 0; bit < 8; bit++) check(flip(src, i, bit));
      for (let n = 0; n < src.length; n++) check(src.subarray(0, n));
    }
    expect(rejected).toBeGreaterThan(1000);
    expect(accepted).toBeGreaterThan(0);
    // performance.now() does not advance during synchronous work in workerd, so this bites in Node only.
    expect(worstMs).toBeLessThan(20);
  });
});
