/** Request limits (each violation is a 4xx with a code). Configurable per deployment. */
export interface Limits {
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
  /** Most entity rows in one get-online-features request. */
  readonly maxEntityRows: number;
  /** Most feature references in one request. */
  readonly maxFeatures: number;
  /** Most rows in one push or write. */
  readonly maxWriteRows: number;
}

export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxBodyBytes: 1 << 20,
  maxEntityRows: 1000,
  maxFeatures: 500,
  maxWriteRows: 400,
});
