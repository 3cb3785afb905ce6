/**
 * Errors are values with codes. Expected failures are returned as `Result`;
 * bugs throw. Codes are the stable contract (HTTP statuses and CLI exit codes
 * are derived from them); messages may change.
 */
export type FsErrorCode =
  | 'invalid_request'
  | 'invalid_argument'
  | 'kernel_failed'
  | 'kernel_out_of_memory'
  | 'corrupt_data'
  | 'unsupported_version'
  | 'not_found'
  | 'conflict'
  | 'invalid_definitions'
  | 'store_unavailable'
  | 'invalid_feature_reference'
  | 'unknown_feature_view'
  | 'unknown_feature'
  | 'unknown_feature_service'
  | 'feature_name_collision'
  | 'missing_entity_column'
  | 'invalid_entity_value'
  | 'payload_too_large'
  | 'limit_exceeded'
  | 'invalid_rows'
  | 'expectation_failed'
  | 'transformation_unavailable'
  | 'transformation_failed'
  | 'unsupported'
  | 'unsupported_media_type'
  | 'invalid_json'
  | 'corrupt_file'
  | 'unsupported_parquet'
  | 'io_error'
  | 'unauthenticated'
  | 'forbidden'
  | 'auth_misconfigured'
  | 'invalid_arrow'
  /** work stopped on request (an early read the caller no longer needs); never answered to a client */
  | 'cancelled';

export interface FsError {
  readonly code: FsErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: FsError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = <T = never>(code: FsErrorCode, message: string, details?: unknown): Result<T> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** An FsError carried by an exception, for the few places that must throw (CLI top level, host glue). */
export class LarderError extends Error {
  readonly code: FsErrorCode;
  readonly details?: unknown;
  constructor(error: FsError) {
    super(error.message);
    this.name = 'LarderError';
    this.code = error.code;
    this.details = error.details;
  }
  toJSON(): FsError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Unwrap a Result, throwing a LarderError on failure. For tests and top-level glue. */
export function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  throw new LarderError(r.error);
}
