import { base64ToBytes, bytesToBase64 } from '../../core/base64.ts';
import type { StoredValue } from '../../core/online-store.ts';

/**
 * What a KV value holds (format version 1), base64 text so that KV's bulk
 * get (text or json only) can read up to 100 keys per operation:
 *
 *   u8  version = 1
 *   u8  flags   (bit 0: the KV key is a hash; the full entity key follows)
 *   f64 eventTs   (epoch µs, little-endian)
 *   f64 createdTs
 *   [u32 keyLength, key bytes]   when flag bit 0 is set
 *   value bytes (the codec's encoded vector) to the end
 */
export const KV_ENVELOPE_VERSION = 1;
const HEADER = 1 + 1 + 8 + 8;

export function encodeEnvelope(v: StoredValue, fullKey: Uint8Array | null): string {
  const keyPart = fullKey ? 4 + fullKey.length : 0;
  const buf = new Uint8Array(HEADER + keyPart + v.value.length);
  const dv = new DataView(buf.buffer);
  buf[0] = KV_ENVELOPE_VERSION;
  buf[1] = fullKey ? 1 : 0;
  dv.setFloat64(2, v.eventTs, true);
  dv.setFloat64(10, v.createdTs, true);
  let at = HEADER;
  if (fullKey) {
    dv.setUint32(at, fullKey.length, true);
    buf.set(fullKey, at + 4);
    at += keyPart;
  }
  buf.set(v.value, at);
  return bytesToBase64(buf);
}

export interface Envelope extends StoredValue {
  /** The full entity key, when the KV key was a hash. */
  readonly fullKey: Uint8Array | null;
}

/** Null when the text is not a valid version-1 envelope. */
export function decodeEnvelope(text: string): Envelope | null {
  const buf = base64ToBytes(text);
  if (!buf || buf.length < HEADER || buf[0] !== KV_ENVELOPE_VERSION) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = HEADER;
  let fullKey: Uint8Array | null = null;
  if (buf[1] & 1) {
    if (buf.length < at + 4) return null;
    const n = dv.getUint32(at, true);
    if (buf.length < at + 4 + n) return null;
    fullKey = buf.subarray(at + 4, at + 4 + n);
    at += 4 + n;
  }
  return { eventTs: dv.getFloat64(2, true), createdTs: dv.getFloat64(10, true), fullKey, value: buf.subarray(at) };
}
