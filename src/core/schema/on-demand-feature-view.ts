import { z } from 'zod';
import { Field } from './field.ts';
import { objectMeta } from './meta.ts';
import { Name } from './name.ts';

/** An input of an on-demand view: some features of a feature view, or a request source. */
export const OnDemandInput = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('feature_view'), name: Name, features: z.array(Name) }),
  z.strictObject({ type: z.literal('request_source'), name: Name }),
]);
export type OnDemandInput = z.output<typeof OnDemandInput>;

/**
 * Where the transformation lives: a module path relative to the repo and the name of the
 * function it exports. The online and offline paths load the same function from there.
 */
export const TransformationRef = z.strictObject({
  module: z.string().min(1),
  function: z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*$/),
});
export type TransformationRef = z.output<typeof TransformationRef>;

export const OnDemandFeatureView = z.strictObject({
  name: Name,
  sources: z.array(OnDemandInput).min(1),
  /** The declared output schema. */
  features: z.array(Field).min(1),
  transformation: TransformationRef,
  /** Compute at write time and store the result (instead of on every read). */
  writeToOnlineStore: z.boolean(),
  ...objectMeta,
});
export type OnDemandFeatureView = z.output<typeof OnDemandFeatureView>;
