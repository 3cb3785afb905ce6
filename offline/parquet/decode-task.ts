// One unit of decode work: some columns of one row group. Runs the same way
// on a worker thread and inline on the main thread: the kernel decodes each
// column chunk straight from the file (read into wasm memory), and hyparquet
// takes over a column chunk the kernel hands back as unsupported.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import type { KernelInstance } from '../../src/kernel/instance.ts';
import { decodeColumnChunkWith, type ChunkViews, type ColumnChunkSpec } from '../../src/kernel/parquet.ts';
import { hostDecompress } from './codecs.ts';
import { pqErr, pqOk, type ParquetError, type ParquetResult } from './errors.ts';
import type { ChunkRange } from './footer.ts';
import type { Column, ColumnSchema, TimeUnit } from './types.ts';

/** A column of a task (structured-clone friendly). */
export interface ColumnTask {
  readonly schema: ColumnSchema;
  readonly physical: number;
  readonly typeLength: number;
  readonly maxDef: number;
  readonly maxRep: number;
  readonly widenUint32: boolean;
  /** The column's (first) leaf chunk. */
  readonly chunk: ChunkRange;
  /**
   * Decode 8-byte values (int64, uint64, timestamp, double) straight into this shared memory
   * at byteOffset, e.g. the consumer's final column, instead of a buffer of their own. Ignored
   * for other types and by the fallback reader: consumers check where the values landed.
   */
  readonly into?: Placement;
}

/** Where a column's values go: shared memory (a structured clone keeps it shared with the worker). */
export interface Placement {
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
}

export interface DecodeTask {
  readonly path: string;
  /** Size and mtime when opened: a changed file is an error, not a mix of versions. */
  readonly byteLength: number;
  readonly mtimeMs: number;
  readonly rowGroup: number;
  readonly rowStart: number;
  readonly numRows: number;
  readonly columns: readonly ColumnTask[];
  /** Convert timestamps to this unit (floor); undefined keeps the file's unit. */
  readonly timestampUnit?: TimeUnit;
}

export interface DecodedColumn {
  readonly name: string;
  readonly column: Column;
  /** The values went to the task's placement (ColumnTask.into). */
  readonly placed?: boolean;
  /** 'kernel' or 'fallback: <reason>' (for tests and diagnostics). */
  readonly path: string;
}

/** Buffers to decode into (recycled ArrayBuffers), or fresh ones. */
export type Allocate = (bytes: number) => ArrayBuffer;
export const freshBuffer: Allocate = (bytes) => new ArrayBuffer(bytes);

/** Open files of one thread, reused across tasks (reads are positional). */
export class FileCache {
  readonly #fds = new Map<string, { fd: number; key: string }>();
  readonly #meta = new Map<string, { key: string; md: FileMetaData }>();

