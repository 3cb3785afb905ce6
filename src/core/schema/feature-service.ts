import { z } from 'zod';
import { objectMeta, SortedRecord } from './meta.ts';
import { Name } from './name.ts';

/** A subset of one view's features, optionally renamed (alias) and re-keyed (join-key map). */
export const FeatureProjection = z.strictObject({
  /** A feature view or on-demand feature view. */
  view: Name,
  /** Output name of the view (replaces the view name in `view__feature` columns), or null. */
  alias: Name.nullable(),
  features: z.array(Name).min(1),
  /** View join key -> entity-table column. */
  joinKeyMap: SortedRecord,
});
export type FeatureProjection = z.output<typeof FeatureProjection>;

/** The unit a model asks for. */
export const FeatureService = z.strictObject({
  name: Name,
  projections: z.array(FeatureProjection).min(1),
  /** Store one precomputed vector per entity. */
  precompute: z.boolean(),
  ...objectMeta,
});
export type FeatureService = z.output<typeof FeatureService>;
