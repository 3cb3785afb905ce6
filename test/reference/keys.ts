// Plain-TypeScript reference for the entity-key kernel: Feast
// serialization-version-3 bytes and xxHash64 (seed 0), written independently
// of assembly/keys.ts (BigInt arithmetic, a DataView, code-point sorting).
import type { KeyType } from '../../src/kernel/keys.ts';

export interface RefKey {
  readonly name: string;
  readonly type: KeyType;
  readonly value: number | bigint | string | Uint8Array;
}

const TYPE: Record<KeyType, number> = { bytes: 1, string: 2, int32: 3, int64: 4, unix_timestamp: 8 };

/** Compare two strings by Unicode code points (Python's `sorted` order). */
function byCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function valueBytes(k: RefKey): Uint8Array {
  switch (k.type) {
    case 'int32': {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, Number(k.value), true);
      return b;
    }
    case 'int64':
    case 'unix_timestamp': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, BigInt(k.value as bigint), true);
      return b;
    }
    case 'string':
      return new TextEncoder().encode(k.value as string);
    case 'bytes':
      return k.value as Uint8Array;
  }
}

function u32(x: number): number[] {
  return [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];
}

/** Feast v3 entity-key bytes for one row of keys (any order). */
export function refKeyBytes(keys: readonly RefKey[]): Uint8Array {
  const sorted = [...keys].sort((a, b) => byCodePoint(a.name, b.name));
  const out: number[] = [...u32(sorted.length)];
  for (const k of sorted) {
    const name = new TextEncoder().encode(k.name);
    out.push(...u32(2), ...u32(name.length), ...name);
  }
  for (const k of sorted) {
    const v = valueBytes(k);
    out.push(...u32(TYPE[k.type]), ...u32(v.length), ...v);
  }
  return Uint8Array.from(out);
}

const M = (1n << 64n) - 1n;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M;
const add = (a: bigint, b: bigint): bigint => (a + b) & M;
const round = (acc: bigint, lane: bigint): bigint => mul(rotl(add(acc, mul(lane, P2)), 31n), P1);
const mergeRound = (h: bigint, v: bigint): bigint => add(mul(h ^ round(0n, v), P1), P4);

function readLE(b: Uint8Array, at: number, n: number): bigint {
  let x = 0n;
  for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[at + i]);
  return x;
}

/** xxHash64 with seed 0, straight from the specification. */
export function refXxh64(b: Uint8Array): bigint {
  let i = 0;
  let h: bigint;
  if (b.length >= 32) {
    const v = [add(P1, P2), P2, 0n, (M + 1n - P1) & M];
    while (b.length - i >= 32) {
      for (let lane = 0; lane < 4; lane++) v[lane] = round(v[lane], readLE(b, i + lane * 8, 8));
      i += 32;
    }
    h = add(add(rotl(v[0], 1n), rotl(v[1], 7n)), add(rotl(v[2], 12n), rotl(v[3], 18n)));
    for (const x of v) h = mergeRound(h, x);
  } else {
    h = P5;
  }
  h = add(h, BigInt(b.length));
  for (; b.length - i >= 8; i += 8) h = add(mul(rotl(h ^ round(0n, readLE(b, i, 8)), 27n), P1), P4);
  if (b.length - i >= 4) {
    h = add(mul(rotl(h ^ mul(readLE(b, i, 4), P1), 23n), P2), P3);
    i += 4;
  }
  for (; i < b.length; i++) h = mul(rotl(h ^ mul(BigInt(b[i]), P5), 11n), P1);
  h ^= h >> 33n;
  h = mul(h, P2);
  h ^= h >> 29n;
  h = mul(h, P3);
  h ^= h >> 32n;
  return h;
}
