import { z } from 'zod';
import { Dtype } from './dtype.ts';
import { Tags } from './meta.ts';
import { Name } from './name.ts';

/** A typed column of a feature view, request source or on-demand output. */
export const Field = z.strictObject({
  name: Name,
  dtype: Dtype,
  description: z.string().optional(),
  tags: Tags.optional(),
});
export type Field = z.output<typeof Field>;
