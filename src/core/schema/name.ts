import { z } from 'zod';

/** Object and field names: an identifier (letters, digits, underscores; not starting with a digit). */
export const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const Name = z.string().regex(NAME_PATTERN, 'must be an identifier: letters, digits and underscores');
export type Name = z.output<typeof Name>;

export function isName(s: unknown): s is string {
  return typeof s === 'string' && NAME_PATTERN.test(s);
}
