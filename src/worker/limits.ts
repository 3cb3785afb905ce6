/** Request limits (each violation is a 4xx with a code). Configurable per deployment. */
export interface Limits {
  /** Largest request body, in bytes (413 `payload_too_large`). */
  readonly maxBodyBytes: number;
  /** Most entity rows in one get-online-features request. */
  readonly maxEntityRows: number;
  /** Most feature references in one request. */
  readonly maxFeatures: number;
  /** Most rows in one push or write. */
  readonly maxWriteRows: number;
  /** Longest name: feature references, view / service / push-source names, column names (UTF-16 units). */
  readonly maxNameLength: number;
  /** Longest string in `entities` and `request_context` (entity key strings, request data). */
  readonly maxKeyLength: number;
  /** Longest string value in a written frame (`df`): string and base64 bytes features, timestamps, keys. */
  readonly maxStringLength: number;
  /** Most elements in one list value (a `list<T>` feature, a list in request data). */
  readonly maxListLength: number;
  /** Most columns in `entities`, `request_context` or `df`. */
  readonly maxColumns: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxBodyBytes: 1 << 20,
  maxEntityRows: 1000,
  maxFeatures: 500,
  maxWriteRows: 400,
  maxNameLength: 256,
  maxKeyLength: 1024,
  maxStringLength: 64 * 1024,
  maxListLength: 1000,
  maxColumns: 256,
});
