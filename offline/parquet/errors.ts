// Errors of the Parquet reader and writer: values with codes, like FsError
// (src/core/errors.ts), plus the file-level codes Parquet needs.
import type { FsErrorCode } from '../../src/core/errors.ts';

export type ParquetErrorCode =
  | FsErrorCode
  /** Not a Parquet file, or its bytes contradict themselves (bad footer, page, length). */
  | 'corrupt_file'
  /** Valid Parquet that neither the kernel nor the fallback reader handles (LZO, structs...). */
  | 'unsupported_parquet'
  /** The file system refused (missing file, permissions, disk full). */
  | 'io_error';

export interface ParquetError {
  readonly code: ParquetErrorCode;
  readonly message: string;
  readonly details?: { readonly file?: string; readonly [k: string]: unknown };
}

export type ParquetResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ParquetError };

export const pqOk = <T>(value: T): ParquetResult<T> => ({ ok: true, value });

export const pqErr = <T = never>(code: ParquetErrorCode, message: string, details?: ParquetError['details']): ParquetResult<T> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Thrown only by the iterator API (an async generator cannot return a Result per step). */
export class ParquetReadError extends Error {
  readonly code: ParquetErrorCode;
  readonly details?: ParquetError['details'];
  constructor(error: ParquetError) {
    super(error.message);
    this.name = 'ParquetReadError';
    this.code = error.code;
    this.details = error.details;
  }
}

/** Map a thrown fs error to io_error (file name attached). */
export function ioError<T = never>(file: string, e: unknown): ParquetResult<T> {
  const code = (e as { code?: string }).code;
  return pqErr('io_error', `${file}: ${(e as Error).message ?? String(e)}`, { file, ...(code ? { errno: code } : {}) });
}
