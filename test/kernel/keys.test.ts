import { describe, expect, it } from 'vitest';
import {
  entityKeyBytes,
  entityKeyHash,
  hashEntityKeys,
  keyColumn,
  serializeEntityKeys,
  xxHash64,
  type KeyColumn,
  type KeyType,
} from '../../src/kernel/keys.ts';
import { unwrap } from '../../src/core/errors.ts';
import { refKeyBytes, refXxh64, type RefKey } from '../reference/keys.ts';
import { rng, type Rng } from '../support/rng.ts';
import { runtime, testKernel } from '../support/kernel.ts';

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

// Published xxHash64 (seed 0) vectors.
const XXH64_VECTORS: [string, bigint][] = [
  ['', 0xef46db3751d8e999n],
  ['a', 0xd24ec4f1a98c6e5bn],
  ['abc', 0x44bc2cf5ad770999n],
  ['1234', 0xd8316e61d84f6ba4n],
  ['12345678', 0xd2d02f08cf7cfd4an],
  ['123456789012345', 0xc377d78ade001a3cn],
  ['1234567890123456', 0xb61c33dc6c59f270n],
  ['1234567890123456789012345678901', 0x8f367cb873a5376en],
  ['12345678901234567890123456789012', 0x40fd1aa52d98274cn],
  ['The quick brown fox jumps over the lazy dog', 0x0b242d361fda71bcn],
];

const NAMES = ['driver_id', 'customer_id', 'a', 'ab', 'b', 'user', 'user_id', 'Z', '_', 'é', '日本', '\uff5e', '𝄞', 'a_very_long_join_key_name_over_32_bytes'];
const TYPES: KeyType[] = ['int32', 'int64', 'string', 'bytes', 'unix_timestamp'];
const STRINGS = ['', 'x', 'abc', 'é', '日本語', '😀 emoji', 'a'.repeat(31), 'b'.repeat(32), 'c'.repeat(33), 'ünïcødé and more text to cross a stripe'];

function randomValue(r: Rng, type: KeyType): number | bigint | string | Uint8Array {
  switch (type) {
    case 'int32':
      return r.pick([0, -1, 1, 1001, -0x8000_0000, 0x7fff_ffff, r.int(-0x8000_0000, 0x7fff_ffff)]);
    case 'int64':
    case 'unix_timestamp':
      return r.pick([0n, -1n, 1001n, -(2n ** 63n), 2n ** 63n - 1n, r.i64(), r.i64()]);
    case 'string':
      return r.bool(0.5) ? r.pick(STRINGS) : Array.from({ length: r.int(0, 40) }, () => String.fromCodePoint(r.pick([r.int(0x20, 0x7e), r.int(0xa0, 0x7ff), r.int(0x800, 0xd7ff), r.int(0x10000, 0x10ffff)]))).join('');
    case 'bytes':
      return Uint8Array.from({ length: r.pick([0, 1, 7, 8, 31, 32, 33, r.int(0, 80)]) }, () => r.int(0, 255));
  }
}

/** Build a column, sometimes the raw way (Int32Array offsets starting past 0). */
function column(r: Rng, name: string, type: KeyType, values: (number | bigint | string | Uint8Array)[]): KeyColumn {
  const c = unwrap(keyColumn(name, type, values));
  if ((c.type === 'string' || c.type === 'bytes') && r.bool(0.3)) {
    const pad = r.int(1, 5);
    const data = new Uint8Array(pad + c.data.length + 3);
    data.set(c.data, pad);
    return { name, type: c.type, offsets: Int32Array.from(c.offsets, (o) => o + pad), data };
  }
  return c;
}

