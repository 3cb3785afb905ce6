// Reading Feast v3 entity-key bytes back into join-key values (the inverse of
// src/kernel/keys.ts serializeEntityKeys; layout in assembly/keys.ts):
// u32 count, per key u32 2 + u32 len + utf8 name, per value u32 type + u32 len
// + bytes, all little-endian.
import { err, ok, type Result } from '../../src/core/errors.ts';
import type { KeyValue } from '../../src/kernel/keys.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Join-key name -> value (int32 number; int64 and unix_timestamp bigint; string; bytes Uint8Array). */
export function entityKeyValues(bytes: Uint8Array): Result<Map<string, KeyValue>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = (): number | null => {
    if (at + 4 > bytes.length) return null;
    const v = view.getUint32(at, true);
    at += 4;
    return v;
  };
  const chunk = (len: number): Uint8Array | null => {
    if (at + len > bytes.length) return null;
    const b = bytes.subarray(at, at + len);
    at += len;
    return b;
  };
  const bad = (what: string) => err('corrupt_data', `entity key bytes: ${what}`);
  const count = u32();
  if (count === null || count > 1024) return bad('no key count');
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const type = u32();
    const len = u32();
    const name = len === null ? null : chunk(len);
    if (type !== 2 || name === null) return bad(`key name ${i} is malformed`);
    names.push(utf8.decode(name));
  }
  const out = new Map<string, KeyValue>();
  for (let i = 0; i < count; i++) {
    const type = u32();
    const len = u32();
    const b = len === null ? null : chunk(len);
    if (type === null || b === null) return bad(`value ${i} is truncated`);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    if (type === 1) out.set(names[i], b.slice());
    else if (type === 2) out.set(names[i], utf8.decode(b));
    else if (type === 3 && len === 4) out.set(names[i], dv.getInt32(0, true));
    else if ((type === 4 || type === 8) && len === 8) out.set(names[i], dv.getBigInt64(0, true));
    else return bad(`value ${i} has type ${type} and ${len} bytes`);
  }
  if (at !== bytes.length) return bad(`${bytes.length - at} trailing bytes`);
  return ok(out);
}
