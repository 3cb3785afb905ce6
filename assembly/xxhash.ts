// xxHash64 (seed 0): the one implementation shared by entity keys (store keys,
// partitioning) and statistics (distinct counts, top values).

export const P1: u64 = 0x9e3779b185ebca87;
export const P2: u64 = 0xc2b2ae3d27d4eb4f;
export const P3: u64 = 0x165667b19e3779f9;
export const P4: u64 = 0x85ebca77c2b2ae63;
export const P5: u64 = 0x27d4eb2f165667c5;

// @ts-ignore: decorator
@inline export function round(acc: u64, input: u64): u64 {
  return rotl<u64>(acc + input * P2, 31) * P1;
}

// @ts-ignore: decorator
@inline export function merge(h: u64, v: u64): u64 {
  return (h ^ round(0, v)) * P1 + P4;
}

/** Tail bytes and avalanche: the part of xxHash64 shared by both drivers. */
export function finish(h: u64, p: usize, len: usize): u64 {
  while (len >= 8) {
    h = rotl<u64>(h ^ round(0, load<u64>(p)), 27) * P1 + P4;
    p += 8;
    len -= 8;
  }
  if (len >= 4) {
    h = rotl<u64>(h ^ (<u64>load<u32>(p) * P1), 23) * P2 + P3;
    p += 4;
    len -= 4;
  }
  while (len > 0) {
    h = rotl<u64>(h ^ (<u64>load<u8>(p) * P5), 11) * P1;
    p++;
    len--;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

/** xxHash64 with seed 0 of `len` bytes at `p`. */
export function xxh64(p: usize, len: usize): u64 {
  let h: u64;
  const total = len;
  if (len >= 32) {
    let v1: u64 = P1 + P2;
    let v2: u64 = P2;
    let v3: u64 = 0;
    let v4: u64 = 0 - P1;
    do {
      v1 = round(v1, load<u64>(p));
      v2 = round(v2, load<u64>(p, 8));
      v3 = round(v3, load<u64>(p, 16));
      v4 = round(v4, load<u64>(p, 24));
      p += 32;
      len -= 32;
    } while (len >= 32);
    h = rotl<u64>(v1, 1) + rotl<u64>(v2, 7) + rotl<u64>(v3, 12) + rotl<u64>(v4, 18);
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else {
    h = P5;
  }
  return finish(h + <u64>total, p, len);
}

/** xxHash64 (seed 0) of the 8 little-endian bytes of `v`. */
// @ts-ignore: decorator
@inline export function xxh64Word(v: u64): u64 {
  let h: u64 = P5 + 8;
  h = rotl<u64>(h ^ round(0, v), 27) * P1 + P4;
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  return h ^ (h >> 32);
}