describe(`entity keys (${runtime})`, () => {
  it('matches the published xxHash64 vectors (reference and kernel)', async () => {
    const k = await testKernel();
    for (const [s, want] of XXH64_VECTORS) {
      expect(refXxh64(ascii(s))).toBe(want);
      expect(unwrap(xxHash64(k, ascii(s)))).toBe(want);
    }
  });

  it('serializes the golden Feast v3 keys', async () => {
    const k = await testKernel();
    const golden = '0100000002000000090000006472697665725f69640400000008000000e903000000000000';
    expect(hex(unwrap(entityKeyBytes(k, { driver_id: 1001n })))).toBe(golden);
    expect(hex(unwrap(entityKeyBytes(k, { driver_id: 1001 })))).toBe(golden);
    expect(hex(refKeyBytes([{ name: 'driver_id', type: 'int64', value: 1001n }]))).toBe(golden);
    // Composite key: sorted by name, all names before all values.
    expect(hex(unwrap(entityKeyBytes(k, { driver_id: 1001n, customer_id: 'abc' })))).toBe(
      '02000000' +
        '020000000b000000637573746f6d65725f6964' +
        '02000000090000006472697665725f6964' +
        '0200000003000000616263' +
        '0400000008000000e903000000000000',
    );
    expect(hex(unwrap(entityKeyBytes(k, { id: -2, ts: 1_700_000_000_000_000n, b: new Uint8Array([0, 255]) }, { id: 'int32', ts: 'unix_timestamp' })))).toBe(
      '03000000' + '020000000100000062' + '02000000020000006964' + '0200000002000000' + '7473' +
        '010000000200000000ff' + '0300000004000000feffffff' + '080000000800000000401e18240a0600',
    );
    const h = unwrap(entityKeyHash(k, { driver_id: 1001n }));
    expect(h).toBe(refXxh64(unwrap(entityKeyBytes(k, { driver_id: 1001n }))));
    expect(h.toString(16)).toMatch(/^[0-9a-f]+$/);
  });

  it('agrees with the reference on >= 10,000 random rows (serialize, hashes, hash-only)', async () => {
    const k = await testKernel();
    const r = rng(0x6b657973);
    let rows = 0;
    let batches = 0;
    while (rows < 10_000) {
      batches++;
      const kk = r.int(1, 4);
      const names = [...NAMES].sort(() => r.next() - 0.5).slice(0, kk);
      const types = names.map(() => r.pick(TYPES));
      const n = r.pick([0, 1, 2, r.int(1, 60)]);
      const values = names.map((_, j) => Array.from({ length: n }, () => randomValue(r, types[j])));
      const cols = names.map((name, j) => column(r, name, types[j], values[j]));
      const ser = unwrap(serializeEntityKeys(k, cols, { hashes: true }));
      const hashes = unwrap(hashEntityKeys(k, [...cols].reverse()));
      expect(ser.offsets.length).toBe(n + 1);
      for (let i = 0; i < n; i++) {
        const want = refKeyBytes(names.map((name, j): RefKey => ({ name, type: types[j], value: values[j][i] })));
        const got = ser.data.subarray(ser.offsets[i], ser.offsets[i + 1]);
        if (hex(got) !== hex(want)) expect({ batch: batches, row: i, got: hex(got) }).toEqual({ batch: batches, row: i, got: hex(want) });
        const h = refXxh64(want);
        if (ser.hashes![i] !== h || hashes[i] !== h) expect({ batch: batches, row: i, ser: ser.hashes![i], hashOnly: hashes[i] }).toEqual({ batch: batches, row: i, ser: h, hashOnly: h });
      }
      rows += n;
    }
    expect(rows).toBeGreaterThanOrEqual(10_000);
  });

  it('single-row helpers agree with the reference', async () => {
    const k = await testKernel();
    const r = rng(42);
    for (let t = 0; t < 500; t++) {
      const names = [...NAMES].sort(() => r.next() - 0.5).slice(0, r.int(1, 3));
      const types = names.map(() => r.pick(TYPES));
      const key = Object.fromEntries(names.map((n, j) => [n, randomValue(r, types[j])]));
      const typeMap = Object.fromEntries(names.map((n, j) => [n, types[j]]));
      const want = refKeyBytes(names.map((name, j) => ({ name, type: types[j], value: key[name] })));
      expect(hex(unwrap(entityKeyBytes(k, key, typeMap)))).toBe(hex(want));
      expect(unwrap(entityKeyHash(k, key, typeMap))).toBe(refXxh64(want));
    }
  });

  it('returns errors, never traps', async () => {
    const k = await testKernel();
    const ids = unwrap(keyColumn('driver_id', 'int64', [1n, null, 3n]));
    for (const r of [serializeEntityKeys(k, [ids]), hashEntityKeys(k, [ids])]) {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('invalid_argument');
        expect(r.error.message).toContain('null key value');
        expect(r.error.message).toContain('row 1');
      }
    }
    const s = unwrap(keyColumn('name', 'string', ['a', null]));
    expect(hashEntityKeys(k, [unwrap(keyColumn('driver_id', 'int64', [1n, 2n])), s]).ok).toBe(false);
    expect(serializeEntityKeys(k, []).ok).toBe(false);
    expect(serializeEntityKeys(k, [ids, ids]).ok).toBe(false); // duplicate names
    expect(serializeEntityKeys(k, [ids, unwrap(keyColumn('x', 'int64', [1n]))]).ok).toBe(false); // lengths differ
    const bad: KeyColumn = { name: 's', type: 'string', offsets: Uint32Array.of(0, 5, 2), data: ascii('hello') };
    const e = serializeEntityKeys(k, [bad]);
    expect(e.ok).toBe(false);
    if (!e.ok) expect(e.error.message).toContain('offsets');
    expect(hashEntityKeys(k, [{ name: 's', type: 'bytes', offsets: Uint32Array.of(0, 9), data: ascii('short') }]).ok).toBe(false);
    expect(serializeEntityKeys(k, [{ name: 'x', type: 'int32', values: new BigInt64Array(1) } as unknown as KeyColumn]).ok).toBe(false);
    expect(keyColumn('x', 'int32', [2 ** 31]).ok).toBe(false);
    expect(keyColumn('x', 'int64', [2 ** 60]).ok).toBe(false);
    expect(entityKeyBytes(k, { x: true as unknown as number }).ok).toBe(false);
    // Still usable afterwards.
    expect(hex(unwrap(entityKeyBytes(k, { driver_id: 1001n })))).toContain('e903');
  });
});