  fd(task: DecodeTask): number {
    const key = `${task.byteLength}:${task.mtimeMs}`;
    const hit = this.#fds.get(task.path);
    if (hit && hit.key === key) return hit.fd;
    if (hit) this.close(task.path);
    const fd = openSync(task.path, 'r');
    const st = fstatSync(fd);
    if (st.size !== task.byteLength || st.mtimeMs !== task.mtimeMs) {
      closeSync(fd);
      throw Object.assign(new Error(`${task.path} changed since it was opened`), { code: 'ECHANGED' });
    }
    if (this.#fds.size >= 16) this.close(this.#fds.keys().next().value!);
    this.#fds.set(task.path, { fd, key });
    return fd;
  }

  /** Footer for the fallback reader (parsed once per file version per thread). */
  async metadata(task: DecodeTask): Promise<FileMetaData> {
    const key = `${task.byteLength}:${task.mtimeMs}`;
    const hit = this.#meta.get(task.path);
    if (hit && hit.key === key) return hit.md;
    const fd = this.fd(task);
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, task.byteLength - 8);
    const len = tail.readUInt32LE(0) + 8;
    const footer = new Uint8Array(len);
    readFully(fd, footer, task.byteLength - len);
    const { parquetMetadata } = await import('hyparquet');
    const md = parquetMetadata(footer);
    if (this.#meta.size >= 16) this.#meta.delete(this.#meta.keys().next().value!);
    this.#meta.set(task.path, { key, md });
    return md;
  }

  asyncBuffer(task: DecodeTask): AsyncBuffer {
    const fd = this.fd(task);
    return {
      byteLength: task.byteLength,
      slice: (start: number, end?: number) => {
        const stop = end ?? task.byteLength;
        const b = new Uint8Array(Math.max(0, stop - start));
        readFully(fd, b, start);
        return b.buffer;
      },
    };
  }

  close(path: string): void {
    const hit = this.#fds.get(path);
    if (hit) closeSync(hit.fd);
    this.#fds.delete(path);
  }

  closeAll(): void {
    for (const p of [...this.#fds.keys()]) this.close(p);
    this.#meta.clear();
  }
}

function readFully(fd: number, dst: Uint8Array, position: number): void {
  let done = 0;
  while (done < dst.length) {
    const n = readSync(fd, dst, done, dst.length - done, position + done);
    if (n === 0) throw Object.assign(new Error(`unexpected end of file at byte ${position + done}`), { code: 'ESHORT' });
    done += n;
  }
}

/** Multiply/divide that turns `from` into `to` (both in {ms, us, ns}). */
function rescaleFor(from: TimeUnit, to: TimeUnit | undefined): { mul: bigint; div: bigint } | undefined {
  if (!to || from === to) return undefined;
  const ns: Record<TimeUnit, bigint> = { ms: 1_000_000n, us: 1000n, ns: 1n };
  return ns[from] > ns[to] ? { mul: ns[from] / ns[to], div: 1n } : { mul: 1n, div: ns[to] / ns[from] };
}

function copyInto<T extends ArrayBufferView>(alloc: Allocate, src: T, make: (b: ArrayBuffer, n: number) => T, n: number): T {
  const buf = alloc(src.byteLength);
  const out = make(buf, n);
  new Uint8Array(buf, 0, src.byteLength).set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength));
  return out;
}

/** Copy 8-byte values into their placement when it fits, else into `alloc`'s buffer. */
function place64<T extends BigInt64Array | Float64Array>(alloc: Allocate, src: T, make: (b: ArrayBufferLike, at: number, n: number) => T, n: number, into: Placement | undefined): T {
  if (!into || into.byteOffset % 8 !== 0 || into.byteOffset + src.byteLength > into.buffer.byteLength) return copyInto(alloc, src, (b, m) => make(b, 0, m), n);
  const out = make(into.buffer, into.byteOffset, n);
  out.set(src.subarray(0, n) as never);
  return out;
}

/** Kernel views -> a Column of the schema's type (copied into `alloc`'s buffers, or placed). */
function columnFromViews(schema: ColumnSchema, v: ChunkViews, alloc: Allocate, unit: TimeUnit | undefined, into?: Placement): Column {
  const n = v.numRows;
  const validity = v.validity ? copyInto(alloc, v.validity, (b, m) => new Uint8Array(b, 0, m), n) : null;
  if (v.offsets) {
    const offsets = copyInto(alloc, v.offsets, (b, m) => new Int32Array(b, 0, m), n + 1);
    const data = copyInto(alloc, v.data!, (b, m) => new Uint8Array(b, 0, m), v.data!.length);
    return { type: schema.type === 'string' ? 'string' : 'binary', offsets, data, validity };
  }
  const src = v.values!;
  switch (schema.type) {
    case 'bool':
      return { type: 'bool', values: copyInto(alloc, src as Uint8Array, (b, m) => new Uint8Array(b, 0, m), n), validity };
    case 'int32':
    case 'date':
      return { type: schema.type, values: copyInto(alloc, src as Int32Array, (b, m) => new Int32Array(b, 0, m), n), validity };
    case 'int64':
      return { type: 'int64', values: place64(alloc, src as BigInt64Array, (b, at, m) => new BigInt64Array(b, at, m), n, into), validity };
    case 'uint64': {
      const buf = place64(alloc, src as BigInt64Array, (b, at, m) => new BigInt64Array(b, at, m), n, into);
      return { type: 'uint64', values: new BigUint64Array(buf.buffer, buf.byteOffset, n), validity };
    }
    case 'float':
      return { type: 'float', values: copyInto(alloc, src as Float32Array, (b, m) => new Float32Array(b, 0, m), n), validity };
    case 'double':
      return { type: 'double', values: place64(alloc, src as Float64Array, (b, at, m) => new Float64Array(b, at, m), n, into), validity };
    case 'timestamp':
      return {
        type: 'timestamp',
        values: place64(alloc, src as BigInt64Array, (b, at, m) => new BigInt64Array(b, at, m), n, into),
        unit: unit ?? schema.unit ?? 'us',
        utc: schema.utc ?? false,
        validity,
      };
    default:
      throw new Error(`column ${schema.name}: no kernel output for type ${schema.type}`);
  }
}

/** Decode every column of a task. Errors carry the file name; corrupt bytes give corrupt_file. */
export async function runDecodeTask(
  k: KernelInstance,
  files: FileCache,
  task: DecodeTask,
  alloc: Allocate = freshBuffer,
): Promise<ParquetResult<DecodedColumn[]>> {
  const file = task.path;
  const out: DecodedColumn[] = [];
  let fd: number;
  try {
    fd = files.fd(task);
  } catch (e) {
    return ioOrChanged(file, e);
  }
  for (const col of task.columns) {
    const { schema, chunk } = col;
    let reason: string | null = schema.fastPath ? null : 'not a kernel type';
    if (reason === null) {
      const unit = schema.type === 'timestamp' ? task.timestampUnit : undefined;
      const rescale = unit && schema.unit ? rescaleFor(schema.unit, unit) : undefined;
      const spec: ColumnChunkSpec = {
        physical: col.physical,
        typeLength: col.typeLength,
        maxDef: col.maxDef,
        maxRep: col.maxRep,
        codec: chunk.codec,
        numRows: task.numRows,
        byteLength: chunk.length,
        widenUint32: col.widenUint32,
        ...(rescale ? { rescale } : {}),
      };
      if (chunk.codec < 0) reason = 'unknown codec';
      else if (chunk.numValues !== task.numRows) {
        return pqErr('corrupt_file', `${file}: column ${schema.name} of row group ${task.rowGroup} has ${chunk.numValues} values for ${task.numRows} rows`, {
          file, column: schema.name, rowGroup: task.rowGroup,
        });
      } else {
        let r;
        try {
          r = decodeColumnChunkWith(k, spec, (dst) => readFully(fd, dst, chunk.start), hostDecompress, (v) => columnFromViews(schema, v, alloc, unit, col.into));
        } catch (e) {
          return ioOrChanged(file, e);
        }
        if (!r.ok) {
          const code = r.error.code === 'corrupt_data' ? 'corrupt_file' : r.error.code;
          return pqErr(code, `${file}: column ${schema.name}, row group ${task.rowGroup}: ${r.error.message}`, {
            file, column: schema.name, rowGroup: task.rowGroup,
          });
        }
        if (r.value.kind === 'decoded') {
          const c = r.value.value;
          const placed = col.into !== undefined && 'values' in c && c.values.buffer === col.into.buffer;
          out.push({ name: schema.name, column: c, path: 'kernel', ...(placed && { placed }) });
          continue;
        }
        reason = r.value.reason;
      }
    }
    // Fallback: hyparquet for this column chunk.
    try {
      // hyparquet loads on first use: workers start faster without it.
      const { readColumnFallback } = await import('./fallback.ts');
      const md = await files.metadata(task);
      const unit = schema.type === 'timestamp' || schema.element?.type === 'timestamp' ? task.timestampUnit : undefined;
      const column = await readColumnFallback(k, files.asyncBuffer(task), md, schema, task.rowStart, task.numRows, unit);
      out.push({ name: schema.name, column, path: `fallback: ${reason}` });
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (isFsError(e)) return ioOrChanged(file, e);
      const unsupported = /unsupported|not supported|LZO|LZ4|bson|interval/i.test(msg);
      return pqErr(unsupported ? 'unsupported_parquet' : 'corrupt_file', `${file}: column ${schema.name}, row group ${task.rowGroup} (${reason}): ${msg}`, {
        file, column: schema.name, rowGroup: task.rowGroup,
      });
    }
  }
  return pqOk(out);
}

/** A file-system failure (as opposed to bad bytes): Node fs errors carry a syscall. */
function isFsError(e: unknown): boolean {
  const x = e as { code?: string; syscall?: string };
  return x.syscall !== undefined || x.code === 'ECHANGED' || x.code === 'ESHORT';
}

function ioOrChanged<T>(file: string, e: unknown): ParquetResult<T> {
  const code = (e as { code?: string }).code;
  if (code === 'ECHANGED') return pqErr('io_error', (e as Error).message, { file });
  if (code === 'ESHORT') return pqErr('corrupt_file', `${file}: ${(e as Error).message}`, { file });
  const error: ParquetError = { code: 'io_error', message: `${file}: ${(e as Error).message ?? String(e)}`, details: { file, ...(code ? { errno: code } : {}) } };
  return { ok: false, error };
}
