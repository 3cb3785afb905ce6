import { err, type Result } from '../core/errors.ts';

/** Mirrors assembly/status.ts. Keep the numbers in step. */
export const Status = {
  OK: 0,
  BAD_ARGUMENT: 1,
  BAD_TYPE: 2,
  TRUNCATED: 3,
  BAD_VERSION: 4,
  OUT_OF_RANGE: 5,
  OUT_OF_MEMORY: 6,
} as const;

const NAMES = Object.fromEntries(Object.entries(Status).map(([k, v]) => [v, k])) as Record<number, string>;

/** Turn a kernel status code into a typed error (never call with OK). */
export function statusError<T = never>(kernel: string, status: number): Result<T> {
  const name = NAMES[status] ?? `UNKNOWN_${status}`;
  switch (status) {
    case Status.TRUNCATED:
      return err('corrupt_data', `${kernel}: encoded data is truncated`, { status: name });
    case Status.BAD_VERSION:
      return err('unsupported_version', `${kernel}: unknown format version`, { status: name });
    case Status.OUT_OF_MEMORY:
      return err('kernel_out_of_memory', `${kernel}: kernel memory exhausted; use smaller partitions`, { status: name });
    case Status.BAD_ARGUMENT:
    case Status.BAD_TYPE:
    case Status.OUT_OF_RANGE:
      return err('invalid_argument', `${kernel}: ${name.toLowerCase().replace(/_/g, ' ')}`, { status: name });
    default:
      return err('kernel_failed', `${kernel}: status ${name}`, { status: name });
  }
}
