/**
 * A precomputed feature service stores one vector per entity: the encoded
 * rows of each projected view side by side, so a model's request is one
 * store read per entity. Layout (version 1):
 *
 *   u8 version = 1, u16 sections (one per projection, in service order)
 *   per section: f64 eventTs, f64 createdTs, u32 length (0 = absent)
 *   the sections' codec rows, concatenated
 */
export const PRECOMPUTED_VERSION = 1;

export interface Section {
  readonly eventTs: number;
  readonly createdTs: number;
  readonly row: Uint8Array | null;
}

export function encodeSections(sections: readonly Section[]): Uint8Array {
  const head = 3 + sections.length * 20;
  const total = head + sections.reduce((a, s) => a + (s.row?.length ?? 0), 0);
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out[0] = PRECOMPUTED_VERSION;
  dv.setUint16(1, sections.length, true);
  let at = head;
  sections.forEach((s, i) => {
    const o = 3 + i * 20;
    dv.setFloat64(o, s.eventTs, true);
    dv.setFloat64(o + 8, s.createdTs, true);
    dv.setUint32(o + 16, s.row?.length ?? 0, true);
    if (s.row) {
      out.set(s.row, at);
      at += s.row.length;
    }
  });
  return out;
}

/** Null when the bytes are not a version-1 vector with `count` sections. */
export function decodeSections(bytes: Uint8Array, count: number): Section[] | null {
  if (bytes.length < 3 || bytes[0] !== PRECOMPUTED_VERSION) return null;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint16(1, true);
  if (n !== count || bytes.length < 3 + n * 20) return null;
  let at = 3 + n * 20;
  const out: Section[] = [];
  for (let i = 0; i < n; i++) {
    const o = 3 + i * 20;
    const len = dv.getUint32(o + 16, true);
    if (at + len > bytes.length) return null;
    out.push({ eventTs: dv.getFloat64(o, true), createdTs: dv.getFloat64(o + 8, true), row: len ? bytes.subarray(at, at + len) : null });
    at += len;
  }
  return out;
}
