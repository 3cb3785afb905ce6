import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { FsError, FsErrorCode } from '../core/errors.ts';
import { envelope } from '../core/wire/error-envelope.ts';

/** The one table from error codes to HTTP statuses. Codes are stable; messages may change. */
const STATUS: Record<FsErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  invalid_argument: 400,
  invalid_feature_reference: 400,
  invalid_entity_value: 400,
  missing_entity_column: 400,
  feature_name_collision: 400,
  not_found: 404,
  unknown_feature_view: 404,
  unknown_feature: 404,
  unknown_feature_service: 404,
  conflict: 409,
  invalid_definitions: 422,
  payload_too_large: 413,
  limit_exceeded: 413,
  invalid_rows: 422,
  expectation_failed: 422,
  corrupt_data: 500,
  unsupported_version: 500,
  kernel_failed: 500,
  kernel_out_of_memory: 503,
  store_unavailable: 503,
  transformation_unavailable: 500,
  transformation_failed: 422,
  unsupported: 501,
  unsupported_media_type: 415,
  invalid_json: 400,
  corrupt_file: 422,
  unsupported_parquet: 422,
  io_error: 500,
  unauthenticated: 401,
  forbidden: 403,
  auth_misconfigured: 500,
  invalid_arrow: 400,
  cancelled: 500,
};

export function statusOf(code: string): ContentfulStatusCode {
  return STATUS[code as FsErrorCode] ?? 500;
}

export function errorResponse(c: Context, e: FsError): Response {
  return c.json(envelope(e), statusOf(e.code));
}
