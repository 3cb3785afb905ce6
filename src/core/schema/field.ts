import { z } from 'zod';
import { Dtype } from './dtype.ts';
import { Tags } from './meta.ts';
import { Name } from './name.ts';

/** A value listed in `allowedValues`: strings for string fields, numbers for numeric ones, booleans for bool. */
export const AllowedValue = z.union([z.string(), z.number(), z.boolean()]);
export type AllowedValue = z.output<typeof AllowedValue>;

/**
 * What a feature's values are expected to satisfy (feature view fields only). Checked by
 * `larder validate`, historical retrieval with `validate`, and on ingestion (row-level ones).
 * Keys appear only when set, so registries without expectations are unchanged.
 */
export const FieldExpectations = z.strictObject({
  /** Smallest allowed value, inclusive (numeric fields). */
  min: z.number().optional(),
  /** Largest allowed value, inclusive (numeric fields). */
  max: z.number().optional(),
  /** The only values a non-null value may take. */
  allowedValues: z.array(AllowedValue).min(1).optional(),
  /** Largest allowed share of null values over a dataset, in [0, 1]. */
  maxNullRate: z.number().min(0).max(1).optional(),
  /** Never null (stored only when true). */
  required: z.literal(true).optional(),
});
export type FieldExpectations = z.output<typeof FieldExpectations>;

/** A typed column of a feature view, request source or on-demand output. */
export const Field = z.strictObject({
  name: Name,
  dtype: Dtype,
  description: z.string().optional(),
  tags: Tags.optional(),
  expectations: FieldExpectations.optional(),
});
export type Field = z.output<typeof Field>;
