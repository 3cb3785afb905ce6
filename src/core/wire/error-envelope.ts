import type { FsError, FsErrorCode } from '../errors.ts';

/** `{"error": {"code", "message", "details"}}`, larder's error body (not Feast's JSON-in-a-string). */
export interface ErrorEnvelope {
  error: { code: FsErrorCode | string; message: string; details?: unknown };
}

export function envelope(e: FsError): ErrorEnvelope {
  return { error: e.details === undefined ? { code: e.code, message: e.message } : { ...e } };
}
