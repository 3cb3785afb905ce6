// Internal helpers of the codec binding: cached views of kernel memory, the
// kernel's error records, and UTF-8 decoding tuned for short strings.
import { err, type Result } from '../core/errors.ts';
import type { KernelInstance } from './instance.ts';
import { NULL_TS } from './pit-join.ts';
import { statusError } from './status.ts';

/** The null created timestamp (i64 min), shared with the pit-join kernel. */
export const NULL_CREATED = NULL_TS;
export const DESC_WORDS = 8; // mirrors DESC / 4 in assembly/codec.ts
export const ENTRY_BYTES = 16; // mirrors ENTRY in assembly/codec.ts

export type Fn = (...a: number[]) => number;

/** err[2] reasons from assembly/codec.ts, as stable strings. */
export const CODEC_ERROR_REASONS = Object.freeze([
  '', 'short', 'flags', 'varint', 'code', 'padding', 'offsets', 'trailing', 'payload', 'fields', 'schema', 'input', 'capacity', 'rows',
] as const);
const REASON_TEXT: Record<string, string> = {
  short: 'truncated',
  flags: 'reserved flag bits set',
  varint: 'malformed field count',
  code: 'reserved value code',
  padding: 'non-zero padding bits',
  offsets: 'offset table decreasing',
  trailing: 'bytes after the last payload',
  payload: 'malformed list payload',
  fields: 'more fields than the schema',
  schema: 'unknown field type code',
  input: 'input offsets out of order or out of range',
  capacity: 'output capacity exceeded',
  rows: 'row offsets out of order or out of range',
};

/** Turn a kernel status and its err record [row, field, reason] into an error value. */
export function failure<T>(kernel: string, status: number, row: number, field: number, reasonCode: number): Result<T> {
  const base = statusError<T>(kernel, status);
  if (base.ok) return base;
  const reason = CODEC_ERROR_REASONS[reasonCode] ?? `reason ${reasonCode}`;
  const where = [row >= 0 ? `row ${row}` : '', field >= 0 ? `field ${field}` : ''].filter(Boolean).join(', ');
  const text = reason ? REASON_TEXT[reason] ?? reason : base.error.message.replace(`${kernel}: `, '');
  return err(base.error.code, `${kernel}: ${text}${where ? ` (${where})` : ''}`, {
    status: (base.error.details as { status: string }).status,
    reason: reason || undefined,
    row: row >= 0 ? row : undefined,
    field: field >= 0 ? field : undefined,
  });
}

/** Views over the whole of a kernel's memory, rebuilt only when memory grows. */
export interface Mem {
  readonly buf: ArrayBuffer;
  readonly u8: Uint8Array;
  readonly u32: Uint32Array;
  readonly i32: Int32Array;
  readonly dv: DataView;
}

const mems = new WeakMap<KernelInstance, Mem>();

/** Current views of k's memory. Call again after anything that can allocate. */
export function mem(k: KernelInstance): Mem {
  const buf = k.buffer;
  let m = mems.get(k);
  if (m === undefined || m.buf !== buf) {
    m = { buf, u8: new Uint8Array(buf), u32: new Uint32Array(buf), i32: new Int32Array(buf), dv: new DataView(buf) };
    mems.set(k, m);
  }
  return m;
}

/** Round up to a multiple of 16 (the arena's alignment). */
export const align = (n: number): number => (n + 15) & ~15;

/** Read the [row, field, reason] record at `at` and build the error. */
export function kernelFailure<T>(k: KernelInstance, kernel: string, status: number, at: number): Result<T> {
  const m = mem(k);
  const i = at >>> 2;
  return failure(kernel, status, m.i32[i], m.i32[i + 1], m.i32[i + 2]);
}

const utf8Dec = new TextDecoder();

/**
 * UTF-8 bytes u8[start, end) as a string. Short ASCII strings skip
 * TextDecoder, whose per-call cost dominates for a few bytes; anything else
 * (including invalid UTF-8, which becomes U+FFFD) goes through it.
 */
export function utf8(u8: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 32) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if (u8[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return n === 0 ? '' : String.fromCharCode.apply(null, u8.subarray(start, end) as unknown as number[]);
  }
  return utf8Dec.decode(u8.subarray(start, end));
}

/** Many UTF-8 strings at byte offsets into one buffer: one TextDecoder call when the buffer is ASCII. */
export function utf8Many(data: Uint8Array, offsets: Uint32Array, count: number, valid: Uint8Array | null): (string | null)[] {
  const out: (string | null)[] = new Array(count);
  const text = data.length > 0 ? utf8Dec.decode(data) : '';
  // Equal lengths mean every byte became one UTF-16 unit, so byte offsets are string offsets.
  const direct = text.length === data.length;
  for (let i = 0; i < count; i++) {
    if (valid !== null && valid[i] === 0) out[i] = null;
    else out[i] = direct ? text.slice(offsets[i], offsets[i + 1]) : utf8Dec.decode(data.subarray(offsets[i], offsets[i + 1]));
  }
  return out;
}
