import type { ObjectKind } from '../schema/registry-document.ts';
import { YAML_KEY_OF } from '../schema/yaml-definitions.ts';

/** Stable codes of definition problems. Messages may change; codes do not. */
export type ValidationCode =
  | 'invalid_config'
  | 'invalid_definition'
  | 'invalid_name'
  | 'duplicate_name'
  | 'unknown_reference'
  | 'invalid_reference'
  | 'feature_join_key_collision'
  | 'missing_value_type'
  | 'missing_source_column'
  | 'source_type_mismatch'
  | 'source_not_found'
  | 'unreadable_source'
  | 'invalid_ttl'
  | 'invalid_dtype'
  | 'invalid_expectation'
  | 'unknown_transformation';

export interface ValidationIssue {
  readonly code: ValidationCode;
  readonly severity: 'error' | 'warning';
  /** The file that declared the object, relative to the repo. */
  readonly file: string;
  readonly kind?: ObjectKind;
  /** The object's name (or its position when it has none). */
  readonly object?: string;
  /** Path of the offending field inside the object, e.g. `schema[2].dtype`. */
  readonly field?: string;
  readonly message: string;
}

export function issue(
  code: ValidationCode,
  at: { file: string; kind?: ObjectKind; object?: string; field?: string },
  message: string,
  severity: 'error' | 'warning' = 'error',
): ValidationIssue {
  return {
    code,
    severity,
    file: at.file,
    ...(at.kind !== undefined && { kind: at.kind }),
    ...(at.object !== undefined && { object: at.object }),
    ...(at.field !== undefined && at.field !== '' && { field: at.field }),
    message,
  };
}

/** Field paths are written in the file's own spelling: snake_case in YAML files. */
function fieldInFileSpelling(file: string, field: string): string {
  if (!/\.ya?ml$/i.test(file)) return field;
  return field.replace(/[A-Za-z]+/g, (seg) => YAML_KEY_OF[seg] ?? seg);
}

/** One line: `error[code]: file: object.field: message`. */
export function formatIssue(i: ValidationIssue): string {
  const field = i.field === undefined ? undefined : fieldInFileSpelling(i.file, i.field);
  const where = [i.object, field].filter((s) => s !== undefined && s !== '').join('.');
  return `${i.severity}[${i.code}]: ${i.file}: ${where === '' ? '' : `${where}: `}${i.message}`;
}

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** Convert a zod issue path (`['schema', 2, 'dtype']`) to `schema[2].dtype`. */
export function pathToField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
