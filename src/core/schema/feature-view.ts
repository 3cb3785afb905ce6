import { z } from 'zod';
import { Field } from './field.ts';
import { objectMeta } from './meta.ts';
import { Name } from './name.ts';

/**
 * A group of features keyed by entities, read from one source. Schema fields named like the
 * entities' join keys are `entityColumns`; the rest are `features`.
 */
export const FeatureView = z.strictObject({
  name: Name,
  entities: z.array(Name),
  entityColumns: z.array(Field),
  features: z.array(Field),
  /** A file source or a push source. */
  source: Name,
  /** Maximum age of a value, in seconds; 0 means unbounded. */
  ttlSeconds: z.number().int().nonnegative(),
  online: z.boolean(),
  /** A dataset of this view (a validated window, a training set) must hold at least this many rows. */
  minRows: z.number().int().positive().optional(),
  /**
   * What ingestion (push, write-to-online-store) does with rows that break a row-level
   * expectation: `reject` the whole batch (the default, then not stored) or `accept` and count.
   */
  onViolation: z.enum(['reject', 'accept']).optional(),
  ...objectMeta,
});
export type FeatureView = z.output<typeof FeatureView>;
